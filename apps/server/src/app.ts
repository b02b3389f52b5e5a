import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { appRouter } from '@mm/api';
import type { Context } from '@mm/api';
import { API_CALLER, AppError, createSecretBox, createServices, systemClock, toAppError } from '@mm/core';
import type { Caller, Clock, IdentityResolver, RuntimePort, Services, Store } from '@mm/core';
import { applyMigrations, createStore, openDatabase } from '@mm/db';
import type { Database } from '@mm/db';
import { clientErrorHandler, RETRY_AFTER_SECONDS, restPlugin, routeTable, sendError } from '@mm/rest';
import { createHttpRuntime } from '@mm/runtime-http';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Env } from './env.ts';
import { createKeyring } from './api-keys.ts';
import { loggerOptions } from './logger.ts';
import { loadSecretKey } from './secret-key.ts';
import { VERSION } from './version.ts';
import { startWorkers } from './workers.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BODY_LIMIT = 1024 * 1024;

export interface App {
  fastify: FastifyInstance;
  services: Services;
  store: Store;
  db: Database;
  /** Builds a caller-scoped tRPC context (tests use it with `createCaller`). */
  trpcContext(headers?: Record<string, string | undefined>): Context;
  close(): Promise<void>;
}

export interface BuildOptions {
  env: Env;
  /** Use an already-open database (tests); otherwise one is opened from `env`. */
  db?: Database;
  clock?: Clock;
  /** Who controls a machine identity; the local registry when absent (tests inject failing ones). */
  identityResolver?: IdentityResolver;
  /** Start background workers (lease sweep, recovery, probes, retention). Default true. */
  workers?: boolean;
  /** The runtime port (tests pass a fake); HTTP by default. */
  runtime?: RuntimePort;
  /** `false` silences the log; a stream receives every line (the trust suites scan them for secrets). */
  logger?: boolean | { write(line: string): void };
}

/** Each API key is a principal; with auth off there is one, `local`, an administrator (context C3). */
function makeAuthenticate(env: Env) {
  const keyring = createKeyring(env.MM_API_KEYS, env.MM_ADMIN_KEY_OWNERS);
  return (headers: Record<string, string | string[] | undefined>): Caller => {
    if (!env.PEAQOS_REQUIRE_API_AUTH) return API_CALLER;
    const raw = headers['x-api-key'];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!key) throw new AppError('API_KEY_REQUIRED', 'send an API key in the x-api-key header');
    const principal = keyring.lookup(key);
    if (!principal) throw new AppError('API_KEY_INVALID', 'the API key is not valid');
    return { actor: 'api', ownerId: principal.owner, admin: principal.admin, kind: 'api' };
  };
}

export async function buildApp(opts: BuildOptions): Promise<App> {
  const { env } = opts;
  const db =
    opts.db ??
    (await openDatabase({
      databaseUrl: env.DATABASE_URL,
      dataDir: env.MM_DATA_DIR,
      pool: {
        max: env.MM_DB_POOL_MAX,
        connectTimeoutMs: env.MM_DB_CONNECT_TIMEOUT_MS,
        statementTimeoutMs: env.MM_DB_STATEMENT_TIMEOUT_MS,
      },
    }));
  try {
    await applyMigrations(db.migrationAdapter);
  } catch (err) {
    if (!opts.db) await db.close();
    throw err;
  }
  const authenticate = makeAuthenticate(env);
  const fastify = Fastify({
    logger:
      opts.logger === false
        ? false
        : typeof opts.logger === 'object'
          ? { ...loggerOptions(env.LOG_LEVEL), stream: opts.logger }
          : loggerOptions(env.LOG_LEVEL),
    bodyLimit: BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 512 },
    // Requests Node's HTTP parser refuses (header syntax, oversized headers) get the envelope too.
    clientErrorHandler,
    // Requests Fastify rejects before routing (undecodable URLs, bad content types) still get the envelope.
    frameworkErrors(error, _req, reply) {
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        void sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
        return;
      }
      const message = error.code === 'FST_ERR_BAD_URL' ? 'the URL is malformed' : error.message;
      void sendError(reply, 'VALIDATION_ERROR', message);
    },
  });

  // While closing, answers end their connection: a keep-alive client's connection that turns idle
  // after close() began would otherwise hold the close (and a graceful SIGTERM) open until the
  // client hangs up, because the server only closes connections that are idle when close starts.
  let closing = false;
  fastify.addHook('onSend', async (_req, reply, payload) => {
    if (closing) void reply.header('connection', 'close');
    return payload;
  });

  const { key } = loadSecretKey(env.MM_SECRET_KEY, env.MM_DATA_DIR);
  const store = createStore(db.prisma, {
    log: fastify.log,
    graphCacheBytes: Math.floor(env.MM_GRAPH_CACHE_MB * 1024 * 1024),
  });
  const clock = opts.clock ?? systemClock;
  // Wakes change-feed readers when audit events commit, in this and other processes.
  const notifier = await db.openNotifier(fastify.log);
  const shutdown = new AbortController();
  // Every open change-feed stream listens to it (and removes its listener when it ends), so more
  // than ten at once is normal, not a leak: no MaxListenersExceededWarning.
  setMaxListeners(0, shutdown.signal);
  // Writes that make an endpoint due for a probe kick the probe pass once they commit (C6).
  let kickProbe: () => void = () => undefined;
  // One network policy for endpoint writes (core) and every outbound call (runtime-http).
  const network = { allowedScopes: env.MM_ALLOWED_NETWORK_SCOPES, vpnCidrs: env.MM_VPN_CIDRS };
  const runtime =
    opts.runtime ?? createHttpRuntime({ policy: network, maxResponseBytes: env.MM_RUNTIME_MAX_RESPONSE_BYTES });
  const services = createServices({
    store,
    clock,
    secrets: createSecretBox(key),
    runtime,
    ...(opts.identityResolver && { identityResolver: opts.identityResolver }),
    notifier,
    onProbeDue: () => kickProbe(),
    config: {
      identityVerification: env.PEAQOS_MACHINE_IDENTITY_VERIFICATION,
      runtimeTimeoutMs: env.MM_RUNTIME_TIMEOUT_MS,
      graphMaxNodes: env.MM_GRAPH_MAX_NODES,
      network,
      // docs/liveness.md "Heartbeats in batches": the embedded database has one connection.
      heartbeatBatch: db.kind === 'pglite' ? { maxBatch: 32, maxInFlight: 1 } : { maxBatch: 200, maxInFlight: 4 },
      probe: {
        intervalMs: env.MM_PROBE_INTERVAL_MS,
        timeoutMs: env.MM_PROBE_TIMEOUT_MS,
        failuresToUnreachable: env.MM_PROBE_FAILURES_TO_UNREACHABLE,
        successesToActive: env.MM_PROBE_SUCCESSES_TO_ACTIVE,
      },
    },
  });
  await services.catalogue.loadDefaults();
  // Executions a crash or kill left `executing` are settled before this process serves. On the
  // embedded database this process is the only one (the data folder is locked), so every running
  // run is orphaned; on PostgreSQL only those whose claim lapsed (docs/concurrency.md).
  const recovered = await services.tasks.recoverInterrupted({ everyRunning: db.kind === 'pglite' });
  if (recovered) fastify.log.warn({ runs: recovered }, 'settled executions interrupted by an earlier stop');

  if (env.PEAQOS_REQUIRE_API_AUTH && createKeyring(env.MM_API_KEYS, '').size === 0) {
    fastify.log.warn('PEAQOS_REQUIRE_API_AUTH is on but MM_API_KEYS is empty: every API call will be refused');
  }

  fastify.get('/health', async (_req, reply) => {
    const ok = await store.ping();
    return reply
      .code(ok ? 200 : 503)
      .send({ status: ok ? 'ok' : 'degraded', version: VERSION, database: ok ? 'ok' : 'down' });
  });

  await fastify.register(
    restPlugin({
      services,
      routes: routeTable,
      authenticate,
      anonymousCaller: API_CALLER,
      version: VERSION,
      events: { heartbeatMs: env.MM_EVENTS_HEARTBEAT_MS, shutdown: shutdown.signal },
    }),
    { prefix: '/api/v1' },
  );

  const trpcContext = (headers: Record<string, string | string[] | undefined> = {}): Context => {
    let caller: Caller | undefined;
    return {
      services,
      shutdown: shutdown.signal,
      get caller() {
        caller ??= authenticate(headers);
        return caller;
      },
      authenticate() {
        caller = authenticate(headers);
      },
    };
  };
  await fastify.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }) => trpcContext(req.headers),
      onError({ error, path: procedure }) {
        if (error.code === 'INTERNAL_SERVER_ERROR' && !toAppError(error.cause)) {
          fastify.log.error({ err: error.cause ?? error, procedure }, 'tRPC procedure failed');
        }
      },
      // A database outage is temporary: tRPC answers carry Retry-After like REST ones.
      responseMeta({ errors }) {
        const unavailable = errors.some((e) => toAppError(e.cause)?.code === 'DATABASE_UNAVAILABLE');
        return unavailable ? { headers: { 'retry-after': RETRY_AFTER_SECONDS } } : {};
      },
    } satisfies FastifyTRPCPluginOptions<typeof appRouter>['trpcOptions'],
  });

  const consoleDir = env.MM_CONSOLE_DIR ?? path.resolve(HERE, '../../console/dist');
  const hasConsole = fs.existsSync(path.join(consoleDir, 'index.html'));
  if (hasConsole) {
    await fastify.register(fastifyStatic, { root: consoleDir, wildcard: false });
  }
  fastify.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.url.startsWith('/trpc')) {
      return sendError(reply, 'NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`);
    }
    if (req.method === 'GET' && hasConsole) return reply.sendFile('index.html');
    if (req.method === 'GET') {
      return reply
        .code(404)
        .type('text/plain')
        .send('The console is not built. Run `pnpm build` (pnpm start does it for you).');
    }
    return sendError(reply, 'NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`);
  });

  const workers = opts.workers === false ? null : startWorkers({ services, env, log: fastify.log });
  if (workers?.probe) {
    const probe = workers.probe;
    kickProbe = () => probe.kick();
  }
  let closed = false;
  return {
    fastify,
    services,
    store,
    db,
    trpcContext,
    async close() {
      if (closed) return;
      closed = true;
      closing = true;
      // End open change feeds (they never finish by themselves), stop taking work, let requests
      // (and the executions they carry) finish, then the passes.
      shutdown.abort();
      await fastify.close();
      await services.tasks.executions.drain();
      await workers?.stop();
      // Kept-alive runtime connections (docs/trust.md "Outbound calls"); a runtime passed in is the caller's.
      if (!opts.runtime) await runtime.close?.();
      await notifier.close();
      if (!opts.db) await db.close();
    },
  };
}
