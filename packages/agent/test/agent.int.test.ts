/**
 * The machine-side agent end to end, with real processes: a server (`apps/server/src/main.ts`), the
 * fake OpenAI-compatible runtime, and `mm-agent enroll` / `mm-agent run` as children, on the embedded
 * database and on PostgreSQL. Real time, shortened by configuration: leaseSeconds 30 makes the
 * server answer nextHeartbeatInSeconds 10, and `timing.intervalScale: 0.1` makes the agent wait 1 s.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MachineAgentView, RuntimeEndpointView } from '@mm/contracts';
import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, jsonLines, SCRIPTS, startChild, waitForHealth } from '../src/children.ts';
import type { Child } from '../src/children.ts';

// Provided by apps/server/test/global-setup.ts (the integration project's global setup).
declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

const SECRET_KEY = '0'.repeat(63) + '2';

async function waitFor<T>(
  what: string,
  fn: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const kind of ['pglite', 'postgresql'] as const) {
  const pgUrl = inject('pgUrl');
  const skip = kind === 'postgresql' && !pgUrl;
  (skip ? describe.skip : describe)(`mm-agent with real processes [${kind}]`, () => {
    let dir: string;
    let port: number;
    let base: string;
    let server: Child;
    let runtime: FakeRuntime;
    let runtimePort: number;
    let machineId: string;
    let agentToken: string;
    let agentId: string;
    let configPath: string;
    const children: Child[] = [];

    const startServer = async () => {
      server = startChild({
        name: `server-${kind}`,
        script: SCRIPTS.server,
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          MM_SECRET_KEY: SECRET_KEY,
          MM_LEASE_SWEEP_MS: '300',
          LOG_LEVEL: 'warn',
          ...(kind === 'postgresql'
            ? { DATABASE_URL: pgUrl! }
            : { MM_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' }),
        },
      });
      children.push(server);
      await waitForHealth(`${base}/health`, 90_000, server);
    };
    const api = async <T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${base}/api/v1${url}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
    };
    const endpoint = async () =>
      (await api<{ item: RuntimeEndpointView }>('GET', `/machines/${machineId}/runtime-endpoints/qvac`)).body.item;
    const agentCli = (args: string[], env: Record<string, string> = {}) => {
      const child = startChild({ name: 'agent', script: SCRIPTS.agent, args, env });
      children.push(child);
      return child;
    };
    const events = (child: Child, event: string) => jsonLines(child.lines).filter((l) => l.event === event);

    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), `mm-agent-int-${kind}-`));
      port = await freePort();
      base = `http://127.0.0.1:${port}`;
      runtimePort = await freePort();
      runtime = await startFakeRuntime({ port: runtimePort });
      await startServer();
      const created = await api<{ item: { id: string } }>('POST', '/machines', {
        displayName: `Agent rover ${kind}`,
        identityRef: `peaqos:machine:agent-int-${kind}-${Date.now()}`,
      });
      expect(created.status).toBe(201);
      machineId = created.body.item.id;
    });

    afterAll(async () => {
      for (const c of children.reverse()) await c.stop('SIGKILL', 1_000);
      await runtime?.close();
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('enroll writes the token to a 0600 file, never prints it, and refuses to overwrite it', async () => {
      const tokenFile = path.join(dir, 'mm-agent.json');
      const enroll = agentCli([
        'enroll',
        '--server',
        base,
        '--machine',
        machineId,
        '--label',
        'Int rover agent',
        '--token-file',
        tokenFile,
      ]);
      expect(await enroll.exited).toBe(0);
      const saved = JSON.parse(await fs.readFile(tokenFile, 'utf8')) as Record<string, string>;
      expect(saved).toMatchObject({ machineId, server: base });
      agentToken = saved.agentToken!;
      agentId = saved.agentId!;
      expect(agentToken.length).toBeGreaterThanOrEqual(43);
      expect((await fs.stat(tokenFile)).mode & 0o777).toBe(0o600);
      expect(events(enroll, 'enrolled')[0]).toMatchObject({ agentId, tokenFile, allowedProviderKeys: ['qvac'] });
      expect(enroll.lines.join('\n')).not.toContain(agentToken);

      const again = agentCli(['enroll', '--server', base, '--machine', machineId, '--token-file', tokenFile]);
      expect(await again.exited).not.toBe(0);
      expect(events(again, 'enroll-failed')[0]?.message).toMatch(/already exists; pass --force/);
      expect(JSON.parse(await fs.readFile(tokenFile, 'utf8'))).toEqual(saved);

      configPath = path.join(dir, 'agent.yaml');
      await fs.writeFile(
        configPath,
        [
          `server: ${base}`,
          `machineId: ${machineId}`,
          'tokenFile: mm-agent.json',
          'leaseSeconds: 30',
          'endpoints:',
          '  - providerKey: qvac',
          `    endpointBaseUrl: http://127.0.0.1:${runtimePort}`,
          '    label: Fake QVAC',
          '    modelAlias: fake-llm-1',
          'timing:',
          '  intervalScale: 0.1',
          '  backoffBaseMs: 200',
          '  backoffCapMs: 1000',
          '  probeTimeoutMs: 500',
          '  requestTimeoutMs: 2000',
          '',
        ].join('\n'),
      );
    });

    let agent: Child;

    it('run leases an active qvac endpoint and heartbeats again after nextHeartbeatInSeconds (scaled)', async () => {
      agent = agentCli(['run', '--config', configPath]);
      const beats = await waitFor('three heartbeats', () => {
        const b = events(agent, 'heartbeat');
        return b.length >= 3 ? b : undefined;
      });
      // The server's hint for a 30 s lease is 10 s; the agent waits hint × intervalScale.
      expect(beats[0]).toMatchObject({ level: 'info', agentStatus: 'active', endpoints: 1, next: 10, sleepMs: 1_000 });
      const gaps = beats.slice(1, 3).map((b, i) => Date.parse(b.ts) - Date.parse(beats[i]!.ts));
      for (const gap of gaps) {
        expect(gap).toBeGreaterThanOrEqual(950);
        expect(gap).toBeLessThan(4_000);
      }
      const ep = await endpoint();
      expect(ep).toMatchObject({
        status: 'active',
        source: 'agent',
        agentId,
        label: 'Fake QVAC',
        modelAlias: 'fake-llm-1',
      });
      const lease = Date.parse(ep.leaseExpiresAt ?? '');
      expect(lease).toBeGreaterThan(Date.now() + 20_000);
      expect(lease).toBeLessThanOrEqual(Date.now() + 30_000);
      const a = await api<{ item: MachineAgentView }>('GET', `/machines/${machineId}/agents/${agentId}`);
      expect(a.body.item).toMatchObject({ status: 'active' });
      expect(Date.parse(a.body.item.lastSeenAt ?? '')).toBeGreaterThan(Date.now() - 5_000);
      const audit = await api<{ items: unknown[] }>(
        'GET',
        `/audit-events?type=machine-agent.heartbeat&resourceType=machine-agent&resourceId=${agentId}`,
      );
      expect(audit.body.items.length).toBeGreaterThanOrEqual(3);
    });

    it('reports the runtime unreachable when it stops, and active when it is back', async () => {
      await runtime.close();
      await waitFor('a heartbeat reporting qvac unreachable', () =>
        events(agent, 'heartbeat').find((b) => (b.statuses as Record<string, string>).qvac === 'unreachable'),
      );
      expect((await endpoint()).status).toBe('unreachable');
      expect(events(agent, 'endpoint-status').at(-1)).toMatchObject({
        from: 'active',
        to: 'unreachable',
        level: 'warn',
      });
      runtime = await startFakeRuntime({ port: runtimePort });
      await waitFor('the endpoint active again', async () =>
        (await endpoint()).status === 'active' ? true : undefined,
      );
    });

    it('retries with backoff while the server is down and recovers when it comes back on the same port', async () => {
      expect(await server.stop('SIGTERM')).toBe(0);
      await waitFor('three retries', () => (events(agent, 'retry').length >= 3 ? true : undefined));
      const retries = events(agent, 'retry');
      expect(retries.slice(0, 3).map((r) => r.attempt)).toEqual([1, 2, 3]);
      for (const r of retries) {
        expect(r.level).toBe('warn');
        expect(r.delayMs as number).toBeLessThanOrEqual(1_000);
      }
      expect(retries[0]!.reason).toMatch(
        /server (connection refused|network error|connection reset|answered HTTP 503)/,
      );
      await startServer();
      const recovered = await waitFor('recovered', () => events(agent, 'recovered')[0], 20_000);
      expect(recovered.attempts as number).toBeGreaterThanOrEqual(3);
      const ep = await endpoint();
      expect(ep.status).toBe('active');
      expect(Date.parse(ep.leaseExpiresAt ?? '')).toBeGreaterThan(Date.now() + 20_000);
    });

    it('exits 0 within a second of SIGTERM', async () => {
      const before = Date.now();
      const code = await agent.stop('SIGTERM', 5_000);
      expect(code).toBe(0);
      expect(Date.now() - before).toBeLessThan(1_000);
      expect(jsonLines(agent.lines).at(-1)).toMatchObject({ event: 'stopped' });
      expect(agent.lines.join('\n')).not.toContain(agentToken);
    });

    it('exits non-zero (4) once the agent is revoked', async () => {
      const again = agentCli(['run', '--config', configPath]);
      await waitFor('a heartbeat', () => events(again, 'heartbeat')[0]);
      const revoked = await api<{ item: MachineAgentView }>('POST', `/machines/${machineId}/agents/${agentId}/revoke`);
      expect(revoked.body.item.status).toBe('revoked');
      expect(await again.exited).toBe(4);
      expect(events(again, 'revoked')[0]).toMatchObject({
        level: 'error',
        httpStatus: 403,
        code: 'AGENT_PAIRING_INACTIVE',
      });
      expect(again.lines.join('\n')).not.toContain(agentToken);
    });
  });
}
