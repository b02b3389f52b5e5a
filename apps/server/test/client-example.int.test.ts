/** The README's TypeScript client example runs against a listening server and a real runtime. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeRuntime } from '@mm/fake-runtime';
import { expect, it } from 'vitest';
import { describeEachDb } from './harness.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describeEachDb(
  'examples/trpc-client.ts',
  (get) => {
    it('creates a task, discovers, resolves, executes and prints the completed outcome', async () => {
      const runtime = await startFakeRuntime();
      try {
        const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/trpc-client.ts'], {
          cwd: root,
          env: { ...process.env, MM_URL: get().baseUrl, RUNTIME_URL: runtime.url },
          timeout: 60_000,
        });
        expect(stdout).toContain('candidates: qvac-private-inference');
        expect(stdout).toContain('route: qvac-private-inference native');
        expect(stdout).toMatch(/outcome: completed .*echo: Where am I\?/);
      } finally {
        await runtime.close();
      }
    });
  },
  { listen: true },
);
