/**
 * A PostgreSQL database of its own, migrated from scratch, for tests whose background passes
 * (probes, sweeps) would otherwise act on rows of test files running in parallel on the shared one.
 */
import { randomBytes } from 'node:crypto';
import { applyMigrations, openDatabase } from '@mm/db';
import pg from 'pg';

export async function isolatedPostgres(sharedUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `mm_iso_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: sharedUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(sharedUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = await openDatabase({ databaseUrl: url, dataDir: '.data-test-unused' });
  await applyMigrations(db.migrationAdapter);
  await db.close();
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: sharedUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
