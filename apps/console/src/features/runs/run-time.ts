import type { RunView } from '@mm/contracts';

/** How long a settled run took: from its start (creation) to its settle (last update). */
export function runDurationMs(run: Pick<RunView, 'status' | 'createdAt' | 'updatedAt'>): number | null {
  if (run.status === 'running' || run.status === 'queued') return null;
  const ms = Date.parse(run.updatedAt) - Date.parse(run.createdAt);
  return Number.isNaN(ms) ? null : Math.max(0, ms);
}
