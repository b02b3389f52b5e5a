/**
 * A PostgreSQL database of the benchmark's own on `DATABASE_URL` (default the local server),
 * migrated from scratch and dropped at the end, and an app on it.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { applyMigrations, openDatabase } from '@mm/db';
import { buildApp, parseEnv } from '@mm/server';
import type { App } from '@mm/server';
import pg from 'pg';

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  url: string;
  /** A plain `pg` pool on the same database, for bulk loads and baselines. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `mm_bench_${label}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = await openDatabase({ databaseUrl: url, dataDir: '.bench-unused' });
  await applyMigrations(db.migrationAdapter);
  await db.close();
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      // BENCH_KEEP_DB=1 keeps the database for EXPLAIN (ANALYZE, BUFFERS) afterwards (bench/README.md).
      if (process.env.BENCH_KEEP_DB === '1') {
        console.log(`kept database ${name}`);
        return;
      }
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The whole server (REST, tRPC) on `url`, background passes off, listening on a free port. */
export async function startBenchApp(
  url: string,
  env: Record<string, string> = {},
): Promise<{ app: App; baseUrl: string }> {
  const app = await buildApp({
    env: parseEnv({ MM_SECRET_KEY: 'b'.repeat(64), LOG_LEVEL: 'silent', DATABASE_URL: url, ...env }),
    workers: false,
    logger: false,
  });
  await app.fastify.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.fastify.server.address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

export const envInt = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

/** Quantile of sorted-or-not samples (ms). */
export function quantile(samples: readonly number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export const fmt = (n: number) => n.toFixed(2);

export interface Load {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
  samples: number;
}

/**
 * Drives one HTTP request with autocannon and reports exact latencies (autocannon's histogram
 * keeps whole milliseconds; the `response` event gives each one as measured).
 */
export async function drive(opts: {
  url: string;
  method?: 'GET' | 'POST' | 'PATCH';
  body?: string;
  connections?: number;
  amount: number;
}): Promise<Load> {
  const { default: autocannon } = await import('autocannon');
  const samples: number[] = [];
  let errors = 0;
  let done: (r: { errors: number; timeouts: number; requests: { average: number } }) => void = () => undefined;
  let failed: (e: unknown) => void = () => undefined;
  const finished = new Promise<{ errors: number; timeouts: number; requests: { average: number } }>((res, rej) => {
    done = res;
    failed = rej;
  });
  const instance = autocannon(
    {
      url: opts.url,
      method: opts.method ?? 'GET',
      connections: opts.connections ?? 1,
      amount: opts.amount,
      ...(opts.body !== undefined && { body: opts.body, headers: { 'content-type': 'application/json' } }),
    },
    (err, r) => (err ? failed(err) : done(r)),
  );
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) samples.push(ms);
    else errors += 1;
  });
  const result = await finished;
  errors += result.errors + result.timeouts;
  return {
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    rps: result.requests.average,
    errors,
    samples: samples.length,
  };
}
