import { Worker } from 'node:worker_threads';
import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlQuery,
  SqlResultSet,
  Transaction,
  TransactionOptions,
} from '@prisma/driver-adapter-utils';

/**
 * The embedded database on its own thread (docs/database.md "The embedded database runs off the
 * event loop"): PGlite executes synchronously on the thread that calls it, so it lives in a worker
 * (pglite-worker.mjs) and this side forwards the driver adapter's calls to it as messages. Every
 * statement still runs one at a time on the one embedded connection, in the order it is sent, so
 * the semantics are those of the in-process adapter; only the server's event loop is free while
 * a statement runs.
 */
interface PlainError {
  name: string;
  message: string;
  cause?: unknown;
  code?: string;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: PlainError };
type FromWorker = Reply | { notify: string; payload: string } | { ready: true } | { failed: PlainError };

function revive(error: PlainError): Error {
  if (error.name === 'DriverAdapterError' && error.cause) {
    return new DriverAdapterError(error.cause as ConstructorParameters<typeof DriverAdapterError>[0]);
  }
  return Object.assign(new Error(error.message), { name: error.name, ...(error.code && { code: error.code }) });
}

export class PgliteThread {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, (payload: string) => void>();
  private dead: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: FromWorker) => {
      if ('notify' in msg) {
        this.listeners.get(msg.notify)?.(msg.payload);
      } else if ('id' in msg) {
        const waiter = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.ok) waiter?.resolve(msg.value);
        else waiter?.reject(revive(msg.error));
      }
    });
    // A dead thread is a closed connection: Prisma and the error table (errors.ts) then answer
    // 503 DATABASE_UNAVAILABLE, as for a lost PostgreSQL.
    const fail = (_err: unknown) => {
      this.dead ??= new DriverAdapterError({ kind: 'ConnectionClosed' });
      for (const waiter of this.pending.values()) waiter.reject(this.dead);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
  }

  /** Starts the thread and opens the database in `dataDir` (`memory://` for a throwaway one). */
  static async open(dataDir: string): Promise<PgliteThread> {
    const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dataDir } });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (msg: FromWorker) => {
        if ('ready' in msg) {
          worker.off('message', onMessage);
          resolve();
        } else if ('failed' in msg) {
          worker.off('message', onMessage);
          void worker.terminate();
          reject(revive(msg.failed));
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the embedded database thread exited (code ${code})`)));
    });
    return new PgliteThread(worker);
  }

  private call<T>(msg: Record<string, unknown>): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }

  /** Runs a whole script as one simple query. */
  exec(script: string): Promise<void> {
    return this.call({ op: 'script', script });
  }

  /** In-process notifications of the embedded connection, delivered after commit. */
  async listen(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>> {
    this.listeners.set(channel, cb);
    await this.call({ op: 'listen', channel });
    return async () => {
      this.listeners.delete(channel);
      if (!this.dead) await this.call({ op: 'unlisten', channel });
    };
  }

  /** A driver adapter whose every call runs on the database thread. */
  adapter(): SqlDriverAdapter {
    const base = {
      provider: 'postgres' as const,
      adapterName: 'pglite-prisma-adapter',
    };
    const queryable = (txId?: number) => ({
      ...base,
      queryRaw: (query: SqlQuery) => this.call<SqlResultSet>({ op: 'query', query, txId }),
      executeRaw: (query: SqlQuery) => this.call<number>({ op: 'execute', query, txId }),
    });
    return {
      ...queryable(),
      executeScript: (script: string) => this.exec(script),
      getConnectionInfo: () => ({ supportsRelationJoins: true }),
      startTransaction: async (isolationLevel?: IsolationLevel): Promise<Transaction> => {
        const { txId, options } = await this.call<{ txId: number; options: TransactionOptions }>({
          op: 'begin',
          isolationLevel,
        });
        return {
          ...queryable(txId),
          options,
          commit: () => this.call({ op: 'commit', txId }),
          rollback: () => this.call({ op: 'rollback', txId }),
        };
      },
      dispose: () => Promise.resolve(),
    };
  }

  /** Closes the database, then stops the thread. */
  async close(): Promise<void> {
    if (!this.dead) await this.call({ op: 'close' });
    await this.worker.terminate();
  }
}
