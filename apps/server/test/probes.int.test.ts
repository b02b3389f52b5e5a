/**
 * Probing and passive evidence (context C6, docs/liveness.md "Probing"). The hysteresis with a fake
 * RuntimePort and a clock the test moves; the real pass against the fake runtime stopped and started;
 * lapsed leases and revoked agents not revived; failed executions counted like failed probes; on
 * PostgreSQL two app instances probing one database audit each transition once. Each PostgreSQL
 * suite gets a database of its own: these passes touch every endpoint they can see.
 */
import type { AuditEventView, RuntimeEndpointView } from '@mm/contracts';
import type { ProbeResult, ProbeTarget, RuntimePort } from '@mm/core';
import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { json, startTestApp, uniq } from './harness.ts';
import type { DbKind, HarnessOptions, TestApp } from './harness.ts';
import { isolatedPostgres } from './support/pg.ts';

const pgUrl = inject('pgUrl');
const kinds: DbKind[] = pgUrl ? ['pglite', 'postgresql'] : ['pglite'];

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function machine(t: TestApp): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/machines',
    payload: { displayName: 'Probed', identityRef: `peaqos:machine:${uniq()}` },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ item: { id: string } }>(res).item.id;
}

async function put(t: TestApp, m: string, body: Record<string, unknown>, key = 'qvac'): Promise<RuntimeEndpointView> {
  const res = await t.inject({ method: 'PUT', url: `/api/v1/machines/${m}/runtime-endpoints/${key}`, payload: body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return json<{ item: RuntimeEndpointView }>(res).item;
}

async function endpoint(t: TestApp, m: string, key = 'qvac'): Promise<RuntimeEndpointView> {
  return json<{ item: RuntimeEndpointView }>(await t.inject(`/api/v1/machines/${m}/runtime-endpoints/${key}`)).item;
}

async function transitions(t: TestApp, endpointId: string): Promise<{ from: string; to: string; reason: string }[]> {
  const res = await t.inject(
    `/api/v1/audit-events?resourceId=${endpointId}&type=runtime-endpoint.status-changed&limit=500`,
  );
  const items = json<{ items: AuditEventView[] }>(res).items.reverse();
  return items.map((e) => e.payload as { from: string; to: string; reason: string });
}

/** Starts an app on its own database (PostgreSQL) or an in-memory one. */
async function isolatedApp(kind: DbKind, opts: HarnessOptions) {
  const iso = kind === 'postgresql' ? await isolatedPostgres(pgUrl!) : null;
  const t = await startTestApp(kind, { ...opts, ...(iso && { databaseUrl: iso.url }) });
  return { t, iso };
}

for (const kind of kinds) {
  describe(`probe hysteresis with a fake RuntimePort [${kind}]`, () => {
    let t: TestApp;
    let drop: (() => Promise<void>) | undefined;
    let offset = 0;
    let answer: ProbeResult = { healthy: true, httpStatus: 200, durationMs: 1 };
    const probed: ProbeTarget[] = [];
    const runtime: RuntimePort = {
      invoke: () => Promise.resolve({ ok: false, code: 'RUNTIME_UNREACHABLE', message: 'refused', httpStatus: null }),
      probe: (target) => {
        probed.push(target);
        return Promise.resolve(answer);
      },
    };
    const fail: ProbeResult = {
      healthy: false,
      code: 'RUNTIME_UNREACHABLE',
      message: 'connection refused',
      httpStatus: null,
      durationMs: 1,
    };
    const ok: ProbeResult = { healthy: true, httpStatus: 200, durationMs: 1 };
    /** One pass, 20 s later than the last (every endpoint is due again). */
    const pass = async (result: ProbeResult) => {
      answer = result;
      offset += 20_000;
      return t.app.services.probes.probeDue();
    };
    beforeAll(async () => {
      const started = await isolatedApp(kind, {
        runtime,
        clock: { now: () => new Date(Date.now() + offset) },
        env: { MM_PROBE_FAILURES_TO_UNREACHABLE: '3', MM_PROBE_SUCCESSES_TO_ACTIVE: '2', MM_PROBE_TIMEOUT_MS: '500' },
      });
      t = started.t;
      drop = started.iso ? () => started.iso!.drop() : undefined;
    });
    afterAll(async () => {
      await t?.app.close();
      await drop?.();
    });

    it('one failure → degraded, three → unreachable, two successes → active; each transition audited once with its reason', async () => {
      const m = await machine(t);
      const e = await put(t, m, {
        endpointBaseUrl: 'http://127.0.0.1:4999',
        authType: 'bearer',
        authToken: 'tok-probe',
      });
      await pass(ok);
      const first = await endpoint(t, m);
      expect(first.status).toBe('active');
      expect(first.lastCheckedAt).not.toBeNull();
      expect(first.lastHealthyAt).toBe(first.lastCheckedAt);
      expect(probed.at(-1)).toMatchObject({
        endpointBaseUrl: 'http://127.0.0.1:4999',
        probePath: '/v1/models',
        authToken: 'tok-probe',
        timeoutMs: 500,
      });
      await pass(fail);
      expect((await endpoint(t, m)).status).toBe('degraded');
      await pass(fail);
      expect((await endpoint(t, m)).status).toBe('degraded');
      await pass(fail);
      const down = await endpoint(t, m);
      expect(down.status).toBe('unreachable');
      expect(down.lastHealthyAt).toBe(first.lastHealthyAt);
      expect(Date.parse(down.lastCheckedAt!)).toBeGreaterThan(Date.parse(first.lastCheckedAt!));
      await pass(ok);
      expect((await endpoint(t, m)).status).toBe('unreachable');
      await pass(ok);
      expect((await endpoint(t, m)).status).toBe('active');
      const changes = await transitions(t, e.id);
      expect(changes.map((c) => `${c.from}>${c.to}`)).toEqual([
        'active>degraded',
        'degraded>unreachable',
        'unreachable>active',
      ]);
      expect(changes[0]!.reason).toMatch(/probe failed: RUNTIME_UNREACHABLE/);
      expect(changes[2]!.reason).toMatch(/probe healthy \(HTTP 200\)/);
    });

    it('probes an endpoint once per interval: a second pass right after claims nothing', async () => {
      const m = await machine(t);
      await put(t, m, { endpointBaseUrl: 'http://127.0.0.1:4998' });
      await pass(ok);
      const before = probed.length;
      answer = fail;
      await t.app.services.probes.probeDue();
      expect(probed.length).toBe(before);
      expect((await endpoint(t, m)).status).toBe('active');
    });

    it('keeps a status set by hand until the next probe result says otherwise', async () => {
      const m = await machine(t);
      await put(t, m, { endpointBaseUrl: 'http://127.0.0.1:4997', status: 'degraded' });
      expect((await endpoint(t, m)).status).toBe('degraded');
      await pass(ok); // one success of two: still degraded
      expect((await endpoint(t, m)).status).toBe('degraded');
      await pass(ok);
      expect((await endpoint(t, m)).status).toBe('active');
    });

    it('does not revive an endpoint whose lease lapsed (the lease is the agent’s liveness)', async () => {
      const m = await machine(t);
      const e = await put(t, m, {
        endpointBaseUrl: 'http://127.0.0.1:4996',
        leaseExpiresAt: new Date(Date.now() + offset - 1000).toISOString(),
      });
      await t.app.services.runtimeEndpoints.sweepLapsedLeases();
      expect((await endpoint(t, m)).status).toBe('unreachable');
      const before = probed.filter((p) => p.endpointBaseUrl === e.endpointBaseUrl).length;
      await pass(ok);
      await pass(ok);
      expect(probed.filter((p) => p.endpointBaseUrl === e.endpointBaseUrl).length).toBe(before);
      expect((await endpoint(t, m)).status).toBe('unreachable');
    });

    it('does not revive the endpoints of a revoked agent', async () => {
      const m = await machine(t);
      const enrolled = json<{ item: { id: string; agentToken: string } }>(
        await t.inject({ method: 'POST', url: `/api/v1/machines/${m}/agents/enrollment`, payload: {} }),
      ).item;
      const hb = await t.inject({
        method: 'POST',
        url: '/api/v1/machine-agents/heartbeat',
        headers: { authorization: `Bearer ${enrolled.agentToken}` },
        payload: {
          machineId: m,
          agentId: enrolled.id,
          leaseSeconds: 3600,
          endpoints: [{ providerKey: 'qvac', endpointBaseUrl: 'http://127.0.0.1:4995' }],
        },
      });
      expect(hb.statusCode, hb.body).toBe(200);
      const revoke = await t.inject({ method: 'POST', url: `/api/v1/machines/${m}/agents/${enrolled.id}/revoke` });
      expect(revoke.statusCode, revoke.body).toBe(200);
      await pass(ok);
      await pass(ok);
      expect((await endpoint(t, m)).status).toBe('unreachable');
    });

    it('counts a failed execution like a failed probe (passive evidence), audited with the reason', async () => {
      const m = await machine(t);
      const e = await put(t, m, { endpointBaseUrl: 'http://127.0.0.1:4994' });
      const task = json<{ item: { id: string } }>(
        await t.inject({
          method: 'POST',
          url: `/api/v1/machines/${m}/tasks`,
          payload: {
            serviceType: 'compute.marketplace',
            taskType: 'inference',
            operation: 'run-private-inference',
            constraints: { requireNativeExecution: true, allowExternalHandoff: false },
          },
        }),
      ).item;
      expect(
        (await t.inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${task.id}/resolve` })).statusCode,
      ).toBe(201);
      const exec = await t.inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${task.id}/execute` });
      expect(exec.statusCode).toBe(503);
      const after = await endpoint(t, m);
      expect(after.status).toBe('degraded');
      const changes = await transitions(t, e.id);
      expect(changes.map((c) => `${c.from}>${c.to}`)).toEqual(['active>degraded']);
      expect(changes[0]!.reason).toMatch(/^execution failed: RUNTIME_UNREACHABLE/);
    });
  });

  describe(`probing a real runtime that stops and starts [${kind}]`, () => {
    let t: TestApp;
    let drop: (() => Promise<void>) | undefined;
    let runtime: FakeRuntime;
    beforeAll(async () => {
      runtime = await startFakeRuntime();
      const started = await isolatedApp(kind, {
        workers: true,
        env: {
          MM_PROBE_INTERVAL_MS: '150',
          MM_PROBE_TIMEOUT_MS: '300',
          MM_LEASE_SWEEP_MS: '100000',
          MM_RECOVERY_INTERVAL_MS: '100000',
        },
      });
      t = started.t;
      drop = started.iso ? () => started.iso!.drop() : undefined;
    });
    afterAll(async () => {
      await t?.app.close();
      await runtime?.close();
      await drop?.();
    });

    it('probes a new endpoint at once, turns it degraded then unreachable when the runtime stops, active when it returns', async () => {
      const m = await machine(t);
      const e = await put(t, m, { endpointBaseUrl: runtime.url });
      await until('first probe', async () => (await endpoint(t, m)).lastCheckedAt);
      const port = runtime.port;
      await runtime.close();
      await until('unreachable', async () => (await endpoint(t, m)).status === 'unreachable');
      runtime = await startFakeRuntime({ port });
      await until('active again', async () => (await endpoint(t, m)).status === 'active');
      const changes = await transitions(t, e.id);
      expect(changes.map((c) => `${c.from}>${c.to}`)).toEqual([
        'active>degraded',
        'degraded>unreachable',
        'unreachable>active',
      ]);
      const view = await endpoint(t, m);
      expect(view.lastHealthyAt).not.toBeNull();
    });
  });
}

for (const kind of kinds) {
  describe(`a new or changed endpoint is probed at once [${kind}]`, () => {
    let t: TestApp;
    let drop: (() => Promise<void>) | undefined;
    let runtime: FakeRuntime;
    beforeAll(async () => {
      runtime = await startFakeRuntime();
      // A period far longer than the test: only the write's kick can explain a probe.
      const started = await isolatedApp(kind, { workers: true, env: { MM_PROBE_INTERVAL_MS: '600000' } });
      t = started.t;
      drop = started.iso ? () => started.iso!.drop() : undefined;
      await new Promise((r) => setTimeout(r, 300)); // the start-up pass is over
    });
    afterAll(async () => {
      await t?.app.close();
      await runtime?.close();
      await drop?.();
    });

    it('after a manual PUT and after a heartbeat that moves the endpoint', async () => {
      const m = await machine(t);
      const e = await put(t, m, { endpointBaseUrl: runtime.url });
      const checked = await until('probe after PUT', async () => (await endpoint(t, m)).lastCheckedAt, 2_000);
      expect(Date.parse(checked) - Date.parse(e.updatedAt)).toBeLessThan(2_000);
      const enrolled = json<{ item: { id: string; agentToken: string } }>(
        await t.inject({ method: 'POST', url: `/api/v1/machines/${m}/agents/enrollment`, payload: {} }),
      ).item;
      const other = await startFakeRuntime();
      try {
        const hb = await t.inject({
          method: 'POST',
          url: '/api/v1/machine-agents/heartbeat',
          headers: { authorization: `Bearer ${enrolled.agentToken}` },
          payload: {
            machineId: m,
            agentId: enrolled.id,
            endpoints: [{ providerKey: 'qvac', endpointBaseUrl: other.url }],
          },
        });
        expect(hb.statusCode, hb.body).toBe(200);
        await until(
          'probe of the new URL',
          () => Promise.resolve(other.requests.some((r) => r.path === '/v1/models')),
          2_000,
        );
      } finally {
        await other.close();
      }
    });
  });
}

(pgUrl ? describe : describe.skip)('probing with two app instances on one PostgreSQL database', () => {
  let a: TestApp;
  let b: TestApp;
  let runtime: FakeRuntime;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    runtime = await startFakeRuntime();
    const iso = await isolatedPostgres(pgUrl!);
    drop = () => iso.drop();
    const opts: HarnessOptions = {
      workers: true,
      databaseUrl: iso.url,
      env: { MM_PROBE_INTERVAL_MS: '100', MM_PROBE_TIMEOUT_MS: '300', MM_LEASE_SWEEP_MS: '100000' },
    };
    a = await startTestApp('postgresql', opts);
    b = await startTestApp('postgresql', opts);
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.app.close();
    await runtime?.close();
    await drop?.();
  });

  it('audits each transition once while both probe every 100 ms (and a pass is forced on both in parallel)', async () => {
    const ms = await Promise.all(Array.from({ length: 5 }, () => machine(a)));
    const eps = await Promise.all(ms.map((m, i) => put(i % 2 ? a : b, m, { endpointBaseUrl: runtime.url })));
    await until('all probed', async () =>
      (await Promise.all(ms.map((m) => endpoint(b, m)))).every((e) => e.lastCheckedAt),
    );
    const port = runtime.port;
    await runtime.close();
    const force = setInterval(() => {
      void a.app.services.probes.probeDue();
      void b.app.services.probes.probeDue();
    }, 20);
    try {
      await until('all unreachable', async () =>
        (await Promise.all(ms.map((m) => endpoint(a, m)))).every((e) => e.status === 'unreachable'),
      );
      runtime = await startFakeRuntime({ port });
      await until('all active', async () =>
        (await Promise.all(ms.map((m) => endpoint(b, m)))).every((e) => e.status === 'active'),
      );
    } finally {
      clearInterval(force);
    }
    for (const e of eps) {
      const changes = await transitions(a, e.id);
      expect(changes.map((c) => `${c.from}>${c.to}`)).toEqual([
        'active>degraded',
        'degraded>unreachable',
        'unreachable>active',
      ]);
    }
  });
});
