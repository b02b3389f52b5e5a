/**
 * `pnpm db:*`: the migration workflow without Prisma's native engine (see docs/database.md).
 *   migrate --name <name> [--create-only]   create a migration from schema.prisma (on an in-memory
 *                                           PGlite) and apply it to the configured database
 *   deploy                                  apply pending migrations
 *   status                                  show applied / pending migrations
 *   check                                   fail when schema.prisma has changes with no migration
 *   reset [--force]                         drop everything and re-apply all migrations (PostgreSQL:
 *                                           refused without --force)
 * The database is DATABASE_URL when set, else the embedded one in MM_DATA_DIR (default .data).
 */
import { parseArgs } from 'node:util';
import { openDatabase } from './database.ts';
import type { Database } from './database.ts';
import {
  applyMigrations,
  createMigration,
  migrationStatus,
  diffDatabaseToSchema,
  resetDatabase,
} from './migrate/engine.ts';

async function withDb<T>(fn: (db: Database) => Promise<T>, inMemory = false): Promise<T> {
  const db = await openDatabase({
    databaseUrl: inMemory ? undefined : process.env.DATABASE_URL || undefined,
    dataDir: process.env.MM_DATA_DIR || '.data',
    inMemory,
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, 'create-only': { type: 'boolean' }, force: { type: 'boolean' } },
  });
  const command = positionals[0];
  switch (command) {
    case 'migrate': {
      if (!values.name) {
        console.error('usage: pnpm db:migrate --name <migration_name> [--create-only]');
        return 2;
      }
      const name = values.name;
      // Created against a fresh in-memory PGlite that has the history applied (its shadow is PGlite too).
      const created = await withDb(async (db) => {
        await applyMigrations(db.migrationAdapter);
        return createMigration(db.migrationAdapter, name);
      }, true);
      console.log(
        created ? `Created prisma/migrations/${created.name}/migration.sql` : 'No schema changes: nothing created.',
      );
      if (values['create-only']) return 0;
      const applied = await withDb((db) => applyMigrations(db.migrationAdapter));
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database already up to date.');
      return 0;
    }
    case 'deploy': {
      const applied = await withDb(async (db) => {
        console.log(`Database: ${db.describe}`);
        return applyMigrations(db.migrationAdapter);
      });
      console.log(applied.length ? `Applied ${applied.length}: ${applied.join(', ')}` : 'No pending migrations.');
      return 0;
    }
    case 'status': {
      const status = await withDb(async (db) => {
        console.log(`Database: ${db.describe}`);
        return migrationStatus(db.migrationAdapter);
      });
      console.log(JSON.stringify(status, null, 2));
      return status.pending.length || status.failed.length || status.diagnostic ? 1 : 0;
    }
    case 'check': {
      const sql = await withDb(async (db) => {
        await applyMigrations(db.migrationAdapter);
        return diffDatabaseToSchema(db.migrationAdapter);
      }, true);
      if (sql === null) {
        console.log('schema.prisma matches the migration history.');
        return 0;
      }
      console.error('schema.prisma has changes with no migration. Run: pnpm db:migrate --name <name>\n');
      console.error(sql);
      return 1;
    }
    case 'reset': {
      // Dropping a server's database is not something to do by accident (docs/database.md).
      if (process.env.DATABASE_URL && !values.force) {
        console.error(
          'db:reset would DROP every table of the PostgreSQL database in DATABASE_URL.\n' +
            'Run `pnpm db:reset --force` if that is what you want.',
        );
        return 2;
      }
      await withDb(async (db) => {
        console.log(`Resetting ${db.describe}`);
        await resetDatabase(db.migrationAdapter);
        const applied = await applyMigrations(db.migrationAdapter);
        console.log(`Applied ${applied.length} migration(s).`);
      });
      return 0;
    }
    case undefined:
    default:
      console.error('usage: db.ts <migrate|deploy|status|check|reset>');
      return 2;
  }
}

// The WASM engine leaves an advisory-lock timer behind after server commands: exit explicitly.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
