/**
 * Several server processes on one PostgreSQL database (docs/liveness.md "Probing", "The change
 * feed"; context C1, C6, C7): two real `node --import tsx apps/server/src/main.ts` processes with
 * short intervals. Probes, sweeps and heartbeats on either are seen alike on both, each transition is
 * audited once, and a change made through one reaches an SSE feed subscribed on the other within a
 * second. Its own database: both processes probe and sweep every endpoint they can see.
 */
import type { AuditEventView, RuntimeEndpointView } from '@mm/contracts';
import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, SCRIPTS, startChild, waitForHealth } from '../../../packages/agent/src/children.ts';
import type { Child } from '../../../packages/agent/src/children.ts';
import { uniq } from './harness.ts';
import { isolatedPostgres } from './support/pg.ts';
import { openSse } from './support/sse.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const pgUrl = inject('pgUrl');

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
}

(pgUrl ? describe : describe.skip)('two server processes on one PostgreSQL database', () => {
  const servers: Child[] = [];
  let A = '';
  let B = '';
  let runtime: FakeRuntime;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    runtime = await startFakeRuntime();
    const iso = await isolatedPostgres(pgUrl!);
    drop = () => iso.drop();
    for (const name of ['A', 'B']) {
      const port = await freePort();
      const child = startChild({
        name: `server ${name}`,
        script: SCRIPTS.server,
        env: {
          DATABASE_URL: iso.url,
          PORT: String(port),
          HOST: '127.0.0.1',
          MM_SECRET_KEY: '0'.repeat(63) + '1',
          LOG_LEVEL: 'warn',
          MM_PROBE_INTERVAL_MS: '200',
          MM_PROBE_TIMEOUT_MS: '300',
          MM_LEASE_SWEEP_MS: '200',
          MM_CONSOLE_DIR: '/nonexistent',
        },
      });
      servers.push(child);
      const base = `http://127.0.0.1:${port}`;
      await waitForHealth(`${base}/health`, 60_000, child);
      if (name === 'A') A = base;
      else B = base;
    }
  }, 180_000);

  afterAll(async () => {
    for (const s of servers.reverse()) await s.stop('SIGTERM', 10_000);
    await runtime?.close();
    await drop?.();
  });

  it('a change made through A reaches an SSE feed subscribed on B within a second', async () => {
    const m = (await call(A, 'POST', '/machines', { displayName: 'Two', identityRef: `peaqos:machine:${uniq()}` })).body
      .item.id as string;
    const sse = await openSse(`${B}/api/v1/events?machineId=${m}`);
    expect(sse.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const res = await call(A, 'POST', `/machines/${m}/graph/nodes`, { type: 'skill', title: `n${i}` });
      expect(res.status).toBe(201);
      const got = await sse.waitFor(i + 1, 1_000);
      latencies.push(performance.now() - started);
      const data = JSON.parse(got[i]!.data) as AuditEventView;
      expect(data.resourceId).toBe(res.body.item.id);
    }
    sse.close();
    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)]!;
    const max = sorted.at(-1)!;
    console.log(`feed latency A→B (POST answered + event on B): p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
    expect(max).toBeLessThan(1_000);
  });

  it('probes on either are seen alike on both, and each transition is audited once', async () => {
    const m = (await call(A, 'POST', '/machines', { displayName: 'Probed', identityRef: `peaqos:machine:${uniq()}` }))
      .body.item.id as string;
    const put = await call(B, 'PUT', `/machines/${m}/runtime-endpoints/qvac`, { endpointBaseUrl: runtime.url });
    expect(put.status).toBe(201);
    const id = put.body.item.id as string;
    const view = async (base: string) =>
      (await call(base, 'GET', `/machines/${m}/runtime-endpoints/qvac`)).body.item as RuntimeEndpointView;
    await until('checked', async () => (await view(A)).lastCheckedAt);
    const port = runtime.port;
    await runtime.close();
    await until('unreachable on A', async () => (await view(A)).status === 'unreachable');
    expect((await view(B)).status).toBe('unreachable');
    runtime = await startFakeRuntime({ port });
    await until('active on B', async () => (await view(B)).status === 'active');
    expect((await view(A)).status).toBe('active');
    await new Promise((r) => setTimeout(r, 500)); // a few more passes on both: nothing new
    const events = (await call(A, 'GET', `/audit-events?resourceId=${id}&type=runtime-endpoint.status-changed`)).body
      .items as AuditEventView[];
    expect(events.reverse().map((e) => `${String(e.payload.from)}>${String(e.payload.to)}`)).toEqual([
      'active>degraded',
      'degraded>unreachable',
      'unreachable>active',
    ]);
  });

  it('a lease lapsing is swept once by one of the two; a heartbeat on B is seen on A', async () => {
    const m = (await call(A, 'POST', '/machines', { displayName: 'Leased', identityRef: `peaqos:machine:${uniq()}` }))
      .body.item.id as string;
    const leased = await call(A, 'PUT', `/machines/${m}/runtime-endpoints/lease`, {
      endpointBaseUrl: runtime.url,
      leaseExpiresAt: new Date(Date.now() + 500).toISOString(),
    });
    expect(leased.status).toBe(201);
    await until(
      'swept',
      async () => (await call(B, 'GET', `/machines/${m}/runtime-endpoints/lease`)).body.item.status === 'unreachable',
    );
    await new Promise((r) => setTimeout(r, 600));
    const swept = (
      await call(
        B,
        'GET',
        `/audit-events?resourceId=${leased.body.item.id as string}&type=runtime-endpoint.status-changed`,
      )
    ).body.items as AuditEventView[];
    expect(swept.filter((e) => e.payload.to === 'unreachable')).toHaveLength(1);
    expect(swept.filter((e) => e.payload.to === 'active')).toHaveLength(0); // probes do not revive it

    const agent = (await call(A, 'POST', `/machines/${m}/agents/enrollment`, {})).body.item as {
      id: string;
      agentToken: string;
    };
    const hb = await call(
      B,
      'POST',
      '/machine-agents/heartbeat',
      { machineId: m, agentId: agent.id, endpoints: [{ providerKey: 'qvac', endpointBaseUrl: runtime.url }] },
      { authorization: `Bearer ${agent.agentToken}` },
    );
    expect(hb.status, JSON.stringify(hb.body)).toBe(200);
    const onA = (await call(A, 'GET', `/machines/${m}/agents/${agent.id}`)).body.item as {
      status: string;
      lastSeenAt: string | null;
    };
    expect(onA.status).toBe('active');
    expect(onA.lastSeenAt).not.toBeNull();
    await until(
      'agent endpoint probed',
      async () => (await call(A, 'GET', `/machines/${m}/runtime-endpoints/qvac`)).body.item.lastCheckedAt,
    );
  });
});
