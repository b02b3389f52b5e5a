import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { expect, test } from '@playwright/test';
import { createMachine, putEndpoint } from '../support/api.ts';
import { screenshot } from './console-helpers.ts';

let runtime: FakeRuntime;
test.beforeAll(async () => {
  runtime = await startFakeRuntime({ slowMs: 2_500 });
});
test.afterAll(async () => {
  await runtime.close();
});

test('a slow execution shows executing, elapsed time and the hop being tried, with every step locked; discovery survives a reload', async ({
  page,
  request,
}, testInfo) => {
  const machine = await createMachine(request, 'Slow rover');
  await putEndpoint(request, machine.id, 'qvac', { endpointBaseUrl: runtime.url });
  await page.goto(`/machines/${machine.id}/tasks`);
  await page.getByTestId('new-task').click();
  await page.getByTestId('create-task-submit').click();
  await expect(page).toHaveURL(/\/tasks\/[^/]+$/);
  await expect(page.getByTestId('toast').filter({ hasText: 'Task inference created' })).toBeVisible();

  // Discovery is kept with the task: a reload still shows it.
  await page.getByTestId('discover-run').click();
  await expect(page.getByTestId('discover-result')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('discover-result')).toBeVisible();
  await expect(page.locator('[data-testid="candidate-row"][data-service-id="qvac-private-inference"]')).toBeVisible();

  await page.getByTestId('resolve-run').click();
  await expect(page.getByTestId('route-status')).toHaveText('selected');
  runtime.setMode('slow');
  try {
    await page.getByTestId('execute-run').click();
    await expect(page.getByTestId('task-status')).toHaveText('executing');
    await expect(page.getByTestId('execute-progress')).toBeVisible();
    await expect(page.getByTestId('execute-hop')).toContainText('qvac-private-inference');
    await expect(page.getByTestId('execute-elapsed')).toHaveText(/\d/);
    for (const id of ['discover-run', 'resolve-run', 'execute-run']) await expect(page.getByTestId(id)).toBeDisabled();
    await screenshot(page, testInfo, 'task-executing');
    await expect(page.getByTestId('outcome-status')).toHaveText('completed', { timeout: 20_000 });
    await expect(page.getByTestId('task-status')).toHaveText('completed');
    await expect(page.getByTestId('execute-progress')).toHaveCount(0);
  } finally {
    runtime.setMode('ok');
  }
});
