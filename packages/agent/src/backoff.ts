/**
 * Exponential backoff with full jitter (the AWS Architecture Blog's "full jitter"): the n-th retry
 * waits a uniformly random time in [0, min(cap, base · 2^(n-1))]. Randomness spreads the agents of a
 * fleet apart after a server outage, so they do not all come back in the same second.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 30_000 };

/** The ceiling of the `attempt`-th retry (1-based). */
export function backoffCeiling(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const exp = Math.min(Math.max(attempt, 1) - 1, 30); // 2^30 already dwarfs any sane cap
  return Math.min(opts.capMs, opts.baseMs * 2 ** exp);
}

/** The delay before the `attempt`-th retry; `random` returns [0, 1) like Math.random. */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  return Math.floor(random() * backoffCeiling(attempt, opts));
}
