/**
 * PostgreSQL outages with a real server process (context C2), on a throwaway database of its own:
 * its connections are terminated again and again under heartbeat load, then the database refuses
 * connections altogether. Every answer is 200 or 503 DATABASE_UNAVAILABLE with Retry-After (never
 * 500), every acknowledged heartbeat is in the database, `/health` says `down` within 2 s, the log
 * has one line per outage episode, and the process recovers by itself.
 */
import type { EnrolledMachineAgentView, HeartbeatResponse } from '@mm/contracts';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  adminClient,
  call,
  createDatabase,
  freePort,
  sleep,
  startPgProxy,
  startServer,
  uniqueName,
  waitFor,
} from './processes.ts';
import type { Answer, PgProxy, ServerProcess, ThrowawayDb } from './processes.ts';

const CONCURRENCY = 10;
const CONNECT_TIMEOUT_MS = 1_000;
const STATEMENT_TIMEOUT_MS = 3_000;

interface Beat {
  phase: 'before' | 'outage' | 'after';
  status: number;
  body: unknown;
  retryAfter: string | null;
  ms: number;
}

const skip = !inject('pgUrl');
(skip ? describe.skip : describe)('database outages with a real server process [postgresql]', () => {
  let db: ThrowawayDb;
  let proxy: PgProxy;
  let admin: pg.Client;
  let server: ServerProcess;
  let base: string;
  let machineId: string;
  let agent: EnrolledMachineAgentView;

  const heartbeat = (timeoutMs = 10_000) =>
    call<HeartbeatResponse>(
      base,
      'POST',
      '/machine-agents/heartbeat',
      {
        machineId,
        agentId: agent.id,
        agentToken: agent.agentToken,
        endpoints: [{ providerKey: 'qvac', endpointBaseUrl: 'http://127.0.0.1:9' }],
      },
      { timeoutMs },
    );
  const outageLines = () => server.logs().filter((l) => l.msg.startsWith('database unavailable'));
  const recoveryLines = () => server.logs().filter((l) => l.msg === 'database available again');
  const expectUnavailable = (a: Answer<unknown>) => {
    expect(a.status).toBe(503);
    expect(a.body).toMatchObject({ error: { code: 'DATABASE_UNAVAILABLE' } });
    expect(a.headers.get('retry-after')).toBe('2');
  };
  const terminate = async () =>
    (
      await admin.query<{ n: string }>(
        `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [db.name],
      )
    ).rows[0]!.n;

  beforeAll(async () => {
    db = await createDatabase('mm_outage');
    // The admin client sits in another database, so terminating every backend of ours spares it.
    admin = await adminClient();
    // The server reaches the database through a proxy that can make it hang (the last test).
    proxy = await startPgProxy();
    server = await startServer({
      name: 'server-outage',
      port: await freePort(),
      db: { kind: 'postgresql', url: proxy.url(db.name) },
      env: {
        MM_DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        MM_DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
        MM_LEASE_SWEEP_MS: '300',
        MM_RECOVERY_INTERVAL_MS: '300',
      },
    });
    base = server.base;
    const m = await call<{ item: { id: string } }>(base, 'POST', '/machines', {
      displayName: 'Outage rover',
      identityRef: `peaqos:machine:${uniqueName('outage')}`,
    });
    expect(m.status).toBe(201);
    machineId = m.body.item.id;
    const e = await call<{ item: EnrolledMachineAgentView }>(base, 'POST', `/machines/${machineId}/agents/enrollment`, {
      label: 'Outage agent',
      allowedProviderKeys: ['qvac'],
    });
    expect(e.status).toBe(201);
    agent = e.body.item;
  });

  afterAll(async () => {
    await server?.child.stop('SIGKILL', 1_000);
    await admin?.end();
    await proxy?.close();
    await db?.drop();
  });

  it('terminated connections under heartbeat load: 200 or 503, every 200 committed, one log line per episode', async () => {
    expect((await heartbeat()).status).toBe(200);
    const beats: Beat[] = [];
    let phase: Beat['phase'] = 'before';
    let running = true;
    const worker = async () => {
      while (running) {
        const p = phase;
        const t0 = Date.now();
        // A transport error (the process died, a connection reset) counts as status 0.
        const a = await heartbeat().catch((err: unknown) => ({
          status: 0,
          body: String(err),
          headers: new Headers(),
        }));
        beats.push({
          phase: p,
          status: a.status,
          body: a.body,
          retryAfter: a.headers.get('retry-after'),
          ms: Date.now() - t0,
        });
        if (a.status === 0) await sleep(100);
      }
    };
    const workers = Array.from({ length: CONCURRENCY }, () => worker());
    const linesBefore = server.child.lines.length;
    await sleep(1_000);
    phase = 'outage';
    let rounds = 0;
    let terminated = 0;
    const outageEnds = Date.now() + 2_000;
    while (Date.now() < outageEnds) {
      terminated += Number(await terminate());
      rounds += 1;
      await sleep(100);
    }
    phase = 'after';
    // Back by itself: heartbeats answer 200 again, without a restart.
    const recoveredAt = Date.now();
    await waitFor(
      'a heartbeat to succeed after the outage',
      () => beats.some((b) => b.phase === 'after' && b.status === 200),
      10_000,
    ).catch((err: unknown) => {
      running = false;
      console.error(`server exit ${server.child.exitCode}; stderr:\n${server.child.stderr.slice(-40).join('\n')}`);
      throw err;
    });
    const recoveryMs = Date.now() - recoveredAt;
    const settledFrom = beats.length;
    // The episode ends (one "available again" line) once the database answered 2 s without a failure.
    await waitFor('the end of the outage episode in the log', () => recoveryLines().length > 0, 10_000);
    await sleep(300);
    running = false;
    await Promise.all(workers);

    const statuses = new Map<number, number>();
    for (const b of beats) statuses.set(b.status, (statuses.get(b.status) ?? 0) + 1);
    console.info(
      `outage: ${rounds} termination rounds, ${terminated} backends terminated; answers ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `slowest ${Math.max(...beats.map((b) => b.ms))} ms; 200 again after ${recoveryMs} ms; ` +
        `log: ${outageLines().length} unavailable / ${recoveryLines().length} available-again lines`,
    );
    if (server.child.exitCode !== null || statuses.has(0) || statuses.has(500)) {
      console.error(`server exit ${server.child.exitCode}; stderr:\n${server.child.stderr.slice(-40).join('\n')}`);
      console.error(
        server.child.lines
          .filter((l) => l.includes('"level":50'))
          .slice(0, 5)
          .join('\n'),
      );
    }
    expect(terminated).toBeGreaterThan(0);
    // Never a 500: every refusal is the outage's 503 with Retry-After.
    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    for (const b of beats.filter((x) => x.status !== 200)) {
      expect(b.status).toBe(503);
      expect(b.body).toMatchObject({ error: { code: 'DATABASE_UNAVAILABLE' } });
      expect(b.retryAfter).toBe('2');
    }
    // Settled again: after the first success every heartbeat answers 200.
    expect(beats.slice(settledFrom).every((b) => b.status === 200)).toBe(true);

    // Acknowledged means committed: every 200's heartbeat (its lastSeenAt) has its audit event. A
    // commit whose answer was lost on the way may add events without a 200, never the reverse.
    const oks = beats.filter((b) => b.status === 200).map((b) => (b.body as HeartbeatResponse).item.lastSeenAt!);
    const c = await adminClient(db.name);
    let audited: string[];
    try {
      const { rows } = await c.query<{ seen: string }>(
        `SELECT payload->'agent'->>'lastSeenAt' AS seen FROM "AuditEvent" WHERE type = 'machine-agent.heartbeat' AND "resourceId" = $1`,
        [agent.id],
      );
      audited = rows.map((r) => r.seen);
    } finally {
      await c.end();
    }
    const remaining = new Map<string, number>();
    for (const s of audited) remaining.set(s, (remaining.get(s) ?? 0) + 1);
    const missing = oks.filter((s) => {
      const n = remaining.get(s) ?? 0;
      if (n === 0) return true;
      remaining.set(s, n - 1);
      return false;
    });
    console.info(`outage: ${oks.length} heartbeats acknowledged, ${audited.length - 1} audited (besides the first)`);
    expect(missing).toEqual([]);
    // + the first heartbeat before the load.
    expect(audited.length).toBeGreaterThanOrEqual(oks.length + 1);
    expect(audited.length).toBeLessThanOrEqual(beats.length + 1);

    // The log: one line when the outage began and one when it ended, however many connections
    // dropped and requests failed in between; never a stack per request.
    const lines = server.logs();
    expect(outageLines()).toHaveLength(1);
    expect(recoveryLines()).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'unhandled error' || l.msg === 'tRPC procedure failed')).toEqual([]);
    // Each background pass may log its own failure episode once (with its error).
    const errorLines = lines.filter((l) => l.level >= 50);
    expect(errorLines.every((l) => l.msg.endsWith(': pass failed; retrying every tick'))).toBe(true);
    expect(new Set(errorLines.map((l) => l.msg)).size).toBe(errorLines.length);
    expect(server.child.lines.slice(linesBefore).filter((l) => l.includes('"stack"')).length).toBe(errorLines.length);
    expect(server.child.stderr.join('\n')).not.toMatch(/Unhandled|uncaught|Error:/i);
    expect(server.child.exitCode).toBeNull();
  });

  it('a database that refuses connections: /health 503 within 2 s, REST 503, recovery without a restart', async () => {
    const allow = (on: boolean) => admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS ${on}`);
    const unavailableBefore = outageLines().length;
    await allow(false);
    try {
      await terminate();
      for (let i = 0; i < 3; i++) {
        const t0 = Date.now();
        const health = await call(base, 'GET', '/health', undefined, { raw: true, timeoutMs: 5_000 });
        const ms = Date.now() - t0;
        expect(health.status).toBe(503);
        expect(health.body).toMatchObject({ status: 'degraded', database: 'down' });
        expect(ms).toBeLessThan(2_000);
      }
      const t0 = Date.now();
      expectUnavailable(await heartbeat());
      expectUnavailable(await call(base, 'GET', `/machines/${machineId}`));
      expectUnavailable(await call(base, 'GET', `/machines/${machineId}/agents/${agent.id}`));
      // Bounded by the pool's connect timeout (1 s here), not hanging.
      expect(Date.now() - t0).toBeLessThan(6_000);
      expect(outageLines().length).toBe(unavailableBefore + 1);
    } finally {
      await allow(true);
    }
    const t1 = Date.now();
    await waitFor('/health to answer 200 again', async () => {
      const h = await call(base, 'GET', '/health', undefined, { raw: true, timeoutMs: 5_000 });
      return h.status === 200;
    });
    const backMs = Date.now() - t1;
    expect(backMs).toBeLessThan(5_000);
    expect((await heartbeat()).status).toBe(200);
    await waitFor(
      'the end of the outage episode in the log',
      async () => (await heartbeat()).status === 200 && recoveryLines().length === outageLines().length,
      10_000,
      250,
    );
    expect(server.logs().filter((l) => l.msg === 'unhandled error')).toEqual([]);
    expect(server.child.exitCode).toBeNull();
  });

  it('a database that hangs: /health 503 within 2 s, requests 503 within the pool timeouts, recovery', async () => {
    // Several pooled connections, so requests below also run on connections that hang mid-query.
    const warm = await Promise.all(Array.from({ length: 4 }, () => heartbeat()));
    expect(warm.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const unavailableBefore = outageLines().length;
    proxy.hang();
    try {
      const t0 = Date.now();
      const requests = Promise.all([
        heartbeat(20_000),
        call(base, 'GET', `/machines/${machineId}`, undefined, { timeoutMs: 20_000 }),
        call(base, 'GET', `/machines/${machineId}/agents/${agent.id}`, undefined, { timeoutMs: 20_000 }),
        call(base, 'GET', `/machines/${machineId}/agents`, undefined, { timeoutMs: 20_000 }),
      ]).then((answers) => ({ answers, ms: Date.now() - t0 }));
      for (let i = 0; i < 3; i++) {
        const h0 = Date.now();
        const health = await call(base, 'GET', '/health', undefined, { raw: true, timeoutMs: 5_000 });
        const ms = Date.now() - h0;
        expect(health.status).toBe(503);
        expect(health.body).toMatchObject({ database: 'down' });
        expect(ms).toBeLessThan(2_000);
      }
      const { answers, ms } = await requests;
      console.info(`hang: requests answered ${answers.map((a) => a.status).join(',')} after ${ms} ms`);
      for (const a of answers) expectUnavailable(a);
      // A query on a connection that hangs ends at the client-side read timeout (statement + 1 s);
      // a new connection at the connect timeout.
      expect(ms).toBeLessThan(STATEMENT_TIMEOUT_MS + 1_000 + CONNECT_TIMEOUT_MS + 2_000);
      expect(outageLines().length).toBe(unavailableBefore + 1);
    } finally {
      proxy.resume();
    }
    const t1 = Date.now();
    await waitFor('/health to answer 200 again', async () => {
      const h = await call(base, 'GET', '/health', undefined, { raw: true, timeoutMs: 5_000 });
      return h.status === 200;
    });
    expect(Date.now() - t1).toBeLessThan(STATEMENT_TIMEOUT_MS + 3_000);
    await waitFor(
      'heartbeats to answer 200 and the episode to end',
      async () => (await heartbeat()).status === 200 && recoveryLines().length === outageLines().length,
      10_000,
      250,
    );
    expect(server.logs().filter((l) => l.msg === 'unhandled error')).toEqual([]);
    expect(server.child.exitCode).toBeNull();
  });
});
