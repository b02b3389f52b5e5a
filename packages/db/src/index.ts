export { openDatabase, lockDataDir, DataDirLockedError } from './database.ts';
export type { Database, DatabaseKind, DatabaseOptions } from './database.ts';
export { createStore } from './store.ts';
export type { StoreLog, StoreOptions } from './store.ts';
export { DatabaseUnavailableError, translateDbError, unavailableReason } from './errors.ts';
export {
  applyMigrations,
  createMigration,
  diffDatabaseToSchema,
  migrationStatus,
  resetDatabase,
  MIGRATIONS_DIR,
} from './migrate/engine.ts';
export { AUDIT_CHANNEL } from './notifier.ts';
export type { ClosableNotifier, NotifierLog } from './notifier.ts';
