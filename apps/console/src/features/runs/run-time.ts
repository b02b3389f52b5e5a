import type { RunView } from '@mm/contracts';

/** How long a settled run took: from its start (creation) to its settle (last update). */
export function runDurationMs(run: Pick<RunView, 'status' | 'createdAt' | 'updatedAt'>): number | null {
  if (run.status === 'running' || run.status === 'queued') return null;
  const ms = Date.parse(run.updatedAt) - Date.parse(run.createdAt);
  return Number.isNaN(ms) ? null : Math.max(0, ms);
}

/** Whether a run started inside `since`..`until` (ISO, inclusive, either may be absent). */
export function withinRange(run: Pick<RunView, 'createdAt'>, bounds: { since?: string; until?: string }): boolean {
  const t = Date.parse(run.createdAt);
  if (bounds.since && t < Date.parse(bounds.since)) return false;
  if (bounds.until && t > Date.parse(bounds.until)) return false;
  return true;
}
