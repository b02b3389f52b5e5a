import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from './backoff.ts';

const opts = { baseMs: 1_000, capMs: 30_000 };

describe('backoff with full jitter', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffCeiling(n, opts))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    expect(backoffCeiling(10_000, opts)).toBe(30_000);
  });

  it('draws the delay uniformly between 0 and the ceiling', () => {
    expect(backoffDelay(3, opts, () => 0)).toBe(0);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(2_000);
    expect(backoffDelay(3, opts, () => 0.999999)).toBe(3_999);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(8, opts);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(30_000);
    }
  });

  it('treats attempt 0 or below as the first retry', () => {
    expect(backoffCeiling(0, opts)).toBe(1_000);
  });
});
