import { CURSOR_MESSAGE, encodeKeyCursor, parseCursor } from '@mm/contracts';
import { AppError } from './errors.ts';
import type { NetworkPolicy } from './lib/address-scope.ts';
import type { SecretBox } from './lib/secrets.ts';
import type { ChangeNotifier, Clock, IdentityResolver, RuntimePort, Store } from './ports.ts';

export interface CoreConfig {
  /** `off` (quick start) or `required` (hosted): context A1/B2. */
  identityVerification: 'off' | 'required';
  /** Per-attempt timeout of a runtime call (context B9, `MM_RUNTIME_TIMEOUT_MS`). */
  runtimeTimeoutMs: number;
  /** Most nodes one machine's graph may hold; twice as many edges (context C5). Default 10,000. */
  graphMaxNodes?: number;
  /**
   * Scopes endpoints may declare and extra VPN ranges (`MM_ALLOWED_NETWORK_SCOPES`, `MM_VPN_CIDRS`),
   * checked at endpoint writes; every scope and no extra range when absent.
   */
  network?: NetworkPolicy;
  /** Probing and its hysteresis (context C6, docs/liveness.md "Probing"); defaults when absent. */
  probe?: Partial<ProbeConfig>;
  /**
   * The heartbeat group commit (docs/liveness.md "Heartbeats in batches"): heartbeats per statement
   * and statements in flight at most. The embedded database runs a statement on the event loop, so
   * it gets small batches, one at a time; default 200 × 4 (PostgreSQL).
   */
  heartbeatBatch?: { maxBatch: number; maxInFlight: number };
}

export interface ProbeConfig {
  /** `MM_PROBE_INTERVAL_MS`; 0 = probing off. */
  intervalMs: number;
  timeoutMs: number;
  failuresToUnreachable: number;
  successesToActive: number;
}

export const DEFAULT_PROBE_CONFIG: ProbeConfig = {
  intervalMs: 10_000,
  timeoutMs: 2_000,
  failuresToUnreachable: 3,
  successesToActive: 1,
};

export function probeConfigOf(config: CoreConfig): ProbeConfig {
  return { ...DEFAULT_PROBE_CONFIG, ...config.probe };
}

export interface CoreDeps {
  store: Store;
  clock: Clock;
  secrets: SecretBox;
  config: CoreConfig;
  /** Machine-side runtimes (context B5); the server injects `@mm/runtime-http`. */
  runtime: RuntimePort;
  /** Who controls a machine identity; the local registry in `store` when absent. */
  identityResolver?: IdentityResolver;
  /** Wakes change-feed readers; without one they poll (docs/liveness.md "The change feed"). */
  notifier?: ChangeNotifier;
  /**
   * Called after a write that made an endpoint due for a probe has committed, so the server can run
   * the probe pass at once (context C6: "a new or changed endpoint is probed at once").
   */
  onProbeDue?: () => void;
}

/**
 * Who is calling (docs/trust.md): `actor` goes into audit `actor`; `ownerId` is the principal (the
 * API-key owner, `local` with auth off, the agent id for agents): machine and policy `ownerId`,
 * audit `principal`. Administrators see and change everything.
 */
export interface Caller {
  actor: string;
  ownerId: string;
  admin?: boolean;
  kind?: 'api' | 'agent';
}

/** With API auth off there is one principal, `local`, and it is an administrator (context C3). */
export const API_CALLER: Caller = { actor: 'api', ownerId: 'local', admin: true, kind: 'api' };
export const SYSTEM_ACTOR = 'system:machine-markets';

export function toPage(query: { limit?: number | undefined; cursor?: string | undefined }) {
  return { limit: query.limit ?? 100, cursor: query.cursor };
}

/**
 * Pages an in-memory list already in its natural order (the catalogue: by key). The cursor is the
 * key of the last item returned, opaque to clients.
 */
export function pageArray<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  query: { limit?: number | undefined; cursor?: string | undefined },
): { items: T[]; nextCursor?: string } {
  const limit = query.limit ?? 100;
  let start = 0;
  if (query.cursor) {
    const parsed = parseCursor(query.cursor);
    if (parsed?.kind !== 'key') {
      throw new AppError('VALIDATION_ERROR', `cursor ${CURSOR_MESSAGE}`, { fields: { cursor: CURSOR_MESSAGE } });
    }
    const after = parsed.key;
    start = items.findIndex((i) => keyOf(i) > after);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + limit);
  const last = page.at(-1);
  return start + limit < items.length && last
    ? { items: page, nextCursor: encodeKeyCursor(keyOf(last)) }
    : { items: page };
}
