import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../lib/format.ts';
import { runDurationMs } from './run-time.ts';

describe('run time', () => {
  it('measures a settled run from start to settle, and a running one not at all', () => {
    const run = { createdAt: '2026-01-02T10:00:00.000Z', updatedAt: '2026-01-02T10:00:02.510Z' };
    expect(runDurationMs({ ...run, status: 'completed' })).toBe(2510);
    expect(runDurationMs({ ...run, status: 'failed' })).toBe(2510);
    expect(runDurationMs({ ...run, status: 'running' })).toBeNull();
    expect(formatDuration(2510)).toBe('2.51 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(3 * 3600_000 + 4 * 60_000)).toBe('3 h 04 min');
  });
});
