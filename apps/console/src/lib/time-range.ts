/** Relative ranges: kept in the URL as `range=24h`, so a shared link means "the last 24 h" when opened. */
export const TIME_PRESETS = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;
export type TimePresetId = (typeof TIME_PRESETS)[number]['id'];
/** The time select: any time, a preset, or a custom since/until. */
export type TimeChoice = '' | TimePresetId | 'custom';

export interface TimeRange {
  time: TimeChoice;
  /** ISO 8601, only with `time: 'custom'`. */
  since: string;
  until: string;
}

const isoOrEmpty = (v: string | null): string => {
  if (!v) return '';
  const t = Date.parse(v);
  return Number.isNaN(t) ? '' : new Date(t).toISOString();
};

/** The range a query string names (`range=` a preset, or `since=`/`until=`); unreadable parts dropped. */
export function timeRangeOf(params: URLSearchParams): TimeRange {
  const preset = TIME_PRESETS.find((p) => p.id === params.get('range'));
  if (preset) return { time: preset.id, since: '', until: '' };
  const since = isoOrEmpty(params.get('since'));
  const until = isoOrEmpty(params.get('until'));
  return since || until ? { time: 'custom', since, until } : { time: '', since: '', until: '' };
}

/** Writes a range into a query string, replacing whatever range it had. */
export function writeTimeRange(params: URLSearchParams, range: TimeRange): void {
  for (const k of ['range', 'since', 'until']) params.delete(k);
  if (range.time === 'custom') {
    if (range.since) params.set('since', range.since);
    if (range.until) params.set('until', range.until);
  } else if (range.time) params.set('range', range.time);
}

/** The instants a range covers; a preset counts back from `now`. Both ends inclusive. */
export function boundsOf(range: TimeRange, now: number): { since?: string; until?: string } {
  const preset = TIME_PRESETS.find((p) => p.id === range.time);
  if (preset) return { since: new Date(now - preset.ms).toISOString() };
  if (range.time !== 'custom') return {};
  return { ...(range.since && { since: range.since }), ...(range.until && { until: range.until }) };
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

/** Chip text for a range: "last 24 hours", "from … to …". */
export function describeRange(range: TimeRange, format: (iso: string) => string): string {
  const preset = TIME_PRESETS.find((p) => p.id === range.time);
  if (preset) return preset.label.toLowerCase();
  const from = range.since ? `from ${format(range.since)}` : '';
  const to = range.until ? `to ${format(range.until)}` : '';
  return [from, to].filter(Boolean).join(' ');
}
