import { describe, expect, it } from 'vitest';
import { nextHealth } from './hysteresis.ts';
import type { HealthState } from './hysteresis.ts';

const run = (
  start: HealthState,
  observations: boolean[],
  rule = { failuresToUnreachable: 3, successesToActive: 1 },
) => {
  const out: string[] = [];
  let state = start;
  for (const healthy of observations) {
    state = nextHealth(state, healthy, rule);
    out.push(state.status);
  }
  return out;
};
const active: HealthState = { status: 'active', failureCount: 0, successCount: 0 };

describe('probe hysteresis (context C6)', () => {
  it('one failure → degraded, three in a row → unreachable, one success → active (defaults)', () => {
    expect(run(active, [false, false, false, true])).toEqual(['degraded', 'degraded', 'unreachable', 'active']);
  });

  it('a success between failures starts the count over', () => {
    expect(run(active, [false, false, true, false, false, false])).toEqual([
      'degraded',
      'degraded',
      'active',
      'degraded',
      'degraded',
      'unreachable',
    ]);
  });

  it('needs successesToActive successes in a row to come back, whatever it was', () => {
    const rule = { failuresToUnreachable: 2, successesToActive: 3 };
    expect(run(active, [false, false, true, true, false, true, true, true], rule)).toEqual([
      'degraded',
      'unreachable',
      'unreachable',
      'unreachable',
      'unreachable',
      'unreachable',
      'unreachable',
      'active',
    ]);
  });

  it('a failure never improves an unreachable endpoint (an operator set it by hand)', () => {
    expect(run({ status: 'unreachable', failureCount: 0, successCount: 0 }, [false])).toEqual(['unreachable']);
  });

  it('keeps a hand-set degraded status until enough successes say otherwise', () => {
    const rule = { failuresToUnreachable: 3, successesToActive: 2 };
    expect(run({ status: 'degraded', failureCount: 0, successCount: 0 }, [true, true], rule)).toEqual([
      'degraded',
      'active',
    ]);
  });

  it('with failuresToUnreachable = 1 the first failure is unreachable', () => {
    expect(run(active, [false], { failuresToUnreachable: 1, successesToActive: 1 })).toEqual(['unreachable']);
  });
});
