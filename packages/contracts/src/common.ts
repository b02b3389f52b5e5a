import { z } from 'zod';

/** Input limits of context B10 and C5; docs/api.md "Input limits" explains each. */
export const LIMITS = {
  id: 128,
  identityRef: 256,
  title: 256,
  url: 2048,
  text: 4096,
  jsonDepth: 32,
  /** A free-form JSON field (`data`, `input`, `metadata`) serialised, in UTF-8 bytes (context C5). */
  jsonBytes: 64 * 1024,
  arrayItems: 256,
  cursor: 256,
} as const;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Which characters a string may hold (docs/api.md "Input limits"):
 * - `line`: ids, keys, names, titles, labels, URLs, tokens, filters. No C0 control character and no DEL.
 * - `text`: free text (descriptions, notes, string values inside free-form JSON). TAB, LF and CR are
 *   allowed; every other C0 control character and DEL is refused.
 * Both refuse NUL (context B10) and lone UTF-16 surrogates (context C5): PostgreSQL cannot store
 * them in `jsonb` and replaces them with U+FFFD in `text`, so they are refused at the edge.
 */
export type StringKind = 'line' | 'text';

// With the `u` flag a well-formed surrogate pair is one code point, so only lone halves match \p{Cs}.
const LONE_SURROGATE = /\p{Cs}/u;
// eslint-disable-next-line no-control-regex
const LINE_CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const STRING_MESSAGES = {
  surrogate: 'must be well-formed Unicode (no lone surrogates)',
  nul: 'must not contain NUL characters',
  line: 'must not contain control characters',
  text: 'must not contain control characters other than tab, line feed and carriage return',
} as const;

/** Why `s` is refused as a string of `kind`, or undefined when it is acceptable. */
export function stringProblem(s: string, kind: StringKind): string | undefined {
  if (LONE_SURROGATE.test(s)) return STRING_MESSAGES.surrogate;
  if (s.includes('\u0000')) return STRING_MESSAGES.nul;
  if (kind === 'line' ? LINE_CONTROL.test(s) : TEXT_CONTROL.test(s)) return STRING_MESSAGES[kind];
  return undefined;
}

const wellFormed =
  (kind: StringKind) =>
  (s: string, ctx: { addIssue(issue: { code: 'custom'; message: string; input: unknown }): void }) => {
    const problem = stringProblem(s, kind);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s });
  };

/** Adds the character rules of `kind` to a string schema (for strings not built by the helpers below). */
export const checkChars = <S extends z.ZodType<string>>(schema: S, kind: StringKind = 'line'): S =>
  schema.superRefine(wellFormed(kind));

/** A bounded single-line string: ids, keys, labels, tokens (no control characters). */
export const str = (max: number = LIMITS.title) =>
  checkChars(z.string().max(max, `must be at most ${max} characters`), 'line');

/** Bounded free text: TAB, LF and CR allowed, other control characters refused. */
export const text = (max: number = LIMITS.text) =>
  checkChars(z.string().max(max, `must be at most ${max} characters`), 'text');

/** A non-empty, not blank, bounded single-line string. */
export const nonEmpty = (max: number = LIMITS.title) =>
  str(max)
    .min(1, 'must not be empty')
    .refine((s) => s.trim().length > 0, 'must not be blank');

export const zId = nonEmpty(LIMITS.id);
export const zKey = nonEmpty(LIMITS.id);

/** An ISO 8601 date-time string (with offset or Z). */
export const zDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

/**
 * A timestamp the server answers: ISO 8601 in UTC (`2025-01-02T03:04:05.678Z`, as `Date#toISOString`
 * gives it; context A2). Views use it so the OpenAPI document says `format: date-time`.
 */
export const zTimestamp = z.iso.datetime();

export const zStringList = z.array(zKey).max(LIMITS.arrayItems, `must have at most ${LIMITS.arrayItems} items`);

/** UTF-8 length of a string without allocating it (a lone surrogate counts as U+FFFD, 3 bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

type JsonIssue = { path: (string | number)[]; message: string };

function checkJson(value: unknown, depth: number, path: (string | number)[], issues: JsonIssue[]): void {
  if (issues.length > 20) return;
  if (typeof value === 'string') {
    const problem = stringProblem(value, 'text');
    if (problem) issues.push({ path, message: problem });
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) issues.push({ path, message: 'must be a finite number' });
    return;
  }
  if (value === null || value === undefined || typeof value === 'boolean') return;
  // Only reachable through in-process callers (createCaller): JSON has no such values.
  if (typeof value !== 'object') {
    issues.push({ path, message: 'must be a JSON value' });
    return;
  }
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
    const problem = stringProblem(key, 'line');
    if (problem) issues.push({ path: [...path, key], message: `key ${problem}` });
    checkJson((value as Record<string, unknown>)[key], depth + 1, [...path, key], issues);
  }
}

/** Serialised size in UTF-8 bytes, or undefined when the value does not serialise. */
function jsonBytes(value: unknown): number | undefined {
  try {
    const s = JSON.stringify(value);
    return typeof s === 'string' ? utf8Length(s) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A free-form JSON object (`data`, `input`, `metadata`; docs/api.md "Input limits"): at most 32 levels
 * deep, at most 64 KiB serialised, keys and string values well-formed Unicode without NUL (keys
 * without any control character), no `__proto__`/`constructor`/`prototype` keys (context B10, C5).
 */
export const zJsonObject = z
  .custom<Record<string, unknown>>(
    (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
    'must be a JSON object',
  )
  .superRefine((value, ctx) => {
    const issues: JsonIssue[] = [];
    checkJson(value, 1, [], issues);
    for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    // Sized only once the walk found it sound: a too-deep or cyclic value is not serialised at all.
    if (issues.length) return;
    const bytes = jsonBytes(value);
    if (bytes === undefined) ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
    else if (bytes > LIMITS.jsonBytes)
      ctx.addIssue({
        code: 'custom',
        message: `must serialise to at most ${LIMITS.jsonBytes} bytes of JSON (64 KiB); it is ${bytes}`,
      });
  })
  .meta({ type: 'object', additionalProperties: true });

/*
 * Cursors (docs/api.md "Paging"): opaque to clients, base64url (no padding) of `s:<seq>` (the position
 * of the last row of a page, 0..2^63-1, canonical decimal), `t:<ms>.<seq>` (a list in time order: the
 * last row's createdAt in epoch milliseconds and its seq) or `k:<key>` (the catalogue, ordered by key).
 * Anything else (foreign base64, padding, a negative or 64-bit-overflowing number, a non-canonical
 * encoding) is refused at the edge with 400 rather than reaching the database.
 */
const MAX_SEQ = 2n ** 63n - 1n;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function base64urlEncode(s: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64urlDecode(c: string): string | undefined {
  if (!BASE64URL.test(c) || c.length % 4 === 1) return undefined;
  const bin = atob(c.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (c.length % 4)) % 4));
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)));
  } catch {
    return undefined;
  }
  // Only the one canonical spelling of a cursor is ours (no stray trailing bits).
  return base64urlEncode(decoded) === c ? decoded : undefined;
}

export type Cursor =
  { kind: 'seq'; seq: bigint } | { kind: 'time'; at: Date; seq: bigint } | { kind: 'key'; key: string };

/** The latest instant a JavaScript Date holds (ms since the epoch). */
const MAX_EPOCH_MS = 8_640_000_000_000_000;

export const encodeSeqCursor = (seq: bigint): string => base64urlEncode(`s:${seq.toString()}`);
export const encodeTimeCursor = (at: Date, seq: bigint): string =>
  base64urlEncode(`t:${at.getTime()}.${seq.toString()}`);
export const encodeKeyCursor = (key: string): string => base64urlEncode(`k:${key}`);

/** The position a cursor names, or undefined when it is not one this server hands out. */
export function parseCursor(cursor: string): Cursor | undefined {
  if (cursor.length > LIMITS.cursor) return undefined;
  const raw = base64urlDecode(cursor);
  if (raw === undefined) return undefined;
  const seq = /^s:(0|[1-9]\d{0,18})$/.exec(raw)?.[1];
  if (seq !== undefined) {
    const value = BigInt(seq);
    return value <= MAX_SEQ ? { kind: 'seq', seq: value } : undefined;
  }
  const time = /^t:(0|[1-9]\d{0,15})\.(0|[1-9]\d{0,18})$/.exec(raw);
  if (time?.[1] !== undefined && time[2] !== undefined) {
    const ms = Number(time[1]);
    const value = BigInt(time[2]);
    return ms <= MAX_EPOCH_MS && value <= MAX_SEQ ? { kind: 'time', at: new Date(ms), seq: value } : undefined;
  }
  if (raw.startsWith('k:')) {
    const key = raw.slice(2);
    if (key.length >= 1 && key.length <= LIMITS.id && !stringProblem(key, 'line')) return { kind: 'key', key };
  }
  return undefined;
}

export const CURSOR_MESSAGE = 'must be a nextCursor returned by this list';

/** An empty cursor means the first page, as no cursor does. */
export const zCursor = z
  .string()
  .max(LIMITS.cursor, `must be at most ${LIMITS.cursor} characters`)
  .refine((c) => c === '' || parseCursor(c) !== undefined, CURSOR_MESSAGE);

/** List paging (context A2, B9): limit 1..500 default 100, opaque cursor. Query strings coerce. */
export const zLimit = z.coerce
  .number({ message: 'must be a number' })
  .int('must be an integer')
  .min(1, 'must be between 1 and 500')
  .max(500, 'must be between 1 and 500');

export const zListQuery = z.object({
  limit: zLimit.optional(),
  cursor: zCursor.optional(),
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

/**
 * Inspection of machines that are not active (context C8): reads of a machine's resources accept
 * `includeInactive=true` (REST query parameter, tRPC input field). Writes stay guarded.
 */
export const zInspect = z.object({
  includeInactive: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
      message: 'must be true or false',
    })
    .optional(),
});
export type Inspect = { includeInactive?: boolean | undefined };
