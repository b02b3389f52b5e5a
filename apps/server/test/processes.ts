/**
 * Real server processes for the crash and outage suites: `apps/server/src/main.ts` as a child
 * (through the agent package's child helpers), its pino JSON lines, REST calls against it, and
 * throwaway PostgreSQL databases created and dropped by an admin client.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { freePort, SCRIPTS, startChild, waitForHealth } from '../../../packages/agent/src/children.ts';
import type { Child } from '../../../packages/agent/src/children.ts';

export { freePort };
export type { Child };

/** The server global-setup.ts uses; throwaway databases are created next to its own. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminClient(database?: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: database ? withDatabase(ADMIN_URL, database) : ADMIN_URL,
    connectionTimeoutMillis: 3_000,
  });
  await client.connect();
  return client;
}

export interface ThrowawayDb {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** An empty database with a unique name; the server's start applies the migrations. */
export async function createDatabase(prefix: string): Promise<ThrowawayDb> {
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = await adminClient();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(ADMIN_URL, name),
    async drop() {
      const c = await adminClient();
      try {
        await c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true CONNECTION LIMIT -1`).catch(() => undefined);
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** One pino line of the server. */
export type PinoLine = Record<string, unknown> & { level: number; time: number; msg: string };

export type ServerDb = { kind: 'pglite'; dataDir: string } | { kind: 'postgresql'; url: string };

export interface ServerProcess {
  child: Child;
  base: string;
  /** The JSON log lines written so far. */
  logs(): PinoLine[];
  /** Exit code once it exited. */
  exited: Promise<number>;
}

export const SECRET_KEY = '0'.repeat(63) + '7';

export async function startServer(opts: {
  name: string;
  port: number;
  db: ServerDb;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}): Promise<ServerProcess> {
  const child = startChild({
    name: opts.name,
    script: SCRIPTS.server,
    env: {
      PORT: String(opts.port),
      HOST: '127.0.0.1',
      MM_SECRET_KEY: SECRET_KEY,
      LOG_LEVEL: 'info',
      ...(opts.db.kind === 'postgresql'
        ? { DATABASE_URL: opts.db.url }
        : { MM_DATA_DIR: opts.db.dataDir, DATABASE_URL: '' }),
      ...opts.env,
    },
  });
  const base = `http://127.0.0.1:${opts.port}`;
  try {
    await waitForHealth(`${base}/health`, opts.startTimeoutMs ?? 60_000, child);
  } catch (err) {
    await child.stop('SIGKILL', 1_000);
    throw err;
  }
  return {
    child,
    base,
    exited: child.exited,
    logs: () =>
      child.lines.flatMap((l): PinoLine[] => {
        try {
          const v = JSON.parse(l) as PinoLine | null;
          return v && typeof v === 'object' && typeof v.msg === 'string' ? [v] : [];
        } catch {
          return [];
        }
      }),
  };
}

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** A REST call under /api/v1 (or any path starting with `/` when `raw`). */
export async function call<T = unknown>(
  base: string,
  method: string,
  url: string,
  body?: unknown,
  opts: { timeoutMs?: number; raw?: boolean } = {},
): Promise<Answer<T>> {
  const res = await fetch(`${base}${opts.raw ? '' : '/api/v1'}${url}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/**
 * A TCP proxy in front of PostgreSQL that can make the database hang: `hang()` stops forwarding
 * in both directions (connections stay open, new ones are accepted and never answered), the way a
 * partitioned network or a stuck server looks to the pool; `resume()` resets the hung connections
 * (as a healed partition does) and forwards new ones again.
 */
export interface PgProxy {
  url(database: string): string;
  hang(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startPgProxy(): Promise<PgProxy> {
  const target = new URL(ADMIN_URL);
  const targetPort = Number(target.port || 5432);
  let hanging = false;
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  const server = net.createServer((client) => {
    const pair: { client: net.Socket; upstream: net.Socket | null } = { client, upstream: null };
    pairs.add(pair);
    const drop = () => {
      client.destroy();
      pair.upstream?.destroy();
      pairs.delete(pair);
    };
    client.on('error', drop);
    client.on('close', drop);
    if (hanging) return; // accepted, never answered
    const upstream = net.connect(targetPort, target.hostname);
    pair.upstream = upstream;
    upstream.on('error', drop);
    upstream.on('close', drop);
    client.on('data', (chunk) => {
      if (!hanging) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!hanging) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url(database) {
      const u = new URL(withDatabase(ADMIN_URL, database));
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    hang() {
      hanging = true;
    },
    resume() {
      hanging = false;
      for (const p of [...pairs]) {
        p.client.destroy();
        p.upstream?.destroy();
      }
      pairs.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const p of pairs) {
          p.client.destroy();
          p.upstream?.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
