import type { RuntimeEndpointView } from '@mm/contracts';

type Status = RuntimeEndpointView['status'];

export interface HealthState {
  status: Status;
  /** Consecutive failed observations. */
  failureCount: number;
  /** Consecutive healthy observations. */
  successCount: number;
}

/**
 * The probe hysteresis of context C6 (docs/liveness.md "Probing"), one observation at a time: a
 * failure → `degraded` (an `unreachable` endpoint stays so), `failuresToUnreachable` in a row →
 * `unreachable`; `successesToActive` successes in a row → `active`, fewer keep the status.
 */
export function nextHealth(
  current: HealthState,
  healthy: boolean,
  rule: { failuresToUnreachable: number; successesToActive: number },
): HealthState {
  if (healthy) {
    const successCount = current.successCount + 1;
    return {
      status: successCount >= rule.successesToActive ? 'active' : current.status,
      failureCount: 0,
      successCount,
    };
  }
  const failureCount = current.failureCount + 1;
  const status =
    failureCount >= rule.failuresToUnreachable || current.status === 'unreachable' ? 'unreachable' : 'degraded';
  return { status, failureCount, successCount: 0 };
}
