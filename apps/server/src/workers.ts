import type { Services } from '@mm/core';
import type { Env } from './env.ts';
import { startPeriodic } from './periodic.ts';
import type { PeriodicLog, PeriodicWorker } from './periodic.ts';

/**
 * Background work of the process, each pass on the periodic helper: the lease sweeper turns
 * endpoints whose agent stopped heartbeating `unreachable`; the recovery pass settles executions
 * whose claim lapsed (a process that crashed or was killed); the probe pass checks endpoints
 * (docs/liveness.md "Probing"); the retention pass prunes old audit events. Returns a stop that
 * waits for passes in flight, and the probe worker (writes kick it).
 */
export function startWorkers(opts: { services: Services; env: Env; log: PeriodicLog }): {
  workers: PeriodicWorker[];
  probe: PeriodicWorker | null;
  stop(): Promise<void>;
} {
  const { services, env, log } = opts;
  const probe =
    env.MM_PROBE_INTERVAL_MS > 0
      ? startPeriodic({
          name: 'probe',
          periodMs: env.MM_PROBE_INTERVAL_MS,
          pass: () => services.probes.probeDue(),
          log,
        })
      : null;
  const retention =
    env.MM_AUDIT_RETENTION_DAYS > 0
      ? startPeriodic({
          name: 'audit-retention',
          periodMs: env.MM_AUDIT_RETENTION_INTERVAL_MS,
          pass: () => services.audit.prune(env.MM_AUDIT_RETENTION_DAYS),
          log,
        })
      : null;
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
    ...(probe ? [probe] : []),
    ...(retention ? [retention] : []),
  ];
  // A process that starts probes at once rather than a period later.
  probe?.kick();
  return {
    workers,
    probe,
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}
