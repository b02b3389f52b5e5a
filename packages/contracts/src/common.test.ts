import { describe, expect, it } from 'vitest';
import { LIMITS, zJsonObject, zLimit, zListQuery } from './common.ts';

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
    expect(zListQuery.parse({ limit: '20', cursor: 'abc' })).toEqual({ limit: 20, cursor: 'abc' });
    expect(zListQuery.safeParse({ cursor: 'x'.repeat(257) }).success).toBe(false);
    expect(zListQuery.safeParse({ cursor: 'a\u0000' }).success).toBe(false);
  });
});
