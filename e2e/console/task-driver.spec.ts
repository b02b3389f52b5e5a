import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { expect, test } from '@playwright/test';
import { createMachine } from '../support/api.ts';
import { screenshot } from './console-helpers.ts';

let runtime: FakeRuntime;
test.beforeAll(async () => {
  runtime = await startFakeRuntime();
});
test.afterAll(async () => {
  await runtime.close();
});

test('register a runtime endpoint, then drive a task through discover, resolve and execute', async ({
  page,
  request,
}, testInfo) => {
  const machine = await createMachine(request, 'Task rover');

  // Runtime endpoint, added by hand; the token is write-only.
  await page.goto(`/machines/${machine.id}/endpoints`);
  await expect(page.getByText('No runtime endpoints')).toBeVisible();
  await page.getByTestId('add-endpoint').click();
  await page.getByTestId('endpoint-provider-key').fill('qvac');
  await page.getByTestId('endpoint-base-url').fill(`${runtime.url}/ignored/path`);
  await page.getByTestId('endpoint-auth-type').selectOption('bearer');
  await page.getByTestId('endpoint-auth-token').fill('runtime-secret');
  await page.getByTestId('endpoint-submit').click();
  const row = page.locator('[data-testid="endpoint-row"][data-provider-key="qvac"]');
  await expect(row).toContainText(runtime.url);
  await expect(row).not.toContainText('/ignored/path');
  await expect(row).toContainText('token stored');
  await expect(row.getByTestId('endpoint-status-badge')).toHaveText('active');
  await row.getByTestId('endpoint-edit').click();
  await expect(page.getByTestId('endpoint-auth-token')).toHaveValue('');
  await expect(page.getByTestId('endpoint-auth-token')).toHaveAttribute('placeholder', 'stored');
  await expect(page.getByText('stored — leave blank to keep it')).toBeVisible();
  await screenshot(page, testInfo, 'endpoints');
  await page.getByRole('button', { name: 'Cancel' }).click();
  // The fake runtime only answers a caller that brings the stored token.
  runtime.requireToken('runtime-secret');

  // Task.
  await page.getByTestId('tab-tasks').click();
  await page.getByTestId('new-task').click();
  await page.getByTestId('task-service-type').selectOption('compute.marketplace');
  await page.getByTestId('task-task-type').fill('inference');
  await page.getByTestId('task-operation').selectOption('run-private-inference');
  await page
    .getByTestId('task-input')
    .fill(JSON.stringify({ messages: [{ role: 'user', content: 'ping from the console' }] }));
  await page.getByTestId('create-task-submit').click();
  await expect(page).toHaveURL(/\/tasks\/[^/]+$/);
  await expect(page.getByTestId('task-status')).toHaveText('queued');

  // Discover: candidates with scores and reasons.
  await page.getByTestId('discover-run').click();
  const qvac = page.locator('[data-testid="candidate-row"][data-service-id="qvac-private-inference"]');
  await expect(qvac).toBeVisible();
  await expect(qvac).toContainText('native');
  await expect(qvac.getByTestId('candidate-score')).toHaveText(/\d+\.\d\d/);
  await expect(page.getByTestId('resolution')).toHaveAttribute('data-kind', 'native');
  await screenshot(page, testInfo, 'task-discover');

  // Resolve: the route and its fallback chain.
  await page.getByTestId('resolve-run').click();
  await expect(page.getByTestId('route-status')).toHaveText('selected');
  await expect(page.getByTestId('route-service')).toHaveText('qvac-private-inference');
  await expect(page.getByTestId('fallback-chain')).toBeVisible();
  await expect(page.getByTestId('task-status')).toHaveText('resolved');

  // Execute: outcome, result and the run's attempts.
  await page.getByTestId('execute-run').click();
  await expect(page.getByTestId('outcome-status')).toHaveText('completed');
  await expect(page.getByTestId('outcome-result')).toContainText('echo: ping from the console');
  const attempt = page.getByTestId('attempt').first();
  await expect(attempt).toHaveAttribute('data-status', 'succeeded');
  await expect(attempt).toContainText('HTTP 200');
  await expect(page.getByTestId('task-status')).toHaveText('completed');
  await expect(page.getByTestId('execute-run')).toBeDisabled();
  await screenshot(page, testInfo, 'task-executed');
  expect(
    runtime.requests.some(
      (r) => r.path === '/v1/chat/completions' && r.headers.authorization === 'Bearer runtime-secret',
    ),
  ).toBe(true);

  // A reload lands on the same task with its stored route and outcome.
  await page.reload();
  await expect(page.getByTestId('route-status')).toHaveText('completed');
  await expect(page.getByTestId('outcome-status')).toHaveText('completed');

  // Runs: filter and open the detail.
  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await page.getByTestId('runs-filter-status').selectOption('failed');
  await expect(page.getByText('No runs match these filters')).toBeVisible();
  await page.getByTestId('runs-filter-status').selectOption('completed');
  await page.getByTestId('runs-filter-service').fill('qvac-private-inference');
  await page.getByTestId('runs-filter-apply').click();
  await expect(page).toHaveURL(/status=completed/);
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await page.getByTestId('run-row').getByRole('link').first().click();
  await expect(page.getByTestId('run-detail')).toBeVisible();
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  await expect(page.getByTestId('outcome-status')).toHaveText('completed');
  await screenshot(page, testInfo, 'run-detail');
  runtime.requireToken(null);
});

test('a failed execution shows the error code, the failed outcome and the attempt that failed', async ({
  page,
  request,
}) => {
  const machine = await createMachine(request, 'Failing rover');
  await request.put(`/api/v1/machines/${machine.id}/runtime-endpoints/qvac`, {
    data: { endpointBaseUrl: runtime.url },
  });
  const created = await request.post(`/api/v1/machines/${machine.id}/tasks`, {
    data: {
      serviceType: 'compute.marketplace',
      taskType: 'inference',
      operation: 'run-private-inference',
      input: { messages: [{ role: 'user', content: 'fail please' }] },
      constraints: { requireNativeExecution: true, allowExternalHandoff: false },
    },
  });
  const task = ((await created.json()) as { item: { id: string } }).item;
  runtime.setMode('error');
  try {
    await page.goto(`/machines/${machine.id}/tasks/${task.id}`);
    await page.getByTestId('resolve-run').click();
    await expect(page.getByTestId('route-status')).toHaveText('selected');
    await page.getByTestId('execute-run').click();
    await expect(page.getByTestId('execute-error-code')).toHaveText('RUNTIME_ERROR');
    await expect(page.getByTestId('outcome-status')).toHaveText('failed');
    await expect(page.getByTestId('attempt').first()).toHaveAttribute('data-status', 'failed');
    await expect(page.getByTestId('task-status')).toHaveText('failed');
    await expect(page.getByTestId('execute-run')).toHaveText('Execute again');
  } finally {
    runtime.setMode('ok');
  }
});
