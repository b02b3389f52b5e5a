/**
 * `pnpm bench heartbeat` (issue 11, target 1): REST heartbeats of many enrolled agents at c=50 on
 * PostgreSQL, ours against a bare Fastify + `pg` server doing the same durable work in one
 * statement (bench/heartbeat-server.ts), in the same run; then ours on the embedded database with
 * its event-loop delay. Every request carries a different agent's token (round robin).
 *
 * Env: DATABASE_URL (admin URL; a uniquely named database is created on it and dropped at the
 * end; default postgresql://postgres@127.0.0.1:5432/postgres), HB_AGENTS (500), HB_SECONDS (10 per round), HB_ROUNDS (3;
 * ours and the baseline alternate, the medians are reported),
 * HB_CONNECTIONS (50), HB_PGLITE_AGENTS (200), HB_PGLITE_SECONDS (5), HB_WITH_ENDPOINTS (1: every
 * heartbeat names the agent's endpoint unchanged, what mm-agent sends; the baseline ignores it),
 * HB_EMBEDDED_ONLY (1: skip the PostgreSQL rounds, measure only the embedded database's event loop),
 * HB_TRACE_SYNC (1: the embedded server logs its GC pauses over 15 ms).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import type { BenchAgent, ToChild, ToParent } from './heartbeat-server.ts';

const ADMIN_URL = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const AGENTS = Number(process.env.HB_AGENTS ?? 500);
const SECONDS = Number(process.env.HB_SECONDS ?? 10);
const ROUNDS = Number(process.env.HB_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.HB_CONNECTIONS ?? 50);
const PGLITE_AGENTS = Number(process.env.HB_PGLITE_AGENTS ?? 200);
const PGLITE_SECONDS = Number(process.env.HB_PGLITE_SECONDS ?? 5);
const WITH_ENDPOINTS = process.env.HB_WITH_ENDPOINTS === '1';
const EMBEDDED_ONLY = process.env.HB_EMBEDDED_ONLY === '1';

interface Server {
  child: ChildProcess;
  port: number;
  agents: BenchAgent[];
  stall(): Promise<{ maxMs: number; p99Ms: number }>;
  reset(): void;
  stop(): Promise<void>;
}

function start(mode: 'ours' | 'baseline', env: Record<string, string>): Promise<Server> {
  const child = fork(fileURLToPath(new URL('./heartbeat-server.ts', import.meta.url)), [mode], {
    execArgv: ['--import', 'tsx', ...(process.env.HB_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=.bench-prof'] : [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  type Ready = { port: number; agents: BenchAgent[] };
  type Stall = { maxMs: number; p99Ms: number };
  function wait(key: 'ready'): Promise<Ready>;
  function wait(key: 'stall'): Promise<Stall>;
  function wait(key: 'ready' | 'stall'): Promise<Ready | Stall> {
    return new Promise((resolve, reject) => {
      const onMessage = (msg: ToParent) => {
        if ('ready' in msg && key === 'ready') {
          child.off('message', onMessage);
          resolve(msg.ready);
        } else if ('stall' in msg && key === 'stall') {
          child.off('message', onMessage);
          resolve(msg.stall);
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`${mode} server exited (${code})`)));
    });
  }
  const tell = (msg: ToChild) => child.send(msg);
  return wait('ready').then(({ port, agents }) => ({
    child,
    port,
    agents,
    reset: () => tell('reset'),
    stall: () => {
      const p = wait('stall');
      tell('report');
      return p;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  }));
}

interface Load {
  rps: number;
  p99Ms: number;
  p50Ms: number;
  errors: number;
  total: number;
}

async function drive(port: number, agents: BenchAgent[], seconds: number): Promise<Load> {
  // HB_WITH_ENDPOINTS=1: every heartbeat repeats the agent's endpoint, as mm-agent does.
  const bodies = agents.map((a) =>
    JSON.stringify({
      machineId: a.machineId,
      agentId: a.agentId,
      agentToken: a.agentToken,
      ...(WITH_ENDPOINTS && { endpoints: [{ providerKey: 'qvac', endpointBaseUrl: a.endpointBaseUrl }] }),
    }),
  );
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/machine-agents/heartbeat',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => {
          const body = bodies[next++ % bodies.length] ?? '';
          return { ...req, body };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    errors: result.errors + result.timeouts + result.non2xx,
    total: result.requests.total,
  };
}

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `mm_bench_heartbeat_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

const fmt = (l: Load) =>
  `${l.rps.toFixed(0)} req/s, p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, ${l.errors} errors of ${l.total}`;

/** The median of the rounds' figures (other work on the machine makes single rounds noisy). */
function median(loads: Load[], key: 'rps' | 'p99Ms' | 'p50Ms'): number {
  const sorted = loads.map((l) => l[key]).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function benchHeartbeat(): Promise<void> {
  if (!EMBEDDED_ONLY) await benchPostgres();
  await benchEmbedded();
}

async function benchPostgres(): Promise<void> {
  const db = await createDatabase();
  const oursRounds: Load[] = [];
  const baseRounds: Load[] = [];
  try {
    const server = await start('ours', { DATABASE_URL: db.url, AGENTS: String(AGENTS) });
    const baseline = await start('baseline', { DATABASE_URL: db.url });
    try {
      await drive(server.port, server.agents, 2); // warm-up
      await drive(baseline.port, server.agents, 2);
      // Interleaved rounds, so a burst of other load on the machine hits both alike.
      for (let r = 0; r < ROUNDS; r++) {
        oursRounds.push(await drive(server.port, server.agents, SECONDS));
        baseRounds.push(await drive(baseline.port, server.agents, SECONDS));
      }
    } finally {
      await server.stop();
      await baseline.stop();
    }
  } finally {
    await db.drop();
  }
  console.log(
    `\nHeartbeat on PostgreSQL, ${AGENTS} agents, c=${CONNECTIONS}, ${ROUNDS} interleaved rounds of ${SECONDS} s`,
  );
  for (let r = 0; r < ROUNDS; r++) {
    console.log(`  round ${r + 1} baseline (bare Fastify + pg, one statement): ${fmt(baseRounds[r] as Load)}`);
    console.log(`  round ${r + 1} ours (POST /api/v1/machine-agents/heartbeat):  ${fmt(oursRounds[r] as Load)}`);
  }
  const oursRps = median(oursRounds, 'rps');
  const baseRps = median(baseRounds, 'rps');
  const errors = oursRounds.reduce((n, l) => n + l.errors, 0);
  console.log(
    `RESULT heartbeat ratio=${(oursRps / baseRps).toFixed(2)} ours_rps=${oursRps.toFixed(0)} ` +
      `baseline_rps=${baseRps.toFixed(0)} p99_ms=${median(oursRounds, 'p99Ms')} errors=${errors} ` +
      `baseline_p99_ms=${median(baseRounds, 'p99Ms')} worst_p99_ms=${Math.max(...oursRounds.map((l) => l.p99Ms))} ` +
      `agents=${AGENTS} connections=${CONNECTIONS} rounds=${ROUNDS} seconds=${SECONDS}`,
  );
}

async function benchEmbedded(): Promise<void> {
  const embedded = await start('ours', { DATABASE_URL: '', AGENTS: String(PGLITE_AGENTS) });
  let lite: Load;
  let stall: { maxMs: number; p99Ms: number };
  try {
    await drive(embedded.port, embedded.agents, 1);
    embedded.reset();
    lite = await drive(embedded.port, embedded.agents, PGLITE_SECONDS);
    stall = await embedded.stall();
  } finally {
    await embedded.stop();
  }
  console.log(`  embedded  PGlite, ${PGLITE_AGENTS} agents: ${fmt(lite)}`);
  console.log(
    `RESULT heartbeat-embedded rps=${lite.rps.toFixed(0)} p99_ms=${lite.p99Ms} errors=${lite.errors} ` +
      `stall_max_ms=${stall.maxMs.toFixed(1)} stall_p99_ms=${stall.p99Ms.toFixed(1)}`,
  );
}
