import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import type { PgliteThread } from './pglite-thread.ts';
import { preparedName } from './prepared.ts';

/**
 * Wraps a driver adapter so that `executeScript` and `dispose` behave: pglite-prisma-adapter 0.7.2
 * neither awaits scripts nor closes its database, and adapter-pg splits scripts on `;` (which
 * breaks dollar-quoted bodies). Both get one whole script as one simple query instead.
 */
function patchAdapter(
  adapter: SqlDriverAdapter,
  exec: (script: string) => Promise<unknown>,
  close?: () => Promise<void>,
): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === 'executeScript') {
        return async (script: string) => {
          await exec(script);
        };
      }
      if (prop === 'dispose' && close) {
        return async () => {
          await target.dispose();
          await close();
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A migration-aware factory over the embedded database on its own thread (pglite-thread.ts); its
 * shadow database (used only to create migrations) is an in-memory PGlite in this thread.
 */
export function pgliteFactory(thread: PgliteThread): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: 'pglite-prisma-adapter',
    connect() {
      return Promise.resolve(thread.adapter());
    },
    async connectToShadowDb() {
      const shadow = new PGlite({ dataDir: 'memory://' });
      const adapter = await new PrismaPGlite(shadow).connect();
      return patchAdapter(
        adapter,
        (s) => shadow.exec(s),
        () => shadow.close(),
      );
    },
  };
}

// Creating migrations happens on PGlite (see docs/database.md), so the PostgreSQL factory refuses
// to hand out a shadow database rather than silently connecting to the main one (adapter-pg
// 7.10.1's behaviour).
export interface PoolOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /** How long to wait for a new connection before failing (default 3 s). */
  connectTimeoutMs?: number;
  /** Server-side statement timeout, and a client-side read timeout 1 s past it (default 30 s). */
  statementTimeoutMs?: number;
}

/**
 * A migration-aware factory for a PostgreSQL server. Every connection has a connect timeout and a
 * statement timeout enforced on both sides, so a database that hangs turns into errors (503)
 * instead of requests that never end (docs/faults.md).
 */
export function pgFactory(connectionString: string, pool: PoolOptions = {}): SqlMigrationAwareDriverAdapterFactory {
  const statementTimeoutMs = pool.statementTimeoutMs ?? 30_000;
  const config: pg.PoolConfig = {
    connectionString,
    max: pool.max ?? 10,
    connectionTimeoutMillis: pool.connectTimeoutMs ?? 3_000,
    statement_timeout: statementTimeoutMs,
    // pg's client-side timeout: also covers a server that stopped answering altogether.
    query_timeout: statementTimeoutMs + 1_000,
    idle_in_transaction_session_timeout: 120_000,
    keepAlive: true,
  };
  // A terminated idle connection is dropped from the pool; the next query opens another.
  const handlers = { onPoolError: () => undefined, onConnectionError: () => undefined };
  const inner = new PrismaPg(config, handlers);
  /**
   * One pool per adapter, as adapter-pg makes, except that every client keeps an 'error' listener
   * for its whole life. adapter-pg listens only while a client is in a transaction and pg-pool only
   * while it is idle or in `pool.query`; a backend terminated while its client had none of those
   * (pg_terminate_backend under load: FATAL 57P01 via Client._handleErrorEvent) emitted 'error'
   * with no listener and crashed the process. The error still fails the client's queries, and the
   * pool drops the client on release.
   */
  const guardedAdapter = () => {
    const clients = new pg.Pool(config);
    clients.on('connect', (client) => client.on('error', () => undefined));
    return new PrismaPg(clients, {
      ...handlers,
      disposeExternalPool: true,
      // Registered hot statements keep their plan per connection (prepared.ts); others stay unnamed.
      statementNameGenerator: (query) => preparedName(query.sql) as string,
    }).connect();
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = await guardedAdapter();
      return patchAdapter(adapter, async (script) => {
        const client = new pg.Client({ connectionString });
        await client.connect();
        try {
          await client.query(script);
        } finally {
          await client.end();
        }
      });
    },
    connectToShadowDb() {
      return Promise.reject(
        new Error('Migrations are created on the embedded database (pnpm db:migrate without DATABASE_URL).'),
      );
    },
  };
}
