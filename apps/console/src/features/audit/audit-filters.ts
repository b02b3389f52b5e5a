import { AUDIT_EVENT_TYPES } from '@mm/contracts';

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

/** Relative ranges: kept in the URL as `range=24h`, so a shared link means "the last 24 h" when opened. */
export const TIME_PRESETS = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;
export type TimePresetId = (typeof TIME_PRESETS)[number]['id'];
/** The time select: any time, a preset, or a custom since/until. */
export type TimeChoice = '' | TimePresetId | 'custom';

/** Everything the page keeps in its query string; text as typed, times as ISO 8601. */
export interface AuditView {
  type: string;
  resourceType: string;
  resourceId: string;
  machineId: string;
  principal: string;
  time: TimeChoice;
  since: string;
  until: string;
}

const TEXT_KEYS = ['type', 'resourceType', 'resourceId', 'machineId', 'principal'] as const;

const isoOrEmpty = (v: string | null): string => {
  if (!v) return '';
  const t = Date.parse(v);
  return Number.isNaN(t) ? '' : new Date(t).toISOString();
};

/** The view a query string names; unknown ranges and unreadable times are dropped. */
export function viewOf(params: URLSearchParams): AuditView {
  const text = Object.fromEntries(TEXT_KEYS.map((k) => [k, params.get(k)?.trim() ?? ''])) as Record<
    (typeof TEXT_KEYS)[number],
    string
  >;
  const range = params.get('range');
  const preset = TIME_PRESETS.find((p) => p.id === range);
  const since = isoOrEmpty(params.get('since'));
  const until = isoOrEmpty(params.get('until'));
  const time: TimeChoice = preset ? preset.id : since || until ? 'custom' : '';
  return {
    ...text,
    time,
    since: time === 'custom' ? since : '',
    until: time === 'custom' ? until : '',
  };
}

/** The query string of a view: only what is set, so a plain `/audit` stays plain. */
export function paramsOf(view: AuditView): URLSearchParams {
  const next = new URLSearchParams();
  for (const k of TEXT_KEYS) if (view[k].trim()) next.set(k, view[k].trim());
  if (view.time === 'custom') {
    if (view.since) next.set('since', view.since);
    if (view.until) next.set('until', view.until);
  } else if (view.time) next.set('range', view.time);
  return next;
}

/** The API filters of a view; a preset counts back from `now` (when the view was opened). */
export function filtersOf(view: AuditView, now: number): AuditFilters {
  const f: AuditFilters = {};
  for (const k of TEXT_KEYS) if (view[k]) f[k] = view[k];
  const preset = TIME_PRESETS.find((p) => p.id === view.time);
  if (preset) f.since = new Date(now - preset.ms).toISOString();
  else if (view.time === 'custom') {
    if (view.since) f.since = view.since;
    if (view.until) f.until = view.until;
  }
  return f;
}

/** `<input type="datetime-local">` speaks local wall-clock time without a zone; the URL speaks ISO. */
export function toLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `end`: the input shows minutes, so "to 10:30" covers all of 10:30 (`until` is inclusive). */
export function fromLocalInput(local: string, end = false): string {
  if (!local) return '';
  const t = new Date(local).getTime();
  if (Number.isNaN(t)) return '';
  return new Date(end ? t + 59_999 : t).toISOString();
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
