import { expect, test } from '@playwright/test';
import type { APIRequestContext } from '@playwright/test';
import { createInferenceTask, createMachine, putEndpoint } from '../support/api.ts';
import { screenshot } from './console-helpers.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function node(request: APIRequestContext, machineId: string, title: string): Promise<string> {
  const res = await request.post(`/api/v1/machines/${machineId}/graph/nodes`, { data: { type: 'skill', title } });
  expect(res.status()).toBe(201);
  return ((await res.json()) as Json).item.id as string;
}

test('the audit log searches by type group, machine scope, principal and time, and links events to their resources', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(90_000);
  const rover = await createMachine(request, 'Search rover');
  const other = await createMachine(request, 'Other rover');
  const m = rover.id as string;
  const camera = await node(request, m, 'Camera');
  await node(request, m, 'Lens');
  const moved = await request.patch(`/api/v1/machines/${m}/graph/nodes/${camera}`, {
    data: { position: { x: 400, y: 120 } },
  });
  expect(moved.status()).toBe(200);
  const task = await createInferenceTask(request, m);
  // Nothing listens on the discard port: the probe pass (every 500 ms in e2e) marks it down, as `system`.
  await putEndpoint(request, m, 'ollama', { endpointBaseUrl: 'http://127.0.0.1:9' });
  await node(request, other.id as string, 'Not mine');

  // "Events of this machine" scopes by machine: its graph, task and endpoint events, not only its own.
  await page.goto(`/machines/${m}`);
  await page.getByTestId('machine-audit-link').click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?machineId=${m}$`));
  await expect(page.getByTestId('audit-filter-machine')).toHaveValue(m);
  const rows = page.getByTestId('audit-row');
  for (const type of ['machine.created', 'graph.node.created', 'graph.node.updated', 'task.created']) {
    await expect(
      rows.filter({ has: page.locator(`[data-testid="audit-type"]:text-is("${type}")`) }).first(),
    ).toBeVisible();
  }
  expect(new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-machine-id'))))).toEqual(
    new Set([m]),
  );
  await expect(page.getByTestId('audit-active-filter')).toHaveText(['machine Search rover✕']);

  // A readable sentence, who asked, when (relative and absolute).
  const move = rows.filter({ has: page.locator('[data-testid="audit-type"]:text-is("graph.node.updated")') });
  await expect(move.getByTestId('audit-summary')).toHaveText('node ‘Camera’ moved by local');
  await expect(move.getByTestId('audit-principal')).toHaveText('local');
  await expect(move.getByTestId('audit-time')).toContainText(/ago|now/);
  await expect(move.getByTestId('audit-time')).toContainText(String(new Date().getFullYear()));

  // A group prefix from the picker: only node events, of this machine.
  await expect(page.locator('#audit-types option[value="graph.node.*"]')).toHaveCount(1);
  await expect(page.locator('#audit-types option[value="task.*"]')).toHaveCount(1);
  await page.getByTestId('audit-filter-type').fill('graph.node.*');
  await page.getByTestId('audit-filter-apply').click();
  await expect(page).toHaveURL(/type=graph\.node\.\*/);
  await expect(rows).toHaveCount(3);
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-type')))).toEqual([
    'graph.node.updated',
    'graph.node.created',
    'graph.node.created',
  ]);
  await screenshot(page, testInfo, 'audit-search');

  // The link of a node event opens the graph on that node.
  await move.getByTestId('audit-resource-link').click();
  await expect(page).toHaveURL(new RegExp(`/machines/${m}/graph\\?node=${camera}$`));
  await expect(page.locator(`.react-flow__node.selected[data-id="${camera}"]`)).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/type=graph\.node\.\*/);

  // The whole `task.*` group links to the task driver.
  await page.getByTestId('audit-filter-type').fill('task.*');
  await page.getByTestId('audit-filter-apply').click();
  await expect(rows).toHaveCount(1);
  await expect(rows.getByTestId('audit-summary')).toHaveText('task ‘inference’ created by local');
  await rows.getByTestId('audit-resource-link').click();
  await expect(page).toHaveURL(new RegExp(`/machines/${m}/tasks/${task.id}$`));
  await expect(page.getByTestId('task-driver')).toBeVisible();
  await page.goBack();

  // Principal: the system's probe verdicts on the dead endpoint, nothing the operator did.
  await page.getByTestId('audit-filter-type').fill('');
  await page.getByTestId('audit-filter-principal').fill('system');
  await page.getByTestId('audit-filter-apply').click();
  await expect(page).toHaveURL(/principal=system/);
  await expect(rows.first()).toBeVisible({ timeout: 20_000 });
  for (const p of await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-principal')))) {
    expect(p).toBe('system');
  }
  await expect(rows.first().getByTestId('audit-summary')).toContainText('endpoint ‘ollama’');
  await rows.first().getByTestId('audit-resource-link').click();
  await expect(page).toHaveURL(new RegExp(`/machines/${m}/endpoints$`));
  await page.goBack();

  // Time: the last hour holds them; a custom range in the past holds nothing; the chip removes it.
  await page.getByTestId('audit-filter-principal').fill('');
  await page.getByTestId('audit-filter-time').selectOption('1h');
  await page.getByTestId('audit-filter-apply').click();
  await expect(page).toHaveURL(/range=1h/);
  await expect(rows.first()).toBeVisible();
  await page.getByTestId('audit-filter-time').selectOption('custom');
  await page.getByTestId('audit-filter-since').fill('2020-01-01T00:00');
  await page.getByTestId('audit-filter-until').fill('2020-01-02T00:00');
  await page.getByTestId('audit-filter-apply').click();
  await expect(page).toHaveURL(/since=2020-01-0.*until=2020-01-0/);
  await expect(page.getByTestId('empty-state')).toHaveText(/No events match these filters/);

  // Shared or reloaded, the link is the same view.
  await page.reload();
  await expect(page.getByTestId('audit-filter-machine')).toHaveValue(m);
  await expect(page.getByTestId('audit-filter-time')).toHaveValue('custom');
  await expect(page.getByTestId('audit-filter-since')).toHaveValue('2020-01-01T00:00');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await page.getByTestId('audit-active-filter').filter({ hasText: 'from' }).getByRole('button').click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?machineId=${m}$`));
  await expect(rows.first()).toBeVisible();

  // The machine of a resource's event links to the machine.
  await rows
    .filter({ has: page.locator('[data-testid="audit-type"]:text-is("graph.node.created")') })
    .first()
    .getByTestId('audit-machine-link')
    .click();
  await expect(page).toHaveURL(new RegExp(`/machines/${m}$`));
});
