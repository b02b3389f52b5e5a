import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

/**
 * Two projects against one real server (built console + API on an embedded database in a fresh
 * temporary folder): `api` speaks HTTP, `console` drives Debian's Chromium. The server is started
 * by `pnpm e2e` after `pnpm build`. Set E2E_DATABASE_URL to run the same specs on PostgreSQL.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.E2E_PORT ?? 3900);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-e2e-'));
export const baseURL = `http://127.0.0.1:${port}`;

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: '.',
  outputDir: path.join(root, 'e2e/artifacts/results'),
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: path.join(root, 'e2e/artifacts/report'), open: 'never' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
  },
  projects: [
    { name: 'api', testMatch: 'api/**/*.spec.ts' },
    {
      name: 'console',
      testMatch: 'console/**/*.spec.ts',
      testIgnore: 'console/**/*.small.spec.ts',
      use: { viewport: { width: 1440, height: 900 } },
    },
    // A phone: every screen again (every-screen.spec.ts) plus the small-screen behaviour.
    {
      name: 'console-small',
      testMatch: ['console/**/*.small.spec.ts', 'console/every-screen.spec.ts'],
      use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    },
  ],
  webServer: {
    command: 'node --import tsx apps/server/src/main.ts',
    cwd: root,
    url: `${baseURL}/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      MM_DATA_DIR: dataDir,
      MM_RUNTIME_TIMEOUT_MS: '3000',
      MM_LEASE_SWEEP_MS: '500',
      // Probes every 500 ms (1 s timeout): live-pages.spec.ts watches a stopped runtime go degraded, then unreachable.
      MM_PROBE_INTERVAL_MS: '500',
      MM_PROBE_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'warn',
      ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
    },
  },
});
