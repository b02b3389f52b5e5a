import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { createInferenceTask, createMachine, putEndpoint } from '../support/api.ts';
import { screenshot } from './console-helpers.ts';

/**
 * Issue 9 point 4: open pages follow the change feed. The server probes every 500 ms in e2e
 * (MM_PROBE_INTERVAL_MS in playwright.config.ts), so a stopped runtime turns degraded, then
 * unreachable (3 failures), while the endpoints page stays open. No reloads anywhere here.
 */

/** A runtime that answers every request 200 on loopback, until closed. */
async function tinyRuntime(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"data":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('an endpoint whose runtime stops turns degraded, then unreachable, on an open endpoints page', async ({
  page,
  request,
}, testInfo) => {
  const runtime = await tinyRuntime();
  try {
    const machine = await createMachine(request, 'Live rover');
    await putEndpoint(request, machine.id, 'qvac', {
      endpointBaseUrl: runtime.url,
      probePath: '/v1/models',
      networkScope: 'loopback',
    });
    await page.goto(`/machines/${machine.id}/endpoints`);
    const badge = page.locator(
      '[data-testid="endpoint-row"][data-provider-key="qvac"] [data-testid="endpoint-status-badge"]',
    );
    await expect(badge).toHaveAttribute('data-status', 'active');
    await runtime.close();
    await expect(badge).toHaveAttribute('data-status', 'degraded', { timeout: 3_000 });
    await expect(badge).toHaveAttribute('data-status', 'unreachable', { timeout: 3_000 });
    await screenshot(page, testInfo, 'endpoints-live');
  } finally {
    await runtime.close().catch(() => undefined);
  }
});

test('an agent heartbeat and a task created through the API show on open pages without reload', async ({
  page,
  request,
}) => {
  const machine = await createMachine(request, 'Live agents');
  const enrol = await request.post(`/api/v1/machines/${machine.id}/agents/enrollment`, { data: { label: 'Edge' } });
  expect(enrol.status()).toBe(201);
  const agent = ((await enrol.json()) as { item: { id: string; agentToken: string } }).item;

  await page.goto(`/machines/${machine.id}/agents`);
  const status = page.locator(`[data-testid="agent-row"][data-agent-id="${agent.id}"] [data-testid="agent-status"]`);
  await expect(status).toHaveAttribute('data-status', 'provisioned');
  // The agents list also polls every 10 s: the feed must beat that by far.
  const hb = await request.post('/api/v1/machine-agents/heartbeat', {
    data: { machineId: machine.id, agentId: agent.id, agentToken: agent.agentToken },
  });
  expect(hb.status()).toBe(200);
  await expect(status).toHaveAttribute('data-status', 'active', { timeout: 2_000 });

  await page.goto(`/machines/${machine.id}/tasks`);
  await expect(page.getByText('No tasks yet')).toBeVisible();
  const task = await createInferenceTask(request, machine.id);
  await expect(page.locator(`[data-testid="task-row"][data-task-id="${task.id}"]`)).toBeVisible({ timeout: 2_000 });
});

test('the audit page shows an event made elsewhere within about a second', async ({ page, request }) => {
  await page.goto('/audit');
  await expect(page.getByTestId('audit-list')).toBeVisible();
  const machine = await createMachine(request, 'Audited live');
  await expect(page.locator(`[data-testid="audit-row"][data-resource-id="${machine.id}"]`).first()).toBeVisible({
    timeout: 2_500,
  });
});
