import { expect, test } from '@playwright/test';
import { createMachine } from '../support/api.ts';
import { expectNoHorizontalScroll, screenshot, seedNodes } from './console-helpers.ts';

// Runs at 390 × 844 (the console-small project).
test('on a phone the navigation is a drawer, tables are stacked lists and the graph is read-only', async ({
  page,
  request,
}, testInfo) => {
  const machine = await createMachine(request, 'Phone rover');
  await seedNodes(request, machine.id as string, 6);
  await page.goto('/machines');
  await expect(page.getByTestId('sidebar')).not.toBeInViewport();
  await page.getByTestId('nav-toggle').click();
  await expect(page.getByTestId('sidebar')).toBeInViewport();
  await screenshot(page, testInfo, 'nav-drawer');
  await page.getByTestId('nav-policies').click();
  await expect(page).toHaveURL(/\/policies$/);
  await expect(page.getByTestId('sidebar')).not.toBeInViewport();

  await page.goto('/machines');
  const row = page.locator(`[data-testid="machine-row"][data-machine-id="${machine.id}"]`);
  await expect(row).toBeVisible();
  // Stacked: the header row is hidden and a row is as wide as the list.
  await expect(page.locator('[data-testid="machines-table"] thead')).toBeHidden();
  const box = (await row.boundingBox())!;
  expect(box.width).toBeLessThanOrEqual(390);
  await expectNoHorizontalScroll(page);

  await page.goto(`/machines/${machine.id}/graph`);
  await expect(page.getByTestId('graph-read-only')).toBeVisible();
  await expect(page.getByTestId('graph-add-node')).toHaveCount(0);
  await expect(page.getByTestId('inspector')).toBeHidden();
  await page.getByTestId('graph-search-input').fill('Node 3');
  await page.keyboard.press('Enter');
  await expect(page.locator('.react-flow__node', { hasText: 'Node 3' })).toBeInViewport();
  // The canvas takes the screen below the toolbar (it once shrank to 270 px of 844).
  const canvas = (await page.getByTestId('graph-canvas').boundingBox())!;
  expect(canvas.height).toBeGreaterThan(450);
  expect(canvas.y + canvas.height).toBeLessThanOrEqual(844);
  // Readable: the selected node's details, with no way to edit them.
  await expect(page.getByTestId('graph-details')).toBeVisible();
  await expect(page.getByTestId('graph-details-title')).toHaveText('Node 3');
  await expect(page.getByTestId('graph-details')).toContainText('editing needs a wider screen');
  await expect(page.getByTestId('graph-details').locator('input, textarea, select')).toHaveCount(0);
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, 'graph-read-only');
  await page.getByTestId('graph-details').getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('graph-details')).toHaveCount(0);
  await page.locator('.react-flow__node', { hasText: 'Node 3' }).tap();
  await expect(page.getByTestId('graph-details-title')).toHaveText('Node 3');
});
