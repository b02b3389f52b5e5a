import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { expect, test } from '@playwright/test';
import { createMachine, putEndpoint } from '../support/api.ts';
import { expectLabelledCells, expectNoHorizontalScroll, screenshot, seedNodes } from './console-helpers.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let runtime: FakeRuntime;
test.beforeAll(async () => {
  runtime = await startFakeRuntime();
});
test.afterAll(async () => {
  await runtime.close();
});

// Runs in both console projects: 1440 × 900 and 390 × 844. Every screen is filled with data,
// photographed into e2e/artifacts/console/<width>-<screen>.png, and must not scroll sideways.
test('every screen is usable with data, at this viewport, without horizontal scroll', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const machine = await createMachine(request, 'Screens rover with a long display name');
  const m = machine.id as string;
  await putEndpoint(request, m, 'qvac', { endpointBaseUrl: runtime.url });
  await putEndpoint(request, m, 'ollama', { endpointBaseUrl: 'http://127.0.0.1:9', status: 'unreachable' });
  await putEndpoint(request, m, 'llamacpp', { endpointBaseUrl: 'http://127.0.0.1:9', status: 'degraded' });
  await request.post(`/api/v1/machines/${m}/agents/enrollment`, {
    data: { label: 'Rover agent', providerKeys: ['qvac'] },
  });
  const task = (
    (await (
      await request.post(`/api/v1/machines/${m}/tasks`, {
        data: {
          serviceType: 'compute.marketplace',
          taskType: 'inference',
          operation: 'run-private-inference',
          input: { messages: [{ role: 'user', content: 'hello' }] },
        },
      })
    ).json()) as Json
  ).item as Json;
  await request.post(`/api/v1/machines/${m}/tasks/${task.id}/resolve`, { data: {} });
  const executed = (await (
    await request.post(`/api/v1/machines/${m}/tasks/${task.id}/execute`, { data: {} })
  ).json()) as Json;
  const policy = (
    (await (
      await request.post('/api/v1/policies', { data: { name: `Screens policy ${Date.now()}`, deniedSkillKeys: [] } })
    ).json()) as Json
  ).item as Json;
  await seedNodes(request, m, 12);

  const visit = async (name: string, url: string, ready: () => Promise<void>) => {
    await page.goto(url);
    await ready();
    await expectNoHorizontalScroll(page);
    // Tables turn into card lists at 390 px: every value keeps its label.
    if ((page.viewportSize()?.width ?? 0) <= 720) await expectLabelledCells(page);
    await screenshot(page, testInfo, name);
  };
  await visit('machines', '/machines', () => expect(page.getByTestId('machine-row').first()).toBeVisible());
  await visit('machine-overview', `/machines/${m}`, () =>
    expect(page.getByTestId('endpoint-health')).toHaveText('1/3 endpoints up'),
  );
  // Zoomed out to fit, a small screen may show the overview picture instead of node cards.
  await visit('graph', `/machines/${m}/graph`, () =>
    expect(page.locator('.react-flow__node, [data-testid="graph-overview"]').first()).toBeVisible(),
  );
  await visit('tasks', `/machines/${m}/tasks`, () => expect(page.getByTestId('task-row').first()).toBeVisible());
  await visit('task-driver', `/machines/${m}/tasks/${task.id}`, () =>
    expect(page.getByTestId('outcome-status')).toHaveText('completed'),
  );
  await visit('endpoints', `/machines/${m}/endpoints`, () => expect(page.getByTestId('endpoint-row')).toHaveCount(3));
  await visit('agents', `/machines/${m}/agents`, () => expect(page.getByTestId('agent-row').first()).toBeVisible());
  await visit('runs', `/machines/${m}/runs`, () => expect(page.getByTestId('run-row').first()).toBeVisible());
  const runId = (executed.run as Json | undefined)?.id as string | undefined;
  if (runId)
    await visit('run-detail', `/machines/${m}/runs/${runId}`, () =>
      expect(page.getByTestId('run-detail')).toBeVisible(),
    );
  await visit('policies', '/policies', () => expect(page.getByTestId('policy-row').first()).toBeVisible());
  await visit('policy-detail', `/policies/${policy.id}`, () => expect(page.getByTestId('policy-form')).toBeVisible());
  await visit('catalogue', '/catalogue', () => expect(page.getByTestId('skill-row').first()).toBeVisible());
  await visit('skill-form', '/catalogue', async () => {
    await page.getByTestId('skill-edit').first().click();
    await expect(page.getByTestId('skill-form')).toBeVisible();
  });
  await visit('audit', '/audit', () => expect(page.getByTestId('audit-row').first()).toBeVisible());
  await visit('not-found', '/nowhere', () => expect(page.getByText('Page not found')).toBeVisible());
  // The new-task and new-machine forms too.
  await visit('task-form', `/machines/${m}/tasks`, async () => {
    await page.getByTestId('new-task').click();
    await expect(page.getByTestId('create-task-form')).toBeVisible();
  });
  await visit('machine-form', '/machines', async () => {
    await page.getByTestId('new-machine').click();
    await expect(page.getByTestId('create-machine-form')).toBeVisible();
  });
});
