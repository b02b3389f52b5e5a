import { AUDIT_EVENT_TYPES } from '@mm/contracts';
import { boundsOf, timeRangeOf, writeTimeRange } from '../../lib/time-range.ts';
import type { TimeRange } from '../../lib/time-range.ts';

/** What `audit.list` filters by (contracts `zAuditListQuery`), as the page sends it. */
export interface AuditFilters {
  type?: string;
  resourceType?: string;
  resourceId?: string;
  machineId?: string;
  principal?: string;
  since?: string;
  until?: string;
}

/** Everything the page keeps in its query string; text as typed, times as ISO 8601. */
export interface AuditView extends TimeRange {
  type: string;
  resourceType: string;
  resourceId: string;
  machineId: string;
  principal: string;
}

const TEXT_KEYS = ['type', 'resourceType', 'resourceId', 'machineId', 'principal'] as const;

/** The view a query string names; unknown ranges and unreadable times are dropped. */
export function viewOf(params: URLSearchParams): AuditView {
  const text = Object.fromEntries(TEXT_KEYS.map((k) => [k, params.get(k)?.trim() ?? ''])) as Record<
    (typeof TEXT_KEYS)[number],
    string
  >;
  return { ...text, ...timeRangeOf(params) };
}

/** The query string of a view: only what is set, so a plain `/audit` stays plain. */
export function paramsOf(view: AuditView): URLSearchParams {
  const next = new URLSearchParams();
  for (const k of TEXT_KEYS) if (view[k].trim()) next.set(k, view[k].trim());
  writeTimeRange(next, view);
  return next;
}

/** The API filters of a view; a preset counts back from `now` (when the view was opened). */
export function filtersOf(view: AuditView, now: number): AuditFilters {
  const f: AuditFilters = {};
  for (const k of TEXT_KEYS) if (view[k]) f[k] = view[k];
  return { ...f, ...boundsOf(view, now) };
}

export interface TypeOption {
  value: string;
  label: string;
}

/**
 * What the type picker offers: every group prefix that covers more than one known type
 * (`graph.*`, `graph.node.*`, `task.*`, …), then every known type. The API reads a value ending in
 * `*` as a prefix.
 */
export function typeOptions(types: readonly string[] = AUDIT_EVENT_TYPES): TypeOption[] {
  const counts = new Map<string, number>();
  for (const t of types) {
    const parts = t.split('.');
    for (let i = 1; i < parts.length; i++) {
      const prefix = `${parts.slice(0, i).join('.')}.`;
      counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
    }
  }
  const groups = [...counts]
    .filter(([, n]) => n > 1)
    .map(([prefix, n]) => ({ value: `${prefix}*`, label: `every ${prefix}… event (${n} types)` }))
    .sort((a, b) => a.value.localeCompare(b.value));
  return [...groups, ...types.map((t) => ({ value: t, label: t }))];
}
