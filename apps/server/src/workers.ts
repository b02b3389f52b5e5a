import type { Services } from '@mm/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Env } from './env.ts';

/**
 * Background work of the process: the lease sweeper turns endpoints whose agent stopped
 * heartbeating `unreachable`. Returns a stop function that waits for the sweep in flight.
 */
export function startWorkers(opts: { services: Services; env: Env; log: FastifyBaseLogger }): () => Promise<void> {
  let inFlight: Promise<void> | null = null;
  const tick = () => {
    if (inFlight) return;
    inFlight = opts.services.runtimeEndpoints
      .sweepLapsedLeases()
      .then((n) => {
        if (n) opts.log.info({ endpoints: n }, 'lapsed runtime endpoint leases marked unreachable');
      })
      .catch((err: unknown) => opts.log.error({ err }, 'lease sweep failed'))
      .finally(() => {
        inFlight = null;
      });
  };
  const timer = setInterval(tick, opts.env.MM_LEASE_SWEEP_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}
