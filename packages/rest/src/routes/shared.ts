import type { ErrorCode } from '@mm/contracts';
import { AppError } from '@mm/core';
import { z } from 'zod';

/** `{item}` envelope of a view (context A2), for the OpenAPI document. */
export const item = <T extends z.ZodType>(s: T) => z.object({ item: s });

/** `{items, nextCursor?}` envelope of a list (context A2). */
export const list = <T extends z.ZodType>(s: T) => z.object({ items: z.array(s), nextCursor: z.string().optional() });

/** What the machine guard (context B9) and input validation can answer on a machine-scoped route. */
export const GUARD: ErrorCode[] = [
  'NOT_FOUND',
  'MACHINE_NOT_ACTIVE',
  'MACHINE_NOT_ACTIVATED',
  'VALIDATION_ERROR',
  // Under verification `required` the guard re-verifies the identity (context A3 corrected, C9).
  'PEAQOS_IDENTITY_UNAVAILABLE',
];

/** Writes that take `If-Match` / `expectedVersion`. */
export const VERSIONED: ErrorCode[] = [...GUARD, 'VERSION_CONFLICT'];

/**
 * The version a write was based on: the `If-Match` header (`3`, `"3"` or `W/"3"`) or the body's
 * `expectedVersion` (docs/concurrency.md). Both given and different, or a header that is not a
 * version, is 400.
 */
export function expectedVersionOf(
  headers: Record<string, string | string[] | undefined>,
  fromBody: number | undefined,
): number | undefined {
  const raw = headers['if-match'];
  const header = Array.isArray(raw) ? raw[0] : raw;
  if (header === undefined || header.trim() === '') return fromBody;
  const m = /^\s*(?:W\/)?"?(\d{1,10})"?\s*$/.exec(header);
  const version = m?.[1] ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(version) || version < 1 || version > 2_147_483_647) {
    throw new AppError('VALIDATION_ERROR', 'If-Match must be a record version (a positive integer)', {
      fields: { 'If-Match': 'must be a record version' },
    });
  }
  if (fromBody !== undefined && fromBody !== version) {
    throw new AppError('VALIDATION_ERROR', 'If-Match and expectedVersion disagree', {
      fields: { expectedVersion: 'differs from If-Match' },
    });
  }
  return version;
}
