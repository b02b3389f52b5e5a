import { expect, test } from '@playwright/test';
import { uniq } from '../support/api.ts';
import {
  addNode,
  connect,
  expectSaved,
  flowEdges,
  flowNode,
  flowNodes,
  renderedPosition,
  screenshot,
} from './console-helpers.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('an operator creates a machine, builds a graph, moves a node and finds it unchanged after a reload', async ({
  page,
  request,
}, testInfo) => {
  await page.goto('/machines');
  await page.getByTestId('new-machine').click();
  await page.getByTestId('machine-display-name').fill('Graph rover');
  // A malformed identity is refused before anything is sent.
  await page.getByTestId('machine-identity-ref').fill('rover-without-scheme');
  await page.getByTestId('create-machine-submit').click();
  await expect(page.getByText('must be a peaq DID')).toBeVisible();
  await page.getByTestId('machine-identity-ref').fill(`peaqos:machine:${uniq('graph')}`);
  await page.getByTestId('create-machine-submit').click();

  await expect(page).toHaveURL(/\/machines\/[^/]+\/graph$/);
  const machineId = page.url().split('/machines/')[1]!.split('/')[0]!;
  await expect(page.getByTestId('graph-empty')).toBeVisible();

  const trigger = await addNode(page, 'trigger', 'Nightly trigger');
  const task = await addNode(page, 'task', 'Summarise logs');
  const outcome = await addNode(page, 'outcome', 'Summary');
  await expect(flowNodes(page)).toHaveCount(3);
  // Each type has its own look.
  await expect(flowNode(page, 'Nightly trigger').locator('.gnode--trigger')).toBeVisible();
  await expect(flowNode(page, 'Summary').locator('.gnode--outcome')).toBeVisible();

  await connect(page, trigger, task, 'request', 'starts');
  await connect(page, task, outcome, 'result');
  await expect(flowEdges(page)).toHaveCount(2);
  await expect(page.getByTestId('edge-label').filter({ hasText: 'starts' })).toBeVisible();

  // Drag the outcome down and to the right.
  const before = await renderedPosition(page, outcome);
  const box = (await flowNode(page, 'Summary').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 12);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 120, box.y + 12 + 90, { steps: 10 });
  await page.mouse.up();
  await expectSaved(page, 'Move');
  const moved = await renderedPosition(page, outcome);
  expect(moved.x).toBeGreaterThan(before.x + 50);
  expect(moved.y).toBeGreaterThan(before.y + 30);
  await screenshot(page, testInfo, 'graph-editor');

  await page.reload();
  await expect(flowNodes(page)).toHaveCount(3);
  await expect(flowEdges(page)).toHaveCount(2);
  for (const title of ['Nightly trigger', 'Summarise logs', 'Summary'])
    await expect(flowNode(page, title)).toBeVisible();
  const afterReload = await renderedPosition(page, outcome);
  expect(afterReload.x).toBeCloseTo(moved.x, 0);
  expect(afterReload.y).toBeCloseTo(moved.y, 0);

  // The server holds the same graph.
  const graph = (await (await request.get(`/api/v1/machines/${machineId}/graph`)).json()) as Json;
  expect(graph.nodes).toHaveLength(3);
  expect(graph.edges.map((e: Json) => e.type).sort()).toEqual(['request', 'result']);
});

test('deleting a node with the Delete key removes its edges, and Ctrl+Z brings both back', async ({
  page,
  request,
}, testInfo) => {
  const created = await request.post('/api/v1/machines', {
    data: { displayName: 'Undo rover', identityRef: `peaqos:machine:${uniq('undo')}` },
  });
  const machineId = ((await created.json()) as Json).item.id as string;
  await page.goto(`/machines/${machineId}/graph`);
  const a = await addNode(page, 'skill', 'Inference skill');
  const b = await addNode(page, 'policy', 'Budget policy');
  const c = await addNode(page, 'route', 'Chosen route');
  await connect(page, b, a, 'constrain');
  await connect(page, a, c, 'route-select');

  await flowNode(page, 'Inference skill').click();
  await expect(page.getByTestId('inspector-title')).toHaveValue('Inference skill');
  await page.keyboard.press('Delete');
  await expectSaved(page, 'Delete 1 node and 2 edges');
  await expect(flowNodes(page)).toHaveCount(2);
  await expect(flowEdges(page)).toHaveCount(0);

  await page.keyboard.press('Control+z');
  await expectSaved(page, 'Undo Delete');
  await expect(flowNodes(page)).toHaveCount(3);
  await expect(flowEdges(page)).toHaveCount(2);
  await expect(flowNode(page, 'Inference skill')).toBeVisible();
  await screenshot(page, testInfo, 'graph-undo');

  // Redo deletes the recreated node again, then undo restores it once more.
  await page.keyboard.press('Control+Shift+z');
  await expectSaved(page, 'Redo Delete');
  await expect(flowNodes(page)).toHaveCount(2);
  await page.getByTestId('graph-undo').click();
  await expectSaved(page, 'Undo Delete');
  await expect(flowEdges(page)).toHaveCount(2);

  const graph = (await (await request.get(`/api/v1/machines/${machineId}/graph`)).json()) as Json;
  expect(graph.nodes.map((n: Json) => n.title).sort()).toEqual(['Budget policy', 'Chosen route', 'Inference skill']);
  expect(graph.edges.map((e: Json) => e.type).sort()).toEqual(['constrain', 'route-select']);
});

test('the inspector edits a node, rejects invalid JSON, and copy/paste duplicates a selection with its edges', async ({
  page,
  request,
}) => {
  const created = await request.post('/api/v1/machines', {
    data: { displayName: 'Paste rover', identityRef: `peaqos:machine:${uniq('paste')}` },
  });
  const machineId = ((await created.json()) as Json).item.id as string;
  await page.goto(`/machines/${machineId}/graph`);
  const a = await addNode(page, 'storage', 'Bucket');
  const b = await addNode(page, 'memory', 'Cache');
  await connect(page, a, b, 'sync');

  await flowNode(page, 'Bucket').click();
  await page.getByTestId('inspector-data').fill('{ "region": ');
  await expect(page.getByTestId('inspector-save')).toBeDisabled();
  await page.getByTestId('inspector-data').fill('{ "region": "eu" }');
  await page.getByTestId('inspector-status').selectOption('active');
  await page.getByTestId('inspector-save').click();
  await expectSaved(page, 'Edit Bucket');
  await expect(flowNode(page, 'Bucket').getByTestId('node-status')).toHaveText('active');

  await flowNode(page, 'Cache').click({ modifiers: ['Control'] });
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expectSaved(page, 'Paste 2 nodes');
  await expect(flowNodes(page)).toHaveCount(4);
  await expect(flowEdges(page)).toHaveCount(2);
  const graph = (await (await request.get(`/api/v1/machines/${machineId}/graph`)).json()) as Json;
  const buckets = graph.nodes.filter((n: Json) => n.title === 'Bucket');
  const caches = graph.nodes.filter((n: Json) => n.title === 'Cache');
  expect(buckets).toHaveLength(2);
  // The copy lands clear of the original: shifted by the copied selection's width plus a gap.
  const [left, right] = [buckets[0].position.x, caches[0].position.x].sort((a: number, b: number) => a - b);
  expect(Math.abs(buckets[1].position.x - buckets[0].position.x)).toBe(right - left + 220 + 40);
  expect(buckets.every((n: Json) => n.status === 'active' && n.data.region === 'eu')).toBe(true);
});
