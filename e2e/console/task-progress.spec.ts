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

test('the hop shown is the one the server is calling: after a failed first hop, the fallback, also for an execution started elsewhere', async ({
  page,
  request,
}, testInfo) => {
  const failing = await startFakeRuntime({ mode: 'error' });
  try {
    const machine = await createMachine(request, 'Fallback rover');
    const m = machine.id as string;
    // Two native services on an operation only this test asks for: the first on a runtime that
    // answers 500, the fallback on the slow one.
    const op = `wave-${Date.now().toString(36)}`;
    const first = `hop-first-${op}`;
    const second = `hop-second-${op}`;
    for (const [id, skillKey, providerKey] of [
      [first, 'qvac', 'qvac'],
      [second, 'edge.device-control', 'edge-agent'],
    ] as const) {
      const res = await request.put(`/api/v1/market/services/${id}`, {
        data: {
          skillKey,
          providerKey,
          companyName: 'E2E',
          serviceType: 'device.control',
          name: id,
          operations: [op],
          executionMode: 'native',
          integrationStatus: 'integrated',
        },
      });
      expect(res.status()).toBe(201);
    }
    await putEndpoint(request, m, 'qvac', { endpointBaseUrl: failing.url });
    await putEndpoint(request, m, 'edge-agent', { endpointBaseUrl: runtime.url });
    const created = await request.post(`/api/v1/machines/${m}/tasks`, {
      data: {
        serviceType: 'device.control',
        taskType: 'wave',
        operation: op,
        input: { command: 'wave' },
        constraints: { allowExternalHandoff: false, preferredSkillKeys: ['qvac'] },
      },
    });
    const taskId = ((await created.json()) as { item: { id: string } }).item.id;
    const resolved = await request.post(`/api/v1/machines/${m}/tasks/${taskId}/resolve`, { data: {} });
    const route = (
      (await resolved.json()) as { item: { selectedServiceId: string; fallbackChain: { serviceId: string }[] } }
    ).item;
    expect(route.selectedServiceId).toBe(first);
    expect(route.fallbackChain.map((h) => h.serviceId)).toEqual([second]);

    await page.goto(`/machines/${m}/tasks/${taskId}`);
    await expect(page.getByTestId('route-status')).toHaveText('selected');
    runtime.setMode('slow');
    // Started by another client: the open driver learns it from the server alone.
    const execution = request.post(`/api/v1/machines/${m}/tasks/${taskId}/execute`, { data: {} });
    await expect(page.getByTestId('task-status')).toHaveText('executing');
    await expect(page.getByTestId('execute-hop-now')).toHaveText(`hop 2 of 2: ${second}`);
    await expect(page.getByTestId('execute-hop')).toContainText(second);
    await expect(page.locator('[data-testid="execute-hop-row"][data-state="failed"]')).toContainText(
      `${first} native failed (RUNTIME_ERROR)`,
    );
    for (const id of ['discover-run', 'resolve-run', 'execute-run']) await expect(page.getByTestId(id)).toBeDisabled();
    await screenshot(page, testInfo, 'task-executing-fallback');
    expect((await execution).status()).toBe(200);
    await expect(page.getByTestId('task-status')).toHaveText('completed', { timeout: 20_000 });
    await expect(page.getByTestId('execute-progress')).toHaveCount(0);
  } finally {
    runtime.setMode('ok');
    await failing.close();
  }
});
