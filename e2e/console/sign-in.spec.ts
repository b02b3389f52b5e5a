import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, request as playwrightRequest, test } from '@playwright/test';
import type { APIRequestContext, Page } from '@playwright/test';
import { uniq } from '../support/api.ts';
import { expectNoHorizontalScroll, screenshot } from './console-helpers.ts';

/**
 * The console on a server that requires API keys (docs/console.md "Signing in"). The shared e2e
 * server runs with auth off, so this file starts its own: PEAQOS_REQUIRE_API_AUTH=true, an
 * administrator `root` and an owner `alice`, on a fresh data folder and its own port.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PORT = Number(process.env.E2E_AUTH_PORT ?? 3913);
const AUTH_URL = `http://127.0.0.1:${PORT}`;
const ROOT_KEY = `root-${randomBytes(12).toString('hex')}`;
const ALICE_KEY = `alice-${randomBytes(12).toString('hex')}`;
const STORAGE_KEY = 'mm.apiKey';

let server: ChildProcess | null = null;
let dataDir = '';
let stderr = '';

async function startServer(keys: string): Promise<void> {
  stderr = '';
  // Its own embedded database, whatever the shell points the shared server at.
  const { DATABASE_URL: _db, MM_SECRET_KEY: _secret, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...inherited,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      MM_DATA_DIR: dataDir,
      PEAQOS_REQUIRE_API_AUTH: 'true',
      MM_API_KEYS: keys,
      MM_ADMIN_KEY_OWNERS: 'root',
      MM_EVENTS_HEARTBEAT_MS: '1000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  server = child;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`auth server exited (${child.exitCode}): ${stderr}`);
    try {
      if ((await fetch(`${AUTH_URL}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`auth server did not come up on ${AUTH_URL}: ${stderr}`);
}

async function stopServer(): Promise<void> {
  const child = server;
  server = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-e2e-auth-'));
  await startServer(`root:${ROOT_KEY},alice:${ALICE_KEY}`);
});

test.afterAll(async () => {
  await stopServer();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** An API client that speaks to the auth server with `key`. */
async function apiAs(key: string): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL: AUTH_URL, extraHTTPHeaders: { 'x-api-key': key } });
}

async function signIn(page: Page, key: string, url = '/machines'): Promise<void> {
  await page.goto(url);
  await page.getByTestId('sign-in-key').fill(key);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('sign-in')).toHaveCount(0);
}

/** The key must never be in a URL, in localStorage or on the console, only in this tab's sessionStorage. */
function watchForKeyLeaks(page: Page, keys: string[]): () => Promise<void> {
  const leaks: string[] = [];
  page.on('request', (r) => {
    if (keys.some((k) => r.url().includes(k))) leaks.push(`URL ${r.url()}`);
  });
  page.on('console', (m) => {
    if (keys.some((k) => m.text().includes(k))) leaks.push(`console ${m.text()}`);
  });
  return async () => {
    const local = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    if (keys.some((k) => local.includes(k))) leaks.push('localStorage');
    expect(leaks, 'the key leaked').toEqual([]);
  };
}

async function createMachineAs(api: APIRequestContext, name: string): Promise<string> {
  const res = await api.post('/api/v1/machines', {
    data: { displayName: name, identityRef: `peaqos:machine:${uniq()}` },
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { item: { id: string } }).item.id;
}

test.describe('a server that requires API keys', () => {
  test.use({ baseURL: AUTH_URL });

  test('shows the sign-in form; an empty or wrong key is refused and the form stays', async ({ page }, testInfo) => {
    await page.goto('/machines');
    await expect(page.getByTestId('sign-in')).toBeVisible();
    await expect(page.getByTestId('sidebar')).toHaveCount(0);
    await screenshot(page, testInfo, 'sign-in');

    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('sign-in-error')).toHaveText('Enter an API key.');

    await page.getByTestId('sign-in-key').fill('not-a-key');
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('sign-in-error')).toContainText('This key was not accepted (API_KEY_INVALID)');
    await expect(page.getByTestId('sign-in')).toBeVisible();
    await expect(page.getByTestId('sign-in-key')).toHaveValue('not-a-key');
    expect(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY)).toBeNull();
    await screenshot(page, testInfo, 'sign-in-refused');
  });

  test('an administrator sees who is signed in and may change the catalogue and the identity registry', async ({
    page,
  }, testInfo) => {
    const alice = await apiAs(ALICE_KEY);
    const machineId = await createMachineAs(alice, 'Alice rover');
    const checkLeaks = watchForKeyLeaks(page, [ROOT_KEY]);

    await signIn(page, ROOT_KEY);
    await expect(page.getByTestId('session-principal')).toHaveText('root');
    await expect(page.getByTestId('session-role')).toHaveText('administrator');
    await expect(page.getByTestId('sign-out')).toBeVisible();
    // Administrators see every owner's machines.
    await expect(page.locator(`[data-testid="machine-row"][data-machine-id="${machineId}"]`)).toBeVisible();
    expect(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY)).toBe(ROOT_KEY);
    await screenshot(page, testInfo, 'signed-in');

    // Catalogue: add a skill.
    await page.getByTestId('nav-catalogue').click();
    await expect(page.getByTestId('catalogue-read-only')).toHaveCount(0);
    await page.getByTestId('new-skill').click();
    const key = uniq('e2e.skill');
    await page.getByTestId('skill-key').fill(key);
    await page.getByTestId('skill-provider').fill('e2e-provider');
    await page.getByTestId('skill-label').fill('E2E skill');
    await page.getByTestId('skill-type-compute.marketplace').click();
    await page.getByTestId('skill-operations').fill('run-e2e');
    await page.getByTestId('skill-submit').click();
    const row = page.locator(`[data-testid="skill-row"][data-skill-key="${key}"]`);
    await expect(row).toContainText('E2E skill');
    await expect(page.getByTestId('skill-editor')).toHaveCount(0);
    await screenshot(page, testInfo, 'catalogue-admin');

    // Identity registry: register a controller for alice's machine.
    await page.goto(`/machines/${machineId}`);
    const panel = page.getByTestId('identity-controllers');
    await expect(panel.getByTestId('controllers-none')).toBeVisible();
    await panel.getByTestId('controllers-edit').click();
    const address = `0x${'ab'.repeat(20)}`;
    await panel.getByTestId('controllers-input').fill(address);
    await panel.getByTestId('controllers-save').click();
    await expect(panel.getByTestId('controllers-list')).toHaveText(address);
    await checkLeaks();
    await alice.dispose();
  });

  test('an owner sees its role, no administrator controls, and its live pages follow the change feed', async ({
    page,
  }, testInfo) => {
    const alice = await apiAs(ALICE_KEY);
    const machineId = await createMachineAs(alice, 'Alice second rover');
    const checkLeaks = watchForKeyLeaks(page, [ALICE_KEY]);

    await signIn(page, ALICE_KEY);
    await expect(page.getByTestId('session-principal')).toHaveText('alice');
    await expect(page.getByTestId('session-role')).toHaveText('owner');
    // A reload keeps the tab signed in (the key is in its sessionStorage).
    await page.reload();
    await expect(page.getByTestId('session-principal')).toHaveText('alice');

    await page.getByTestId('nav-catalogue').click();
    await expect(page.getByTestId('skills-table')).toBeVisible();
    await expect(page.getByTestId('catalogue-read-only')).toContainText('needs an administrator key');
    await expect(page.getByTestId('new-skill')).toHaveCount(0);
    await expect(page.getByTestId('skill-edit')).toHaveCount(0);
    await screenshot(page, testInfo, 'catalogue-owner');

    await page.goto(`/machines/${machineId}`);
    const panel = page.getByTestId('identity-controllers');
    await expect(panel.getByTestId('controllers-read-only')).toBeVisible();
    await expect(panel.getByTestId('controllers-edit')).toHaveCount(0);

    // The change feed is read with the key in a header (EventSource could not send one).
    const feed = page.waitForRequest(
      (r) => r.url().includes(`/api/v1/events?machineId=${machineId}`) && r.headers()['x-api-key'] === ALICE_KEY,
    );
    await page.goto(`/machines/${machineId}/tasks`);
    await feed;
    await expect(page.getByTestId('empty-state').filter({ hasText: 'No tasks yet' })).toBeVisible();
    const created = await alice.post(`/api/v1/machines/${machineId}/tasks`, {
      data: {
        serviceType: 'compute.marketplace',
        taskType: 'inference',
        operation: 'run-private-inference',
        input: { messages: [{ role: 'user', content: 'hello' }] },
      },
    });
    expect(created.status()).toBe(201);
    await expect(page.getByTestId('task-row')).toHaveCount(1);
    await checkLeaks();
    await alice.dispose();
  });

  test('sign out forgets the key and returns to the sign-in form', async ({ page }) => {
    await signIn(page, ALICE_KEY, '/policies');
    await expect(page).toHaveURL(/\/policies$/);
    await page.getByTestId('sign-out').click();
    await expect(page.getByTestId('sign-in')).toBeVisible();
    await expect(page.getByTestId('sign-in-notice')).toHaveCount(0);
    expect(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY)).toBeNull();
    await page.reload();
    await expect(page.getByTestId('sign-in')).toBeVisible();
  });

  test('a key that stops being accepted mid-session returns to the sign-in form with a message', async ({ page }) => {
    await signIn(page, ALICE_KEY);
    // As if the key had been rotated under this tab: the next call carries it and gets 401. The key
    // changes and the operator moves on in one step: a background call (polling, the feed) may
    // otherwise get its 401 first and take the navigation away before a separate click lands.
    await page.evaluate((k) => {
      sessionStorage.setItem(k, 'rotated-away');
      document.querySelector<HTMLAnchorElement>('[data-testid="nav-policies"]')?.click();
    }, STORAGE_KEY);
    await expect(page.getByTestId('sign-in')).toBeVisible();
    await expect(page.getByTestId('sign-in-notice')).toContainText('Your key was not accepted');
    expect(await page.evaluate((k) => sessionStorage.getItem(k), STORAGE_KEY)).toBeNull();
    // Signing in again lands where the operator was.
    await page.getByTestId('sign-in-key').fill(ALICE_KEY);
    await page.getByTestId('sign-in-submit').click();
    await expect(page).toHaveURL(/\/policies$/);
    await expect(page.getByTestId('session-principal')).toHaveText('alice');
  });

  test.describe('at 390 × 844', () => {
    test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

    test('the sign-in form fits, and the top bar says who is signed in', async ({ page }, testInfo) => {
      await page.goto('/machines');
      await expect(page.getByTestId('sign-in')).toBeVisible();
      await expectNoHorizontalScroll(page);
      await screenshot(page, testInfo, 'sign-in');

      await signIn(page, ROOT_KEY);
      const chip = page.getByTestId('session-chip');
      await expect(chip).toBeInViewport();
      await expect(chip).toContainText('root');
      await expect(chip).toContainText('admin');
      await expectNoHorizontalScroll(page);
      await screenshot(page, testInfo, 'signed-in');

      await page.getByTestId('nav-toggle').click();
      await expect(page.getByTestId('sign-out')).toBeInViewport();
      await expect(page.getByTestId('session-role')).toHaveText('administrator');
      await screenshot(page, testInfo, 'signed-in-drawer');
      await page.getByTestId('sign-out').click();
      await expect(page.getByTestId('sign-in')).toBeVisible();
    });
  });

  // Last: it restarts the server without alice's key.
  test('a key revoked on the server signs an open tab out, through the change feed too', async ({ page }) => {
    test.setTimeout(120_000);
    const alice = await apiAs(ALICE_KEY);
    const machineId = await createMachineAs(alice, 'Alice rover to revoke');
    await alice.dispose();
    await signIn(page, ALICE_KEY, `/machines/${machineId}/graph`);
    await expect(page.getByTestId('graph-canvas')).toBeVisible();

    await stopServer();
    await startServer(`root:${ROOT_KEY}`);
    // Nothing is clicked: the feed reconnects with the revoked key, gets 401, and the tab signs out.
    await expect(page.getByTestId('sign-in-notice')).toContainText('Your key was not accepted', { timeout: 30_000 });
    await page.getByTestId('sign-in-key').fill(ALICE_KEY);
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('sign-in-error')).toContainText('not accepted');
  });
});

test('with API keys off the console opens as `local`, an administrator, with no sign-in and no sign-out', async ({
  page,
}) => {
  await page.goto('/catalogue');
  await expect(page.getByTestId('session-principal')).toHaveText('local');
  await expect(page.getByTestId('session-role')).toHaveText('administrator');
  await expect(page.getByTestId('sign-in')).toHaveCount(0);
  await expect(page.getByTestId('sign-out')).toHaveCount(0);
  await expect(page.getByTestId('new-skill')).toBeVisible();
});
