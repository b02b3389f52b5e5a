import type { Services } from '@mm/core';
import type { Env } from './env.ts';
import { startPeriodic } from './periodic.ts';
import type { PeriodicLog, PeriodicWorker } from './periodic.ts';

/**
 * Background work of the process, each pass on the periodic helper: the lease sweeper turns
 * endpoints whose agent stopped heartbeating `unreachable`; the recovery pass settles executions
 * whose claim lapsed (a process that crashed or was killed). Returns a stop that waits for passes
 * in flight.
 */
export function startWorkers(opts: { services: Services; env: Env; log: PeriodicLog }): {
  workers: PeriodicWorker[];
  stop(): Promise<void>;
} {
  const { services, env, log } = opts;
  const workers = [
    startPeriodic({
      name: 'lease-sweep',
      periodMs: env.MM_LEASE_SWEEP_MS,
      pass: () => services.runtimeEndpoints.sweepLapsedLeases(),
      log,
    }),
    startPeriodic({
      name: 'execution-recovery',
      periodMs: env.MM_RECOVERY_INTERVAL_MS,
      pass: () => services.tasks.recoverInterrupted(),
      log,
    }),
  ];
  return {
    workers,
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}
