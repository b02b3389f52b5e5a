import { expect, test } from '@playwright/test';
import { createInferenceTask, createMachine, putEndpoint } from '../support/api.ts';
import { screenshot } from './console-helpers.ts';

/** Issue 12 point 1 (context C8): a machine that is not active is readable, read-only, with the reason. */
test('a degraded machine shows its endpoints, tasks and runs read-only under a banner saying why', async ({
  page,
  request,
}, testInfo) => {
  const machine = await createMachine(request, 'Sick rover');
  await putEndpoint(request, machine.id, 'qvac', { endpointBaseUrl: 'http://127.0.0.1:9', status: 'unreachable' });
  const task = await createInferenceTask(request, machine.id);
  const patched = await request.patch(`/api/v1/machines/${machine.id}`, { data: { status: 'degraded' } });
  expect(patched.status()).toBe(200);

  await page.goto(`/machines/${machine.id}/endpoints`);
  const banner = page.getByTestId('machine-inactive');
  await expect(banner).toContainText('Orchestration is closed');
  await expect(page.getByTestId('machine-inactive-status')).toHaveText('degraded');
  await expect(page.locator('[data-testid="endpoint-row"][data-provider-key="qvac"]')).toBeVisible();
  await expect(page.getByTestId('add-endpoint')).toBeDisabled();
  await expect(page.getByTestId('add-endpoint')).toHaveAttribute('title', /degraded: writes are refused/);
  await expect(page.getByTestId('endpoint-edit')).toBeDisabled();
  await expect(page.getByTestId('endpoint-delete')).toBeDisabled();
  // The header's health reads the inactive machine too.
  await expect(page.getByTestId('endpoint-health')).toContainText('0/1 endpoints up');
  await screenshot(page, testInfo, 'machine-inactive-endpoints');

  await page.getByTestId('tab-tasks').click();
  await expect(page.locator(`[data-testid="task-row"][data-task-id="${task.id}"]`)).toBeVisible();
  await expect(page.getByTestId('new-task')).toBeDisabled();
  await page.goto(`/machines/${machine.id}/tasks/${task.id}`);
  await expect(page.getByTestId('discover-run')).toBeDisabled();
  await expect(page.getByTestId('execute-run')).toBeDisabled();

  await page.getByTestId('tab-agents').click();
  await expect(page.getByText('No agents enrolled')).toBeVisible();
  await expect(page.getByTestId('enroll-agent-submit')).toBeDisabled();
  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('error-code')).toHaveCount(0);
  await page.getByTestId('tab-graph').click();
  await expect(page.getByTestId('graph-empty')).toBeVisible();
  await expect(page.getByTestId('graph-add-node')).toHaveCount(0);
  // At 1440 px the reason is the machine, not the screen.
  await expect(page.getByTestId('graph-read-only')).toHaveText('Read-only: orchestration is closed');
  await screenshot(page, testInfo, 'machine-inactive-graph');
});
