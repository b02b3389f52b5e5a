import { expect, test } from '@playwright/test';
import { createMachine } from '../support/api.ts';
import { screenshot, seedNodes } from './console-helpers.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('auto-layout saves in bulk chunks with progress, and Cancel stops it between chunks, undoable', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const machine = await createMachine(request, 'Cancel layout rover');
  const ids = await seedNodes(request, machine.id as string, 600);
  const before = (await (await request.get(`/api/v1/machines/${machine.id}/graph`)).json()) as Json;
  const start = new Map((before.nodes as Json[]).map((n) => [n.id as string, n.position as Json]));
  await page.goto(`/machines/${machine.id}/graph`);
  await expect(page.getByTestId('graph-counts')).toHaveText('600 nodes · 0 edges');

  // Count the bulk calls and slow each down, so that Cancel lands while the first chunk is saving.
  const moveCalls: number[] = [];
  await page.route('**/trpc/**', async (route) => {
    const url = route.request().url();
    if (!url.includes('graph.moveNodes')) return route.fallback();
    const body = route.request().postDataJSON() as Record<string, Json>;
    moveCalls.push(...Object.values(body).map((input) => (input.positions ?? input.json?.positions ?? []).length));
    await new Promise((r) => setTimeout(r, 1_500));
    return route.fallback();
  });

  await page.getByTestId('graph-auto-layout').click();
  const state = page.getByTestId('graph-save-state');
  await expect(state).toContainText(/saving 0 of \d{3}/);
  await expect(page.getByTestId('graph-cancel-layout')).toBeVisible();
  await screenshot(page, testInfo, 'graph-auto-layout-saving');
  await page.getByTestId('graph-cancel-layout').click();
  await expect(
    page.getByTestId('toast').filter({ hasText: /Auto-layout cancelled: 500 of \d{3} positions saved/ }),
  ).toBeVisible({ timeout: 20_000 });
  await expect(state).toHaveAttribute('data-phase', 'idle');
  await expect(state).toHaveAttribute('data-busy', 'false');
  await expect(page.getByTestId('graph-auto-layout')).toBeVisible();
  // One bulk call of 500, none for the rest: no per-node requests.
  expect(moveCalls).toEqual([500]);

  const after = (await (await request.get(`/api/v1/machines/${machine.id}/graph`)).json()) as Json;
  const moved = (after.nodes as Json[]).filter((n) => {
    const s = start.get(n.id as string)!;
    return s.x !== n.position.x || s.y !== n.position.y;
  });
  expect(moved.length).toBeGreaterThan(0);
  expect(moved.length).toBeLessThanOrEqual(500);

  // What was saved is undoable, again in bulk.
  await page.getByTestId('graph-undo').click();
  await expect(state).toHaveAttribute('data-busy', 'false', { timeout: 45_000 });
  await expect(state).toContainText(/Undo Auto-layout \(500 of \d{3}\)/);
  const undone = (await (await request.get(`/api/v1/machines/${machine.id}/graph`)).json()) as Json;
  for (const n of undone.nodes as Json[]) expect(n.position).toEqual(start.get(n.id as string));
  expect(ids).toHaveLength(600);
});
