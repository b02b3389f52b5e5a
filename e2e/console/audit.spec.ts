import { expect, test } from '@playwright/test';
import { createMachine } from '../support/api.ts';
import { screenshot } from './console-helpers.ts';

test('the audit log filters by type and resource, pages with "Load more", and shows payloads', async ({
  page,
  request,
}, testInfo) => {
  const machine = await createMachine(request, 'Audit rover');
  // 60 node events: more than one page (50).
  for (let i = 0; i < 60; i += 10) {
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, k) =>
        request.post(`/api/v1/machines/${machine.id}/graph/nodes`, { data: { type: 'skill', title: `n${i + k}` } }),
      ),
    );
    for (const res of created) expect(res.status()).toBe(201);
  }
  expect((await request.patch(`/api/v1/machines/${machine.id}`, { data: { status: 'degraded' } })).status()).toBe(200);

  // Filter by resource id: only this machine's own events.
  await page.goto('/audit');
  await page.getByTestId('audit-filter-resource-id').fill(machine.id);
  await page.getByTestId('audit-filter-apply').click();
  await expect(page).toHaveURL(new RegExp(`resourceId=${machine.id}`));
  const rows = page.getByTestId('audit-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-type', 'machine.updated');
  await expect(rows.nth(1)).toHaveAttribute('data-type', 'machine.created');

  // The payload opens as readable JSON.
  await rows.nth(0).getByTestId('audit-row-toggle').click();
  await expect(rows.nth(0).getByTestId('audit-payload')).toContainText('"degraded"');
  await screenshot(page, testInfo, 'audit');

  // Type + resource type, paged.
  await page.getByTestId('audit-filter-resource-id').fill('');
  await page.getByTestId('audit-filter-type').fill('graph.node.created');
  await page.getByTestId('audit-filter-resource-type').selectOption('graph-node');
  await page.getByTestId('audit-filter-apply').click();
  await expect(rows).toHaveCount(50);
  for (const type of await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-type')))) {
    expect(type).toBe('graph.node.created');
  }
  await page.getByTestId('audit-load-more').click();
  await expect(async () => expect(await rows.count()).toBeGreaterThanOrEqual(60)).toPass();

  // Filters live in the URL: a shared link lands on the same view.
  await page.reload();
  await expect(page.getByTestId('audit-filter-type')).toHaveValue('graph.node.created');
  await expect(rows).toHaveCount(50);

  await page.getByTestId('audit-filter-clear').click();
  await expect(page).toHaveURL(/\/audit$/);
});
