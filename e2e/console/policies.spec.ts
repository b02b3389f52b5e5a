import { expect, test } from '@playwright/test';
import { createMachine, uniq } from '../support/api.ts';
import { screenshot } from './console-helpers.ts';

test('a policy that denies a skill makes discovery exclude it and say why', async ({ page, request }, testInfo) => {
  const machine = await createMachine(request, 'Policy rover');
  const policyName = `No QVAC ${uniq('p')}`;

  await page.goto('/policies');
  await page.getByTestId('policy-name').fill(policyName);
  await page.getByTestId('policy-denied').fill('qvac');
  await page.getByTestId('policy-budget-amount').fill('25');
  await page.getByTestId('policy-budget-currency').fill('EUR');
  await page.getByTestId('policy-submit').click();
  await expect(page).toHaveURL(/\/policies\/[^/]+$/);
  const policyId = page.url().split('/policies/')[1]!;
  const listed = page.locator(`[data-testid="policy-row"][data-policy-id="${policyId}"]`);
  await expect(listed).toContainText('deny qvac');
  await expect(listed).toContainText('≤ 25 EUR');
  await screenshot(page, testInfo, 'policies');

  // Editing keeps the form in step with the server.
  await page.getByTestId('policy-native-only').check();
  // Native only with handoff allowed is a contradiction the form refuses.
  await page.getByTestId('policy-submit').click();
  await expect(page.getByTestId('policy-switch-error')).toContainText('Native only');
  await page.getByTestId('policy-handoff-allowed').uncheck();
  await page.getByTestId('policy-submit').click();
  await expect(listed).toContainText('native only');

  // Attach it to the machine.
  await page.goto(`/machines/${machine.id}`);
  const item = page.locator(`[data-testid="machine-policy"][data-policy-id="${policyId}"]`);
  await item.getByTestId('attach-policy').click();
  await expect(item.getByTestId('detach-policy')).toBeVisible();
  const stored = (await (await request.get(`/api/v1/machines/${machine.id}`)).json()) as {
    item: { policyIds: string[] };
  };
  expect(stored.item.policyIds).toContain(policyId);

  // Discovery explains the exclusion.
  await page.getByTestId('tab-tasks').click();
  await page.getByTestId('new-task').click();
  await page.getByTestId('create-task-submit').click();
  await expect(page).toHaveURL(/\/tasks\/[^/]+$/);
  await page.getByTestId('discover-run').click();
  const excluded = page.locator('[data-testid="excluded-row"][data-service-id="qvac-private-inference"]');
  await expect(excluded).toBeVisible();
  await expect(excluded).toContainText(policyName);
  await expect(excluded).toContainText(/denies skill qvac/);
  await expect(page.locator('[data-testid="candidate-row"][data-service-id="qvac-private-inference"]')).toHaveCount(0);
  await screenshot(page, testInfo, 'discover-excluded');

  // Detach, and the policy no longer governs the machine.
  await page.goto(`/machines/${machine.id}`);
  await item.getByTestId('detach-policy').click();
  await expect(item.getByTestId('attach-policy')).toBeVisible();

  // Delete the policy.
  await page.goto(`/policies/${policyId}`);
  await page.getByTestId('policy-delete').click();
  await page.getByTestId('policy-delete').click();
  await expect(page).toHaveURL(/\/policies$/);
  await expect(page.locator(`[data-testid="policy-row"][data-policy-id="${policyId}"]`)).toHaveCount(0);
});
