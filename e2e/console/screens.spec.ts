import { expect, test } from '@playwright/test';
import { createMachine } from '../support/api.ts';
import { screenshot } from './console-helpers.ts';

test('every main screen renders, with its empty state, and shows server errors with their code', async ({
  page,
  request,
}, testInfo) => {
  const machine = await createMachine(request, 'Screens rover');

  await page.goto('/machines');
  await expect(page.locator(`[data-testid="machine-row"][data-machine-id="${machine.id}"]`)).toBeVisible();
  await expect(page.getByTestId('health')).toHaveAttribute('data-ok', 'true');
  await screenshot(page, testInfo, 'machines');

  await page.goto(`/machines/${machine.id}`);
  await expect(page.getByTestId('machine-title')).toHaveText('Screens rover');
  await screenshot(page, testInfo, 'machine-overview');

  for (const [tab, empty] of [
    ['tasks', 'No tasks yet'],
    ['endpoints', 'No runtime endpoints'],
    ['agents', 'No agents enrolled'],
    ['runs', 'No runs yet'],
  ] as const) {
    await page.goto(`/machines/${machine.id}/${tab}`);
    await expect(page.getByText(empty)).toBeVisible();
  }
  await page.goto(`/machines/${machine.id}/graph`);
  await expect(page.getByTestId('graph-empty')).toBeVisible();

  // A machine that is not active: the status is changed from the overview, and its sections are read-only and say why.
  await page.goto(`/machines/${machine.id}`);
  await page.getByTestId('machine-status-select').selectOption('draft');
  await expect(page.getByTestId('machine-status-badge')).toHaveText('draft');
  await page.getByTestId('tab-graph').click();
  // Read with includeInactive (context C8): the graph shows, read-only, under the banner.
  await expect(page.getByTestId('graph-empty')).toBeVisible();
  await expect(page.getByTestId('machine-inactive')).toBeVisible();
  await screenshot(page, testInfo, 'machine-not-active');

  // Unknown records answer NOT_FOUND, shown as such.
  await page.goto('/machines/does-not-exist');
  await expect(page.getByTestId('error-code').first()).toHaveText('NOT_FOUND');
});
