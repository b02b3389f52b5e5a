import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import type { APIRequestContext, Locator, Page, TestInfo } from '@playwright/test';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts/console');

/** Saves a screenshot into the test's output folder (attached to the report) and e2e/artifacts/console/. */
export async function screenshot(page: Page, testInfo: TestInfo, shot: string): Promise<void> {
  // One set per viewport: 1440-machines.png, 390-machines.png, …
  const name = `${page.viewportSize()?.width ?? 0}-${shot}`;
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.copyFileSync(file, path.join(ARTIFACTS, `${name}.png`));
}

export const flowNode = (page: Page, title: string): Locator => page.locator('.react-flow__node', { hasText: title });
export const flowNodes = (page: Page): Locator => page.locator('.react-flow__node');
export const flowEdges = (page: Page): Locator => page.locator('.react-flow__edge');

/** Waits until the editor reports that the named change reached the server. */
export async function expectSaved(page: Page, action: string | RegExp): Promise<void> {
  const state = page.getByTestId('graph-save-state');
  await expect(state).toHaveAttribute('data-busy', 'false');
  await expect(state).toContainText(action);
}

export async function addNode(page: Page, type: string, title: string): Promise<string> {
  await page.getByTestId('graph-add-node').click();
  await page.getByTestId(`add-node-type-${type}`).click();
  await page.getByTestId('add-node-title').fill(title);
  await page.getByTestId('add-node-submit').click();
  await expectSaved(page, `Add ${title}`);
  const node = flowNode(page, title);
  await expect(node).toBeVisible();
  const id = await node.getAttribute('data-id');
  expect(id).toBeTruthy();
  return id!;
}

/** Drags from the source node's right handle to the target node's left handle, then picks the edge type. */
export async function connect(page: Page, sourceId: string, targetId: string, type: string, label = ''): Promise<void> {
  // Keep both handles away from the canvas edge, where React Flow auto-pans under the pointer.
  await page.getByTestId('graph-fit').click();
  await page.waitForTimeout(250);
  const from = await page.locator(`.react-flow__node[data-id="${sourceId}"] .react-flow__handle.source`).boundingBox();
  const to = await page.locator(`.react-flow__node[data-id="${targetId}"] .react-flow__handle.target`).boundingBox();
  if (!from || !to) throw new Error('handles are not on screen');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
  const dialog = page.getByTestId('edge-dialog');
  await expect(dialog).toBeVisible();
  await page.getByTestId(`edge-type-${type}`).click();
  if (label) await page.getByTestId('edge-dialog-label').fill(label);
  await page.getByTestId('edge-dialog-submit').click();
  await expectSaved(page, 'Connect');
}

/** The position React Flow renders a node at (its transform), in flow coordinates. */
export async function renderedPosition(page: Page, nodeId: string): Promise<{ x: number; y: number }> {
  const transform = await page
    .locator(`.react-flow__node[data-id="${nodeId}"]`)
    .evaluate((el) => (el as HTMLElement).style.transform);
  const m = /translate\((-?[\d.]+)px,\s*(-?[\d.]+)px\)/.exec(transform);
  if (!m) throw new Error(`unexpected transform ${transform}`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

/** The page must not scroll sideways (the small-screen promise). */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'page scrolls horizontally').toBeLessThanOrEqual(0);
}

/** Creates graph nodes through the REST API, `parallel` at a time; returns their ids. */
export async function seedNodes(
  request: APIRequestContext,
  machineId: string,
  count: number,
  parallel = 25,
): Promise<string[]> {
  const types = ['skill', 'task', 'policy', 'storage', 'route', 'outcome'];
  const ids: string[] = [];
  for (let i = 0; i < count; i += parallel) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(parallel, count - i) }, async (_, j) => {
        const n = i + j;
        const res = await request.post(`/api/v1/machines/${machineId}/graph/nodes`, {
          data: {
            type: types[n % types.length],
            title: `Node ${n}`,
            position: { x: (n % 20) * 260, y: Math.floor(n / 20) * 160 },
          },
        });
        expect(res.status()).toBe(201);
        return ((await res.json()) as { item: { id: string } }).item.id;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

/**
 * On a small screen tables are card lists: every visible cell must name its column (`data-label`),
 * except action cells, whose buttons say what they do.
 */
export async function expectLabelledCells(page: Page): Promise<void> {
  const unlabelled = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLTableCellElement>('.table td'))
      .filter((td) => td.offsetParent !== null && !td.classList.contains('cell-actions'))
      .filter((td) => !td.dataset.label?.trim() && td.textContent?.trim())
      .map((td) => td.textContent?.trim().slice(0, 40)),
  );
  expect(unlabelled, 'card values without a label').toEqual([]);
  // And the label is really drawn beside the value.
  const drawn = await page.evaluate(() => {
    const td = document.querySelector<HTMLTableCellElement>('.table td[data-label]');
    return td ? getComputedStyle(td, '::before').content : null;
  });
  if (drawn !== null) expect(drawn).not.toBe('none');
}
