/**
 * Wakes change-feed readers (docs/liveness.md "The change feed"). The AuditEvent insert trigger
 * NOTIFYs `mm_audit` with the machine id at most; PostgreSQL delivers at commit to every LISTENing
 * session, PGlite to the listeners of this process. A notification only wakes: readers read the
 * table, so a lost one costs latency (they also poll), never an event.
 */
import type { ChangeNotifier } from '@mm/core';
import pg from 'pg';

export const AUDIT_CHANNEL = 'mm_audit';

export interface NotifierLog {
  warn(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
}

export interface ClosableNotifier extends ChangeNotifier {
  close(): Promise<void>;
}

/** A fan-out of machine ids to listeners; `''` wakes everyone. */
function fanOut() {
  const listeners = new Set<(machineId: string) => void>();
  return {
    emit(machineId: string) {
      for (const l of listeners) l(machineId);
    },
    subscribe(listener: (machineId: string) => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/**
 * One dedicated `pg` client per process LISTENs; it reconnects with backoff and, once back, wakes
 * every reader (notifications sent while it was away are lost; the table still has the events).
 * Resolves once the first LISTEN is in place, or after `readyTimeoutMs` (it keeps trying).
 */
export async function listenPostgres(
  url: string,
  opts: { log?: NotifierLog; readyTimeoutMs?: number } = {},
): Promise<ClosableNotifier> {
  const hub = fanOut();
  let client: pg.Client | null = null;
  let closed = false;
  let delay = 250;
  let down = false;
  let timer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, 10_000);
  };

  async function connect() {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000, keepAlive: true });
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (client === c) client = null;
      if (!down && !closed)
        opts.log?.warn(
          { err: err instanceof Error ? err.message : undefined },
          'change feed: LISTEN connection lost; reconnecting',
        );
      down = true;
      c.removeAllListeners('notification');
      void c.end().catch(() => undefined);
      schedule();
    };
    c.on('notification', (n) => {
      if (n.channel === AUDIT_CHANNEL) hub.emit(n.payload ?? '');
    });
    c.on('error', onLost);
    c.on('end', () => onLost());
    try {
      await c.connect();
      await c.query(`LISTEN ${AUDIT_CHANNEL}`);
    } catch (err) {
      onLost(err);
      return;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    delay = 250;
    if (down) opts.log?.info({}, 'change feed: LISTEN connection back');
    down = false;
    hub.emit('');
    markReady();
  }

  void connect();
  let readyTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    ready,
    new Promise<void>((resolve) => {
      readyTimer = setTimeout(resolve, opts.readyTimeoutMs ?? 3_000);
    }),
  ]);
  clearTimeout(readyTimer);
  return {
    subscribe: (listener) => hub.subscribe(listener),
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}

/** PGlite: notifications of this process's single connection, delivered after commit. */
export async function listenPglite(
  listen: (channel: string, cb: (payload: string) => void) => Promise<() => Promise<void>>,
): Promise<ClosableNotifier> {
  const hub = fanOut();
  const unlisten = await listen(AUDIT_CHANNEL, (payload) => hub.emit(payload));
  return {
    subscribe: (listener) => hub.subscribe(listener),
    close: () => unlisten(),
  };
}
