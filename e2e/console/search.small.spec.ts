import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { expect, test } from '@playwright/test';
import { createInferenceTask, createMachine, putEndpoint } from '../support/api.ts';
import { expectLabelledCells, expectNoHorizontalScroll, screenshot } from './console-helpers.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let runtime: FakeRuntime;
test.beforeAll(async () => {
  runtime = await startFakeRuntime();
});
test.afterAll(async () => {
  await runtime.close();
});

// Runs at 390 × 844 (the console-small project).
test('on a phone the card lists label every value, and audit, runs and run detail fit the screen', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(90_000);
  const machine = await createMachine(request, 'Pocket rover');
  const m = machine.id as string;
  await putEndpoint(request, m, 'qvac', { endpointBaseUrl: runtime.url });
  const task = await createInferenceTask(request, m);
  await request.post(`/api/v1/machines/${m}/tasks/${task.id}/resolve`, { data: {} });
  const run = (
    (await (await request.post(`/api/v1/machines/${m}/tasks/${task.id}/execute`, { data: {} })).json()) as Json
  ).run as Json;

  // The endpoint card: "no lease" and "… ago" say which field they are.
  await page.goto(`/machines/${m}/endpoints`);
  const endpoint = page.locator('[data-testid="endpoint-row"][data-provider-key="qvac"]');
  await expect(endpoint).toBeVisible();
  await expect(endpoint.locator('td[data-label="Lease"]')).toHaveText('no lease');
  await expect(endpoint.locator('td[data-label="Last checked"]')).toContainText(/ago|now/);
  await expectLabelledCells(page);
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, 'endpoints-cards');

  // Discovery's candidates are a table too (on a queued task: the executed one discovers no more).
  const queued = await createInferenceTask(request, m);
  await page.goto(`/machines/${m}/tasks/${queued.id}`);
  await page.getByTestId('discover-run').click();
  await expect(page.getByTestId('candidate-row').first()).toBeVisible();
  await expect(page.getByTestId('candidate-row').first().locator('td[data-label="Score"]')).toHaveText(/\d/);
  await expectLabelledCells(page);
  await expectNoHorizontalScroll(page);

  await page.goto(`/machines/${m}/runs?range=24h`);
  const row = page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`);
  await expect(row.locator('td[data-label="Duration"]')).toHaveText(/\d/);
  await expectLabelledCells(page);
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, 'runs-search');

  await page.goto(`/machines/${m}/runs/${run.id}`);
  await expect(page.getByTestId('run-task-input')).toContainText('"hello"');
  await expect(page.getByTestId('execute-again')).toBeVisible();
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, 'run-detail');

  await page.goto(`/audit?machineId=${m}&type=task.created`);
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toBeVisible();
  await expect(rows.first().getByTestId('audit-summary')).toContainText('task ‘inference’');
  // The sentence, its time and links stay inside the screen.
  const box = (await rows.first().boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, 'audit-search');
});
