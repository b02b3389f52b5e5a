import fs from 'node:fs';
import path from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { pgFactory, pgliteFactory } from './adapters.ts';
import type { PoolOptions } from './adapters.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { listenPglite, listenPostgres } from './notifier.ts';
import { PgliteThread } from './pglite-thread.ts';
import type { ClosableNotifier, NotifierLog } from './notifier.ts';

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
  /** Wakes change-feed readers when audit events commit (docs/liveness.md "The change feed"). */
  openNotifier(log?: NotifierLog): Promise<ClosableNotifier>;
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

const TAKEOVER_STALE_MS = 10_000;

/** Creates `file` holding our pid, only if it does not exist (O_EXCL): the atomic step. */
function createExclusive(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'wx', 0o600);
    fs.writeSync(fd, String(process.pid));
    fs.closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isFinite(pid) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Replaces a stale lock (its owner is dead) without a window in which two processes both see it
 * stale and both take it: the replacement happens only while holding a second exclusive file,
 * `pglite.lock.takeover`, and re-reads the lock under it (docs/faults.md). A takeover file left by a
 * process that died inside those few statements is itself stale after 10 s.
 */
function takeOverStale(lockPath: string, stalePid: number): boolean {
  const takeover = `${lockPath}.takeover`;
  if (!createExclusive(takeover)) {
    try {
      if (Date.now() - fs.statSync(takeover).mtimeMs > TAKEOVER_STALE_MS) fs.unlinkSync(takeover);
    } catch {
      // someone else removed it
    }
    return false;
  }
  try {
    if (readPid(lockPath) !== stalePid) return false; // replaced meanwhile: not ours to take
    fs.unlinkSync(lockPath);
    return createExclusive(lockPath);
  } finally {
    fs.unlinkSync(takeover);
  }
}

/**
 * Takes an exclusive lock on the data folder; returns its release. The lock is a file created with
 * O_EXCL holding our pid; a lock whose owner is dead is taken over atomically (see above). The
 * folder is owner-only (0700), the lock file 0600 (context C2).
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const lockPath = path.join(dir, 'pglite.lock');
  const held = path.resolve(lockPath);
  if (heldByThisProcess.has(held)) throw new DataDirLockedError(dir, process.pid);
  const deadline = Date.now() + 2_000;
  for (;;) {
    if (createExclusive(lockPath)) break;
    const pid = readPid(lockPath);
    if (pid !== null && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dir, pid);
    // Stale (dead owner, our own pid from an earlier life, or a half-written file).
    if (pid !== null && takeOverStale(lockPath, pid)) break;
    if (Date.now() > deadline) throw new Error(`Could not lock ${dir}: another process is taking it over`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  heldByThisProcess.add(held);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    heldByThisProcess.delete(held);
    try {
      if (readPid(lockPath) === process.pid) fs.unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
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

/**
 * The embedded database's files are created owner-only (context C2): its folder is 0700 and the
 * files it creates while opening get umask 077 (the server keeps that umask for its whole life;
 * see apps/server/src/main.ts).
 */
/**
 * PGlite unpacks its initial cluster with mode 0666 whatever the umask (files PostgreSQL creates
 * later honour it), so every open takes the group and other bits off what is there.
 */
function dropGroupAndOtherBits(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) dropGroupAndOtherBits(full);
    const { mode } = fs.lstatSync(full);
    if (!entry.isSymbolicLink() && mode & 0o077) fs.chmodSync(full, mode & 0o700);
  }
}

async function openOwnerOnly(dataDir: string): Promise<PgliteThread> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
  // The umask is the process's, so it covers the database thread's files too.
  const previous = process.umask(0o077);
  try {
    const thread = await PgliteThread.open(dataDir);
    dropGroupAndOtherBits(dataDir);
    return thread;
  } finally {
    process.umask(previous);
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
      openNotifier: (log) => listenPostgres(url, { ...(log && { log }) }),
      close: () => prisma.$disconnect(),
    };
  }
  const release = options.inMemory ? () => undefined : lockDataDir(options.dataDir);
  // The embedded database runs on its own thread, so a long statement never stalls this one
  // (docs/database.md "The embedded database runs off the event loop").
  let client: PgliteThread;
  try {
    client = options.inMemory
      ? await PgliteThread.open('memory://')
      : await openOwnerOnly(path.join(options.dataDir, 'pglite'));
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
    openNotifier: () => listenPglite((channel, cb) => client.listen(channel, cb)),
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      // An open PGlite (and its thread) keeps Node alive; the adapter does not close it.
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
