/**
 * Integration tests run on both databases: an in-memory PGlite per file, and one throwaway
 * PostgreSQL database per run on the server at TEST_DATABASE_URL (default
 * postgresql://postgres@127.0.0.1:5432/postgres). With CI=true PostgreSQL is mandatory; elsewhere a
 * missing server skips the PostgreSQL half with a loud notice.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { applyMigrations, openDatabase } from '@mm/db';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

const ADMIN_URL = process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (err) {
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL is required in CI but ${ADMIN_URL} does not answer: ${String(err)}`);
    }
    console.warn(
      `\n!!! PostgreSQL at ${ADMIN_URL} does not answer: the PostgreSQL half of the integration tests is SKIPPED.\n` +
        '!!! Start PostgreSQL or set TEST_DATABASE_URL to run it.\n',
    );
    project.provide('pgUrl', null);
    return;
  }
  const name = `mm_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(ADMIN_URL, name);
  const db = await openDatabase({ databaseUrl: url, dataDir: '.data-test-unused' });
  await applyMigrations(db.migrationAdapter);
  await db.close();
  project.provide('pgUrl', url);

  return async () => {
    const cleanup = new pg.Client({ connectionString: ADMIN_URL });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await cleanup.end();
  };
}
