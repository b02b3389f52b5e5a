import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { expect, test } from '@playwright/test';
import type { APIRequestContext } from '@playwright/test';
import { createInferenceTask, createMachine, putEndpoint } from '../support/api.ts';
import { screenshot } from './console-helpers.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let runtime: FakeRuntime;
test.beforeAll(async () => {
  runtime = await startFakeRuntime();
});
test.afterAll(async () => {
  await runtime.close();
});

/** Creates, resolves and executes the inference task; answers the task and the run. */
async function executedTask(request: APIRequestContext, machineId: string): Promise<{ task: Json; run: Json }> {
  // Native only: a failing runtime fails the run instead of handing it off.
  const task = await createInferenceTask(request, machineId, { constraints: { allowExternalHandoff: false } });
  expect((await request.post(`/api/v1/machines/${machineId}/tasks/${task.id}/resolve`, { data: {} })).status()).toBe(
    201,
  );
  const executed = await request.post(`/api/v1/machines/${machineId}/tasks/${task.id}/execute`, { data: {} });
  return { task, run: ((await executed.json()) as Json).run as Json };
}

test('runs filter by time range and show their duration', async ({ page, request }, testInfo) => {
  const machine = await createMachine(request, 'Runs rover');
  const m = machine.id as string;
  await putEndpoint(request, m, 'qvac', { endpointBaseUrl: runtime.url });
  const { run } = await executedTask(request, m);

  await page.goto(`/machines/${m}/runs`);
  const row = page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('run-duration')).toHaveText(/^\d+(\.\d+)? (ms|s)$/);
  await expect(row.locator('td[data-label="Started"]')).toContainText(String(new Date().getFullYear()));

  // A preset keeps the run (the server filters by start time: GET /runs since/until).
  await page.getByTestId('runs-filter-time').selectOption('24h');
  await expect(page).toHaveURL(/range=24h/);
  await expect(row).toBeVisible();
  await screenshot(page, testInfo, 'runs-search');

  // A custom range before the run: nothing; the URL carries it through a reload.
  await page.getByTestId('runs-filter-time').selectOption('custom');
  await page.getByTestId('runs-filter-since').fill('2020-01-01T00:00');
  await page.getByTestId('runs-filter-until').fill('2020-01-31T23:59');
  await page.getByTestId('runs-filter-apply').click();
  await expect(page).toHaveURL(/since=2020-01-01.*until=2020-01-31/);
  await expect(page.getByTestId('empty-state')).toHaveText(/No runs match these filters/);
  await page.reload();
  await expect(page.getByTestId('runs-filter-time')).toHaveValue('custom');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await page.getByTestId('runs-filter-clear').click();
  await expect(row).toBeVisible();

  // Status still filters on the server.
  await page.getByTestId('runs-filter-status').selectOption('failed');
  await expect(row).toHaveCount(0);
});

test('a run shows its task input; "Execute again" runs a failed task again, and a completed one as a copy', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(90_000);
  const machine = await createMachine(request, 'Again rover');
  const m = machine.id as string;
  await putEndpoint(request, m, 'qvac', { endpointBaseUrl: runtime.url });

  // A failed run: the task is `failed`, so the same task executes again.
  runtime.setMode('error');
  let failed: { task: Json; run: Json };
  try {
    failed = await executedTask(request, m);
  } finally {
    runtime.setMode('ok');
  }
  await page.goto(`/machines/${m}/runs/${failed.run.id}`);
  await expect(page.getByTestId('run-status')).toHaveText('failed');
  await expect(page.getByTestId('run-task-status')).toHaveText('failed');
  await expect(page.getByTestId('run-task-input')).toContainText('"hello"');
  await expect(page.getByTestId('execute-again-plan')).toHaveAttribute('data-kind', 'same');
  await expect(page.getByTestId('execute-again')).toHaveText('Execute again');
  await page.getByTestId('execute-again').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Executed again: completed' })).toBeVisible();
  await expect(page).not.toHaveURL(new RegExp(failed.run.id as string));
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  // Same task, now completed: its next "again" is a copy.
  await expect(page.getByTestId('run-task-link')).toHaveText(failed.task.id as string);
  await expect(page.getByTestId('run-task-status')).toHaveText('completed');
  await expect(page.getByTestId('execute-again-plan')).toHaveAttribute('data-kind', 'copy');
  await expect(page.getByTestId('execute-again-plan')).toContainText('creates a new task with the same input');
  await screenshot(page, testInfo, 'run-detail');

  // A completed task cannot execute again (state machine): a new task with the same input does.
  const secondRunUrl = page.url();
  await page.getByTestId('execute-again').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'New task executed: completed' })).toBeVisible();
  await expect(page).not.toHaveURL(secondRunUrl);
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  await expect(page.getByTestId('run-task-link')).not.toHaveText(failed.task.id as string);
  await expect(page.getByTestId('run-task-input')).toContainText('"hello"');
  const copyId = await page.getByTestId('run-task-link').textContent();
  const copy = ((await (await request.get(`/api/v1/machines/${m}/tasks/${copyId}`)).json()) as Json).item as Json;
  expect(copy.input).toEqual(failed.task.input);
  expect(copy.operation).toBe(failed.task.operation);

  // The toast leads back; the run's events are one click away in the audit log.
  await page.getByTestId('toast').filter({ hasText: 'New task executed' }).getByTestId('toast-action').click();
  await expect(page).toHaveURL(secondRunUrl);
  await page.getByRole('link', { name: 'Events of this run →' }).click();
  await expect(page).toHaveURL(/\/audit\?resourceType=run&resourceId=/);
  const started = page
    .getByTestId('audit-row')
    .filter({ has: page.locator('[data-testid="audit-type"]:text-is("run.started")') });
  await expect(started.getByTestId('audit-summary')).toHaveText('run started on qvac-private-inference by local');
  await started.getByTestId('audit-resource-link').click();
  await expect(page).toHaveURL(secondRunUrl);
});
