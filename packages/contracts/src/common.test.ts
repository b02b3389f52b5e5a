import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  encodeKeyCursor,
  encodeSeqCursor,
  encodeTimeCursor,
  nonEmpty,
  parseCursor,
  str,
  text,
  utf8Length,
  zCursor,
  zJsonObject,
  zLimit,
  zListQuery,
} from './common.ts';

/** `levels` nested objects: `{a:{a:…{leaf}}}`, the outermost object counting as level 1. */
function nestedObject(levels: number, leaf: unknown = 'bottom'): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

/** An object holding `levels - 1` nested arrays: `{a:[[…[leaf]]]}`. */
function nestedArrays(levels: number): Record<string, unknown> {
  let value: unknown = [1];
  for (let i = 2; i < levels; i++) value = [value];
  return { a: value };
}

function issuesOf(value: unknown) {
  const res = zJsonObject.safeParse(value);
  return res.success ? [] : res.error.issues;
}

// Context B10: JSON nesting deeper than 32 levels in any free-form field → 400.
describe('zJsonObject nesting', () => {
  it('accepts 32 levels and refuses 33', () => {
    expect(LIMITS.jsonDepth).toBe(32);
    expect(zJsonObject.safeParse(nestedObject(32)).success).toBe(true);
    expect(zJsonObject.safeParse(nestedObject(33)).success).toBe(false);
  });

  it('counts containers, so a scalar at the bottom of 32 levels is still 32 levels', () => {
    for (const leaf of [1, 'text', true, null]) {
      expect(zJsonObject.safeParse(nestedObject(32, leaf)).success, String(leaf)).toBe(true);
    }
    // An object (even an empty one) inside the 32nd level is a 33rd level.
    expect(zJsonObject.safeParse(nestedObject(32, {})).success).toBe(false);
    expect(zJsonObject.safeParse(nestedObject(32, [])).success).toBe(false);
    expect(zJsonObject.safeParse(nestedObject(31, { x: 1 })).success).toBe(true);
  });

  it('counts arrays as levels too', () => {
    expect(zJsonObject.safeParse(nestedArrays(32)).success).toBe(true);
    expect(zJsonObject.safeParse(nestedArrays(33)).success).toBe(false);
  });

  it('names the path and the limit when it refuses', () => {
    const issues = issuesOf(nestedObject(40));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/32 levels/);
    expect(issues[0]?.path[0]).toBe('a');
  });

  it('accepts wide, shallow objects', () => {
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, { v: [i, `${i}`] }]));
    expect(zJsonObject.safeParse(wide).success).toBe(true);
  });
});

describe('zJsonObject content', () => {
  it('accepts only JSON objects at the top', () => {
    expect(zJsonObject.safeParse({}).success).toBe(true);
    for (const v of [null, [], [1], 'x', 5, true, undefined]) {
      expect(zJsonObject.safeParse(v).success, JSON.stringify(v)).toBe(false);
    }
  });

  // Context B10: NUL characters in any string → 400.
  it('refuses NUL in values and in keys, at any depth', () => {
    expect(issuesOf({ s: 'a\u0000b' })[0]?.path).toEqual(['s']);
    expect(issuesOf({ list: ['ok', 'bad\u0000'] })[0]?.path).toEqual(['list', 1]);
    expect(issuesOf(nestedObject(10, 'x\u0000'))).not.toHaveLength(0);
    expect(issuesOf({ ['k\u0000']: 1 })).not.toHaveLength(0);
    expect(issuesOf({ s: 'no nul here', t: '\\u0000 is only text' })).toHaveLength(0);
  });

  // Context B10: __proto__, constructor and prototype keys never reach an object's prototype.
  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s at the top and at any depth', (key) => {
    // JSON.parse makes an own property named __proto__, which is what a request body holds.
    const top = JSON.parse(`{"${key}":{"polluted":true}}`) as unknown;
    const deep = JSON.parse(`{"a":{"b":[{"c":{"${key}":{"polluted":true}}}]}}`) as unknown;
    const topIssues = issuesOf(top);
    expect(topIssues.map((i) => i.path)).toContainEqual([key]);
    const deepIssues = issuesOf(deep);
    expect(deepIssues.map((i) => i.path)).toContainEqual(['a', 'b', 0, 'c', key]);
    expect(deepIssues[0]?.message).toContain(key);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts keys that only resemble the forbidden ones', () => {
    expect(zJsonObject.safeParse({ proto: 1, constructors: 2, Prototype: 3, __proto: 4 }).success).toBe(true);
  });

  it('passes the parsed value through unchanged', () => {
    const value = { a: 1, b: [true, null, 'x'], c: { d: 2.5 } };
    expect(zJsonObject.parse(value)).toEqual(value);
  });
});

// Context A2/B9: limit 1..500, default 100 (applied by the service); query strings coerce.
describe('zLimit', () => {
  it.each([
    [1, 1],
    [500, 500],
    ['1', 1],
    ['100', 100],
    ['500', 500],
  ])('accepts %j as %d', (input, expected) => {
    expect(zLimit.parse(input)).toBe(expected);
  });

  it.each([0, 501, -1, 1.5, '0', '501', 'abc', '', 'NaN', null])('refuses %j', (input) => {
    expect(zLimit.safeParse(input).success).toBe(false);
  });

  it('explains the range', () => {
    const res = zLimit.safeParse('501');
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]?.message).toBe('must be between 1 and 500');
  });

  it('is optional in a list query, and the cursor is an opaque bounded string', () => {
    expect(zListQuery.parse({})).toEqual({});
    const cursor = encodeSeqCursor(42n);
    expect(zListQuery.parse({ limit: '20', cursor })).toEqual({ limit: 20, cursor });
    expect(zListQuery.safeParse({ cursor: 'abc' }).success).toBe(false);
    expect(zListQuery.safeParse({ cursor: 'x'.repeat(257) }).success).toBe(false);
    expect(zListQuery.safeParse({ cursor: 'a\u0000' }).success).toBe(false);
  });
});

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

// Context C5: a malformed or out-of-range cursor → 400 (docs/api.md "Paging").
describe('cursors', () => {
  it('round-trips the positions this server hands out', () => {
    for (const seq of [0n, 1n, 123456789n, 2n ** 63n - 1n]) {
      expect(parseCursor(encodeSeqCursor(seq))).toEqual({ kind: 'seq', seq });
      expect(zCursor.safeParse(encodeSeqCursor(seq)).success).toBe(true);
    }
    for (const key of ['qvac', 'storage-object.handoff', 'ключ']) {
      expect(parseCursor(encodeKeyCursor(key))).toEqual({ kind: 'key', key });
    }
    for (const [ms, seq] of [
      [0, 0n],
      [Date.UTC(2026, 11, 3, 10, 0, 0, 123), 987n],
      [8_640_000_000_000_000, 2n ** 63n - 1n],
    ] as const) {
      expect(parseCursor(encodeTimeCursor(new Date(ms), seq))).toEqual({ kind: 'time', at: new Date(ms), seq });
    }
    // The same bytes Node's base64url gives, so old seq cursors stay valid.
    expect(encodeSeqCursor(42n)).toBe(b64('s:42'));
  });

  it.each([
    ['above the 64-bit range', b64('s:9223372036854775808')],
    ['twenty digits', b64('s:99999999999999999999')],
    ['negative', b64('s:-1')],
    ['leading zeros', b64('s:007')],
    ['not a number', b64('s:1e3')],
    ['another prefix', b64('x:1')],
    ['a time past what a Date holds', b64('t:8640000000000001.1')],
    ['a time without its seq', b64('t:1700000000000')],
    ['a time with leading zeros', b64('t:01.1')],
    ['a fractional time', b64('t:1.5.1')],
    ['a bare number', b64('12')],
    ['an empty key', b64('k:')],
    ['a key with a control character', b64('k:a\nb')],
    ['a key with a lone surrogate', Buffer.from('k:\ud800', 'utf16le').toString('base64url')],
    ['invalid UTF-8', Buffer.from([0x73, 0x3a, 0xff]).toString('base64url')],
    ['padded base64', `${b64('s:1')}=`],
    ['standard base64 alphabet', '+/+/'],
    ['garbage', '%%%'],
    ['an impossible length', 'abcde'],
    ['non-canonical trailing bits', `${b64('s:12').slice(0, -1)}h`],
    ['too long', 'A'.repeat(LIMITS.cursor + 1)],
  ])('refuses a cursor that is %s', (_why, cursor) => {
    expect(parseCursor(cursor)).toBeUndefined();
    expect(zCursor.safeParse(cursor).success).toBe(false);
  });

  it('treats an empty cursor as the first page', () => {
    expect(zCursor.safeParse('').success).toBe(true);
  });
});

// Context B10/C5: well-formed Unicode, no NUL, no control characters (docs/api.md "Input limits").
describe('string character rules', () => {
  const line = [str(), nonEmpty()];
  it('accepts ordinary text, emoji (surrogate pairs) and non-Latin scripts', () => {
    for (const s of ['plain', 'Ünïcödé', '機械', '😀 ok', 'a\u00a0b']) {
      for (const schema of [...line, text()]) expect(schema.safeParse(s).success, s).toBe(true);
    }
  });

  it.each(['\ud800', 'a\udfffb', '\ude00\ud83d', 'x\ud83d'])('refuses the lone surrogate in %j', (s) => {
    for (const schema of [...line, text()]) {
      const res = schema.safeParse(s);
      expect(res.success).toBe(false);
      expect(res.error?.issues[0]?.message).toMatch(/well-formed/);
    }
  });

  it('refuses NUL everywhere', () => {
    for (const schema of [...line, text()]) expect(schema.safeParse('a\u0000').success).toBe(false);
  });

  it('refuses every C0 control and DEL in single-line strings', () => {
    for (let c = 0; c < 0x20; c++)
      expect(str().safeParse(`a${String.fromCharCode(c)}b`).success, String(c)).toBe(false);
    expect(str().safeParse('a\u007fb').success).toBe(false);
  });

  it('allows TAB, LF and CR in free text, and nothing else below U+0020', () => {
    for (let c = 0; c < 0x20; c++) {
      const ok = c === 0x09 || c === 0x0a || c === 0x0d;
      expect(text().safeParse(`a${String.fromCharCode(c)}b`).success, String(c)).toBe(ok);
    }
    expect(text().safeParse('a\u007fb').success).toBe(false);
  });
});

describe('zJsonObject strings and size', () => {
  it('refuses lone surrogates in keys and values at any depth, naming the path', () => {
    expect(issuesOf({ a: { b: ['ok', '\ud800'] } })[0]?.path).toEqual(['a', 'b', 1]);
    expect(issuesOf({ a: { ['k\udc00']: 1 } })[0]?.path).toEqual(['a', 'k\udc00']);
    expect(issuesOf({ s: '😀' })).toHaveLength(0);
  });

  it('allows TAB/LF/CR in values but no control character in keys', () => {
    expect(issuesOf({ s: 'line 1\nline 2\tx\r' })).toHaveLength(0);
    expect(issuesOf({ s: 'bell\u0007' })).not.toHaveLength(0);
    expect(issuesOf({ ['a\nb']: 1 })).not.toHaveLength(0);
  });

  it('accepts 64 KiB serialised and refuses one byte more, naming the limit', () => {
    const overhead = JSON.stringify({ s: '' }).length;
    const exact = { s: 'x'.repeat(LIMITS.jsonBytes - overhead) };
    expect(JSON.stringify(exact).length).toBe(65_536);
    expect(issuesOf(exact)).toHaveLength(0);
    const over = issuesOf({ s: 'x'.repeat(LIMITS.jsonBytes - overhead + 1) });
    expect(over).toHaveLength(1);
    expect(over[0]?.path).toEqual([]);
    expect(over[0]?.message).toMatch(/65536 bytes/);
  });

  it('counts bytes in UTF-8, not UTF-16 code units', () => {
    expect(utf8Length('aé機😀')).toBe(1 + 2 + 3 + 4);
    const overhead = JSON.stringify({ s: '' }).length;
    // 3 bytes per character: a third as many characters fill the limit.
    const chars = Math.floor((LIMITS.jsonBytes - overhead) / 3);
    expect(issuesOf({ s: '機'.repeat(chars) })).toHaveLength(0);
    expect(issuesOf({ s: '機'.repeat(chars + 1) })).not.toHaveLength(0);
  });

  it('refuses values JSON cannot carry (in-process callers only)', () => {
    expect(issuesOf({ n: Number.NaN })).not.toHaveLength(0);
    expect(issuesOf({ n: 10n })).not.toHaveLength(0);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(issuesOf(cyclic)).not.toHaveLength(0);
  });
});
