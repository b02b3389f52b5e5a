import { z } from 'zod';

/** Input limits of context B10. */
export const LIMITS = {
  id: 128,
  identityRef: 256,
  title: 256,
  url: 2048,
  text: 4096,
  jsonDepth: 32,
  arrayItems: 256,
} as const;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const noNul = (s: string) => !s.includes('\u0000');
const NUL_MESSAGE = 'must not contain NUL characters';

/** A bounded string that refuses NUL characters. */
export const str = (max: number = LIMITS.text) =>
  z.string().max(max, `must be at most ${max} characters`).refine(noNul, NUL_MESSAGE);

/** A non-empty, trimmed-equal, bounded string. */
export const nonEmpty = (max: number = LIMITS.title) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(noNul, NUL_MESSAGE)
    .refine((s) => s.trim().length > 0, 'must not be blank');

export const zId = nonEmpty(LIMITS.id);
export const zKey = nonEmpty(LIMITS.id);

/** An ISO 8601 date-time string (with offset or Z). */
export const zDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

export const zStringList = z.array(zKey).max(LIMITS.arrayItems, `must have at most ${LIMITS.arrayItems} items`);

function checkJson(
  value: unknown,
  depth: number,
  path: (string | number)[],
  issues: { path: (string | number)[]; message: string }[],
): void {
  if (issues.length > 20) return;
  if (typeof value === 'string') {
    if (!noNul(value)) issues.push({ path, message: NUL_MESSAGE });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  // Only containers are levels: a scalar inside the 32nd object is still 32 levels deep.
  if (depth > LIMITS.jsonDepth) {
    issues.push({ path, message: `nesting deeper than ${LIMITS.jsonDepth} levels` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJson(v, depth + 1, [...path, i], issues));
    return;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      issues.push({ path: [...path, key], message: `key "${key}" is not allowed` });
      continue;
    }
    if (!noNul(key)) issues.push({ path: [...path, key], message: NUL_MESSAGE });
    checkJson((value as Record<string, unknown>)[key], depth + 1, [...path, key], issues);
  }
}

/**
 * A free-form JSON object (`data`, `input`, `payload`, `metadata`): at most 32 levels deep, no
 * NUL characters, no `__proto__`/`constructor`/`prototype` keys (context B10).
 */
export const zJsonObject = z
  .custom<Record<string, unknown>>(
    (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
    'must be a JSON object',
  )
  .superRefine((value, ctx) => {
    const issues: { path: (string | number)[]; message: string }[] = [];
    checkJson(value, 1, [], issues);
    for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  })
  .meta({ type: 'object', additionalProperties: true });

/** List paging (context A2, B9): limit 1..500 default 100, opaque cursor. Query strings coerce. */
export const zLimit = z.coerce
  .number({ message: 'must be a number' })
  .int('must be an integer')
  .min(1, 'must be between 1 and 500')
  .max(500, 'must be between 1 and 500');

export const zListQuery = z.object({
  limit: zLimit.optional(),
  cursor: str(256).optional(),
});
export type ListQuery = z.infer<typeof zListQuery>;

export interface ListResponse<T> {
  items: T[];
  nextCursor?: string;
}
export interface ItemResponse<T> {
  item: T;
}

export const zMachineParams = z.object({ machineId: zId });
