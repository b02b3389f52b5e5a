/**
 * The servers `heartbeat.bench.ts` drives, each in its own process (forked with IPC) so the load
 * generator does not share their event loop:
 *
 * - `ours`: the real app (`buildApp`) on `DATABASE_URL`, or on an in-memory PGlite when it is empty;
 *   it enrols `AGENTS` agents (one machine and one agent-owned endpoint each) and sends their tokens.
 * - `baseline`: a bare Fastify + `pg` server (pool of 10, like ours) doing the same durable work in
 *   one statement: the agent row renewed by id and token hash (conditional on not revoked), its
 *   endpoints' leases extended, the heartbeat audit event inserted, the views returned.
 *
 * Both measure their own event-loop delay (`monitorEventLoopDelay`), reset and read over IPC.
 * HB_TRACE_SYNC=1: logs to stderr every GC pause over 15 ms, to find what stalls the loop (the
 * embedded database runs on its own thread, docs/database.md, so its statements no longer do).
 * The embedded database lives in a temporary data folder on disk, as `pnpm start` keeps it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openDatabase } from '@mm/db';
import { buildApp, parseEnv } from '@mm/server';
import Fastify from 'fastify';
import pg from 'pg';

export interface BenchAgent {
  machineId: string;
  agentId: string;
  agentToken: string;
  /** The URL of the agent's one endpoint (HB_WITH_ENDPOINTS repeats it in every heartbeat). */
  endpointBaseUrl: string;
}

export type ToParent = { ready: { port: number; agents: BenchAgent[] } } | { stall: { maxMs: number; p99Ms: number } };
export type ToChild = 'reset' | 'report';

const mode = process.argv[2];
const url = process.env.DATABASE_URL ?? '';
const agentCount = Number(process.env.AGENTS ?? 500);

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
process.on('message', (msg: ToChild) => {
  if (msg === 'reset') loop.reset();
  if (msg === 'report') {
    send({ stall: { maxMs: loop.max / 1e6, p99Ms: loop.percentile(99) / 1e6 } });
  }
});
process.on('disconnect', () => process.exit(0));
// A normal exit, so `--cpu-prof` (HB_CPU_PROF=1) writes its profile.
process.on('SIGTERM', () => process.exit(0));

function send(msg: ToParent) {
  process.send?.(msg);
}

async function ours() {
  if (process.env.HB_TRACE_SYNC) {
    const { PerformanceObserver } = await import('node:perf_hooks');
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) if (e.duration > 15) console.error(`GC ${e.duration.toFixed(1)} ms`);
    }).observe({ entryTypes: ['gc'] });
  }
  const dataDir = url ? '.bench-unused' : mkdtempSync(path.join(tmpdir(), 'mm-bench-hb-'));
  if (!url) process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const db = url ? await openDatabase({ databaseUrl: url, dataDir }) : await openDatabase({ dataDir });
  const app = await buildApp({
    env: parseEnv({ MM_SECRET_KEY: 'b'.repeat(64), LOG_LEVEL: 'silent' }),
    db,
    workers: false,
    logger: false,
  });
  const caller = { actor: 'api', ownerId: 'local' };
  const agents: BenchAgent[] = [];
  for (let i = 0; i < agentCount; i++) {
    const machine = await app.services.machines.create(
      { displayName: `Bench ${i}`, identityRef: `peaqos:machine:bench-${i}` },
      caller,
    );
    const enrolled = await app.services.agents.enroll(machine.id, { providerKeys: ['qvac'] }, caller);
    // One agent-owned endpoint each, so every heartbeat also renews a lease.
    await app.services.agents.heartbeat({
      machineId: machine.id,
      agentId: enrolled.id,
      agentToken: enrolled.agentToken,
      endpoints: [{ providerKey: 'qvac', endpointBaseUrl: `http://127.0.0.1:${10_000 + i}` }],
    });
    agents.push({
      machineId: machine.id,
      agentId: enrolled.id,
      agentToken: enrolled.agentToken,
      endpointBaseUrl: `http://127.0.0.1:${10_000 + i}`,
    });
  }
  await app.fastify.listen({ host: '127.0.0.1', port: 0 });
  send({ ready: { port: (app.fastify.server.address() as AddressInfo).port, agents } });
}

/** The one statement; `$1` agent id, `$2` token hash, `$3` lease seconds. */
const BASELINE_SQL = `
WITH agent AS (
  UPDATE "MachineAgent" SET "status" = 'active', "lastSeenAt" = now(), "updatedAt" = now()
  WHERE "id" = $1 AND "tokenHash" = $2 AND "status" <> 'revoked'
  RETURNING "id", "machineId", "label", "allowedProviderKeys", "status", "lastSeenAt", "createdAt", "updatedAt"
), eps AS (
  UPDATE "RuntimeEndpoint" e SET "leaseExpiresAt" = now() + make_interval(secs => $3), "updatedAt" = now()
  FROM agent WHERE e."agentId" = agent."id" AND e."source" = 'agent'
  RETURNING e."id", e."machineId", e."providerKey", e."status", e."endpointBaseUrl", e."leaseExpiresAt", e."label"
), audit AS (
  INSERT INTO "AuditEvent" ("id", "actor", "principal", "machineId", "type", "resourceType", "resourceId", "payload")
  SELECT gen_random_uuid(), 'agent:' || agent."id", agent."id", agent."machineId", 'machine-agent.heartbeat',
         'machine-agent', agent."id",
         jsonb_build_object('agent', to_jsonb(agent), 'leaseSeconds', $3::int,
           'endpoints', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', eps."id", 'providerKey', eps."providerKey",
             'status', eps."status")), '[]') FROM eps))
  FROM agent
)
SELECT to_jsonb(agent) AS item, (SELECT coalesce(jsonb_agg(to_jsonb(eps)), '[]') FROM eps) AS endpoints FROM agent`;

async function baseline() {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const fastify = Fastify({ logger: false });
  fastify.post('/api/v1/machine-agents/heartbeat', async (req, reply) => {
    const body = req.body as { agentId: string; agentToken: string; leaseSeconds?: number };
    const hash = createHash('sha256').update(body.agentToken, 'utf8').digest('hex');
    const res = await pool.query(BASELINE_SQL, [body.agentId, hash, body.leaseSeconds ?? 120]);
    const row = res.rows[0] as { item: unknown; endpoints: unknown[] } | undefined;
    if (!row) return reply.code(403).send({ error: { code: 'AGENT_PAIRING_INACTIVE' } });
    return { item: row.item, endpoints: row.endpoints, nextHeartbeatInSeconds: 40 };
  });
  await fastify.listen({ host: '127.0.0.1', port: 0 });
  send({ ready: { port: (fastify.server.address() as AddressInfo).port, agents: [] } });
}

if (mode === 'ours') await ours();
else if (mode === 'baseline') await baseline();
else throw new Error(`unknown mode ${mode}`);
