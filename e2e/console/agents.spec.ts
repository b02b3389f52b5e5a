import { expect, test } from '@playwright/test';
import { createMachine } from '../support/api.ts';
import { screenshot } from './console-helpers.ts';

test('enrolling an agent shows its token once, with a warning; revoking it sticks', async ({
  page,
  request,
  context,
}, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const machine = await createMachine(request, 'Agent rover');
  await page.goto(`/machines/${machine.id}/agents`);
  await expect(page.getByText('No agents enrolled')).toBeVisible();

  await page.getByTestId('agent-label').fill('Rover runtime agent');
  await page.getByTestId('agent-provider-keys').fill('qvac, ollama');
  await page.getByTestId('enroll-agent-submit').click();

  const reveal = page.getByTestId('agent-token-reveal');
  await expect(reveal).toBeVisible();
  await expect(reveal).toContainText('It will not be shown again');
  const token = (await page.getByTestId('agent-token').textContent())!.trim();
  expect(token.length).toBeGreaterThanOrEqual(32);
  await page.getByTestId('agent-token-copy').click();
  await expect(page.getByTestId('agent-token-copy')).toHaveText(/Copied/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

  const row = page.getByTestId('agent-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Rover runtime agent');
  await expect(row).toContainText('ollama');
  await expect(row.getByTestId('agent-status')).toHaveText('provisioned');
  await expect(row).not.toContainText(token);
  await screenshot(page, testInfo, 'agents-token');

  // The token is gone for good once the operator leaves the page.
  await page.reload();
  await expect(page.getByTestId('agent-token-reveal')).toHaveCount(0);
  await expect(page.getByText(token)).toHaveCount(0);
  await expect(page.getByTestId('agent-row')).toHaveCount(1);

  // Revoke asks for confirmation, then the status changes.
  await page.getByTestId('agent-revoke').click();
  await expect(page.getByTestId('agent-revoke')).toHaveText('Revoke for good?');
  await page.getByTestId('agent-revoke').click();
  await expect(page.getByTestId('agent-status')).toHaveText('revoked');
  await expect(page.getByTestId('agent-revoke')).toHaveCount(0);
});
