import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';

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

/** A migration-aware factory over one open PGlite; its shadow database is an in-memory PGlite. */
export function pgliteFactory(client: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPGlite(client);
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      return patchAdapter(await inner.connect(), (s) => client.exec(s));
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

/**
 * A migration-aware factory for a PostgreSQL server. Creating migrations happens on PGlite (see
 * docs/database.md), so this factory refuses to hand out a shadow database rather than silently
 * connecting to the main one (adapter-pg 7.10.1's behaviour).
 */
export function pgFactory(connectionString: string): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPg({ connectionString });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = await inner.connect();
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
