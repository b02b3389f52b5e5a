import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { pgFactory, pgliteFactory } from './adapters.ts';
import type { PoolOptions } from './adapters.ts';
import { PrismaClient } from './generated/prisma/client.ts';

export type DatabaseKind = 'pglite' | 'postgresql';

export interface DatabaseOptions {
  /** PostgreSQL connection string; when unset the embedded PGlite in `dataDir` is used. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded database (holds `pglite/` and a lock file). */
  dataDir: string;
  /** `memory` opens a throwaway in-memory PGlite (tests). */
  inMemory?: boolean;
  /** PostgreSQL pool settings. */
  pool?: PoolOptions;
}

export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /** Driver adapter factory for the migration engine, bound to the same database. */
  migrationAdapter: SqlMigrationAwareDriverAdapterFactory;
  /** Human-readable location, without credentials. */
  describe: string;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is in use by process ${pid}. Stop that process first ` +
        `(two processes on one PGlite folder corrupt it), or set MM_DATA_DIR to another folder.`,
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Folders this process holds. A lock file with our own pid is stale only when we do not hold it
 * (a restarted container often gets the same pid); one we hold means a second opener in this process.
 */
const heldByThisProcess = new Set<string>();

/** Takes an exclusive lock on the data folder; returns its release. Stale locks are replaced. */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, 'pglite.lock');
  const held = path.resolve(lockPath);
  if (heldByThisProcess.has(held)) throw new DataDirLockedError(dir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      heldByThisProcess.add(held);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldByThisProcess.delete(held);
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
      if (Number.isFinite(pid) && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dir, pid);
      fs.unlinkSync(lockPath);
    }
  }
  throw new Error(`Could not lock ${dir}`);
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return `${u.protocol}//${u.username ? `${u.username}${u.password ? ':***' : ''}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'postgresql://(unparseable url)';
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const url = options.databaseUrl;
    const factory = pgFactory(url, options.pool);
    const prisma = new PrismaClient({ adapter: factory });
    return {
      kind: 'postgresql',
      prisma,
      migrationAdapter: factory,
      describe: redactUrl(url),
      ping: () => ping(prisma),
      close: () => prisma.$disconnect(),
    };
  }
  const release = options.inMemory ? () => undefined : lockDataDir(options.dataDir);
  let client: PGlite;
  try {
    client = options.inMemory
      ? new PGlite({ dataDir: 'memory://' })
      : new PGlite({ dataDir: path.join(options.dataDir, 'pglite') });
    await client.waitReady;
  } catch (err) {
    release();
    throw err;
  }
  const factory = pgliteFactory(client);
  const prisma = new PrismaClient({ adapter: factory });
  let closed = false;
  return {
    kind: 'pglite',
    prisma,
    migrationAdapter: factory,
    describe: options.inMemory ? 'pglite (memory)' : `pglite ${path.resolve(options.dataDir)}`,
    ping: () => ping(prisma),
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      // An open PGlite keeps Node alive; the adapter does not close it.
      await client.close();
      release();
    },
  };
}

async function ping(prisma: PrismaClient): Promise<boolean> {
  try {
    await prisma.$queryRawUnsafe('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
