import type { HeartbeatRepo, Repos, Store } from '@mm/core';
import { DatabaseUnavailableError, translateDbError } from './errors.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { agentRepo } from './repos/agents.ts';
import { auditRepo } from './repos/audit.ts';
import { catalogueRepo, createCatalogueCache } from './repos/catalogue.ts';
import type { CatalogueCache } from './repos/catalogue.ts';
import { discoveryRepo } from './repos/discovery.ts';
import { endpointRepo } from './repos/endpoints.ts';
import { heartbeatRepo } from './repos/heartbeats.ts';
import { createGraphCache, DEFAULT_GRAPH_CACHE_BYTES, graphRepo } from './repos/graph.ts';
import type { GraphCache } from './repos/graph.ts';
import { identityRepo } from './repos/identity.ts';
import { lifecycleRepo } from './repos/lifecycle.ts';
import { machineRepo } from './repos/machines.ts';
import { policyRepo } from './repos/policies.ts';
import { outcomeRepo, routeRepo, runRepo, taskRepo } from './repos/tasks.ts';
import type { Tx } from './repos/tx.ts';

/**
 * State a store keeps across its transactions: the catalogue's copy (docs/api.md) and the cache of
 * GET graph answers (docs/database.md "The graph answer cache").
 */
interface Shared {
  catalogue: CatalogueCache;
  graph: GraphCache;
}

function reposOf(db: Tx, shared: Shared): Repos {
  return {
    audit: auditRepo(db),
    machines: machineRepo(db),
    identity: identityRepo(db),
    catalogue: catalogueRepo(db, shared.catalogue),
    endpoints: endpointRepo(db),
    agents: agentRepo(db),
    graph: graphRepo(db, shared.graph),
    tasks: taskRepo(db),
    routes: routeRepo(db),
    outcomes: outcomeRepo(db),
    runs: runRepo(db),
    policies: policyRepo(db),
    lifecycle: lifecycleRepo(db),
    discovery: discoveryRepo(db, shared.catalogue),
  };
}

function guardHeartbeats(repo: HeartbeatRepo, tracker: Tracker): HeartbeatRepo {
  return { renewMany: (items) => guarded(tracker, () => repo.renewMany(items)) };
}

export interface StoreLog {
  warn(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Tracks outage episodes so the log gets one line when the database goes away and one when it
 * is back, not a stack per request (docs/faults.md). An episode ends only once the database has
 * answered with no failure for `quietMs`: connections dropped again and again (a flapping network,
 * a failover, backends terminated) between successes are one episode, not one line per drop.
 */
function outageTracker(log: StoreLog | undefined, quietMs: number) {
  let downSince: number | null = null;
  let lastFailure = 0;
  return {
    failed(reason: string) {
      lastFailure = Date.now();
      if (downSince !== null) return;
      downSince = lastFailure;
      log?.warn({ reason }, 'database unavailable: answering 503 DATABASE_UNAVAILABLE until it returns');
    },
    ok() {
      if (downSince === null || Date.now() - lastFailure < quietMs) return;
      const downMs = lastFailure - downSince;
      downSince = null;
      log?.info({ downMs }, 'database available again');
    },
  };
}

type Tracker = ReturnType<typeof outageTracker>;

async function guarded<T>(tracker: Tracker, fn: () => Promise<T>): Promise<T> {
  try {
    const result = await fn();
    tracker.ok();
    return result;
  } catch (err) {
    const translated = translateDbError(err);
    if (translated instanceof DatabaseUnavailableError) tracker.failed(translated.reason);
    throw translated;
  }
}

/** Every repository method goes through `guarded`: errors leave the store as `AppError`s. */
function guardRepos(repos: Repos, tracker: Tracker): Repos {
  const out: Record<string, unknown> = {};
  for (const [name, repo] of Object.entries(repos) as [string, Record<string, unknown>][]) {
    const wrapped: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(repo)) {
      wrapped[method] =
        typeof fn === 'function'
          ? (...args: unknown[]) => guarded(tracker, () => (fn as (...a: unknown[]) => Promise<unknown>)(...args))
          : fn;
    }
    out[name] = wrapped;
  }
  return out as unknown as Repos;
}

export interface StoreOptions {
  log?: StoreLog;
  /** How long `ping` waits before calling the database down (`/health` answers within 2 s). */
  pingTimeoutMs?: number;
  /** How long the database must answer without a failure before an outage episode ends (ms). */
  episodeQuietMs?: number;
  /** Bytes of GET graph answers the process keeps (`MM_GRAPH_CACHE_MB`); 0 keeps none. */
  graphCacheBytes?: number;
}

/** The Prisma implementation of the domain's `Store`. */
export function createStore(prisma: PrismaClient, opts: StoreOptions = {}): Store {
  const tracker = outageTracker(opts.log, opts.episodeQuietMs ?? 2_000);
  const pingTimeoutMs = opts.pingTimeoutMs ?? 1500;
  const shared: Shared = {
    catalogue: createCatalogueCache(),
    graph: createGraphCache(opts.graphCacheBytes ?? DEFAULT_GRAPH_CACHE_BYTES),
  };
  return {
    ...guardRepos(reposOf(prisma, shared), tracker),
    heartbeats: guardHeartbeats(heartbeatRepo(prisma), tracker),
    transaction: (fn) =>
      guarded(tracker, () =>
        prisma.$transaction((tx) => fn(guardRepos(reposOf(tx, shared), tracker)), { maxWait: 15_000, timeout: 60_000 }),
      ),
    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), pingTimeoutMs);
      });
      try {
        return await Promise.race([
          guarded(tracker, () => prisma.$queryRawUnsafe('SELECT 1')).then(
            () => true,
            () => false,
          ),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
