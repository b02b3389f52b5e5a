export { openDatabase, lockDataDir, DataDirLockedError } from './database.ts';
export type { Database, DatabaseKind, DatabaseOptions } from './database.ts';
export { createStore } from './store.ts';
export {
  applyMigrations,
  createMigration,
  diffDatabaseToSchema,
  migrationStatus,
  resetDatabase,
  MIGRATIONS_DIR,
} from './migrate/engine.ts';
