import type { ListResponse } from '@mm/contracts';
import { AppError } from '@mm/core';
import type { Page } from '@mm/core';

/** Opaque cursors encode the `seq` of the last row of the page. */
export function encodeCursor(seq: bigint): string {
  return Buffer.from(`s:${seq.toString()}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): bigint {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^s:(\d{1,19})$/.exec(raw);
  if (!match?.[1]) throw new AppError('VALIDATION_ERROR', 'cursor is not valid', { fields: { cursor: 'invalid' } });
  return BigInt(match[1]);
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
export const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);
export const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
