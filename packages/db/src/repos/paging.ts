import { CURSOR_MESSAGE, encodeSeqCursor, parseCursor } from '@mm/contracts';
import type { ListResponse } from '@mm/contracts';
import { AppError } from '@mm/core';
import type { Page } from '@mm/core';

/** Opaque cursors encode the `seq` of the last row of the page (docs/api.md "Paging"). */
export function encodeCursor(seq: bigint): string {
  return encodeSeqCursor(seq);
}

/** The contracts refuse malformed cursors at the edge; this is the backstop for other callers. */
export function decodeCursor(cursor: string): bigint {
  const parsed = parseCursor(cursor);
  if (parsed?.kind !== 'seq') {
    throw new AppError('VALIDATION_ERROR', `cursor ${CURSOR_MESSAGE}`, { fields: { cursor: CURSOR_MESSAGE } });
  }
  return parsed.seq;
}

/** Newest first by `seq`, `limit + 1` rows to know whether another page exists. */
export async function pageOf<R extends { seq: bigint }, V>(
  find: (args: { where: object; take: number; orderBy: { seq: 'desc' } }) => Promise<R[]>,
  where: object,
  page: Page,
  toView: (row: R) => V,
): Promise<ListResponse<V>> {
  const filter = page.cursor ? { AND: [where, { seq: { lt: decodeCursor(page.cursor) } }] } : where;
  const rows = await find({ where: filter, take: page.limit + 1, orderBy: { seq: 'desc' } });
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return rows.length > page.limit && last
    ? { items: items.map(toView), nextCursor: encodeCursor(last.seq) }
    : { items: items.map(toView) };
}

export const iso = (d: Date) => d.toISOString();
/** `toISOString()` of a timestamp column, as SQL text (NULL stays NULL), for JSON built in SQL. */
export const isoSql = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
export const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);
export const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
