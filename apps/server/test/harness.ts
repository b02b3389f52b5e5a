import type { AddressInfo } from 'node:net';
import { createCaller } from '@mm/api';
import type { Clock, IdentityResolver, RuntimePort } from '@mm/core';
import { openDatabase } from '@mm/db';
import type { Database } from '@mm/db';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { App } from '../src/app.ts';
import { parseEnv } from '../src/env.ts';

export type DbKind = 'pglite' | 'postgresql';

export interface TestApp {
  kind: DbKind;
  app: App;
  /** tRPC through `createCaller`, as the API caller. */
  trpc: ReturnType<typeof createCaller>;
  /** In-process HTTP (Fastify inject). */
  inject: (opts: InjectOptions | string) => Promise<LightMyRequestResponse>;
  /** A base URL when `listen: true` was asked for. */
  baseUrl: string;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  listen?: boolean;
  /** The services' clock (tests that move time); the system clock when absent. */
  clock?: Clock;
  /** The identity resolver; the local registry when absent. */
  identityResolver?: IdentityResolver;
  /** Run the background passes (probes, sweeps); off by default, tests call the passes. */
  workers?: boolean;
  /** A runtime port in place of HTTP (unit-style fakes). */
  runtime?: RuntimePort;
  /** PostgreSQL: this database instead of the run's shared one (see support/pg.ts). */
  databaseUrl?: string;
  /** Collects every log line at level `trace` (the trust suites scan them for secrets). */
  logLines?: string[];
  /** PostgreSQL: the pool's size and timeouts (docs/faults.md); the defaults when absent. */
  pool?: { max?: number; connectTimeoutMs?: number; statementTimeoutMs?: number };
}

let seq = 0;
/** A unique suffix for test data (tests share a database and run in parallel). */
export function uniq(prefix = 't'): string {
  seq += 1;
  return `${prefix}${Date.now().toString(36)}${seq}${Math.random().toString(36).slice(2, 6)}`;
}

export async function startTestApp(kind: DbKind, opts: HarnessOptions = {}): Promise<TestApp> {
  const pgUrl = opts.databaseUrl ?? inject('pgUrl');
  let db: Database;
  if (kind === 'postgresql') {
    if (!pgUrl) throw new Error('PostgreSQL is not available');
    db = await openDatabase({
      databaseUrl: pgUrl,
      dataDir: '.data-test-unused',
      ...(opts.pool && { pool: opts.pool }),
    });
  } else {
    db = await openDatabase({ dataDir: '.data-test-unused', inMemory: true });
  }
  const env = parseEnv({
    MM_SECRET_KEY: '0'.repeat(63) + '1',
    LOG_LEVEL: opts.logLines ? 'trace' : 'silent',
    MM_RUNTIME_TIMEOUT_MS: '2000',
    ...opts.env,
  });
  const app = await buildApp({
    env,
    db,
    workers: opts.workers ?? false,
    logger: opts.logLines ? { write: (line: string) => void opts.logLines?.push(line) } : false,
    ...(opts.clock && { clock: opts.clock }),
    ...(opts.identityResolver && { identityResolver: opts.identityResolver }),
    ...(opts.runtime && { runtime: opts.runtime }),
  });
  let baseUrl = '';
  if (opts.listen) {
    await app.fastify.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.fastify.server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${addr.port}`;
  } else {
    await app.fastify.ready();
  }
  const origClose = app.close.bind(app);
  app.close = async () => {
    await origClose();
    await db.close();
  };
  return {
    kind,
    app,
    trpc: createCaller(app.trpcContext()),
    inject: (opts: InjectOptions | string) => app.fastify.inject(opts),
    baseUrl,
  };
}

/**
 * Runs `fn` once per database: the embedded PGlite and PostgreSQL. `get()` returns the started app
 * inside tests. The PostgreSQL run is skipped (loudly, in global setup) when no server answers.
 */
export function describeEachDb(name: string, fn: (get: () => TestApp) => void, opts: HarnessOptions = {}): void {
  for (const kind of ['pglite', 'postgresql'] as const) {
    const skip = kind === 'postgresql' && !inject('pgUrl');
    (skip ? describe.skip : describe)(`${name} [${kind}]`, () => {
      let current: TestApp | undefined;
      beforeAll(async () => {
        current = await startTestApp(kind, opts);
      });
      afterAll(async () => {
        await current?.app.close();
      });
      fn(() => {
        if (!current) throw new Error('test app not started');
        return current;
      });
    });
  }
}

/** JSON body of an inject response. */
export function json<T = Record<string, unknown>>(res: { body: string }): T {
  return JSON.parse(res.body) as T;
}
