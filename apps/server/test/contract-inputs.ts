/**
 * Inputs derived from the zod contracts, for the fuzz and robustness tests: every REST route of the
 * route table and every tRPC procedure of the router is listed programmatically, its schemas are turned
 * into JSON Schema (`z.toJSONSchema`, the same conversion the OpenAPI document uses), and values are
 * generated from that: valid-shaped ones, and hostile ones in every position (docs/api.md "Input limits").
 */
import { appRouter } from '@mm/api';
import { encodeSeqCursor } from '@mm/contracts';
import { routeTable } from '@mm/rest';
import type { RouteDef } from '@mm/rest';
import fc from 'fast-check';
import { z } from 'zod';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

export interface RestTarget {
  kind: 'rest';
  name: string;
  route: RouteDef;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
}

export interface TrpcTarget {
  kind: 'trpc';
  name: string;
  path: string;
  type: 'query' | 'mutation';
  input?: JsonSchema;
}

export function restTargets(): RestTarget[] {
  return routeTable.map((route) => ({
    kind: 'rest',
    name: `${route.method} ${route.path}`,
    route,
    ...(route.params && { params: jsonSchemaOf(route.params) }),
    ...(route.query && { query: jsonSchemaOf(route.query) }),
    ...(route.body && { body: jsonSchemaOf(route.body) }),
  }));
}

interface ProcedureDef {
  _def: { type: 'query' | 'mutation' | 'subscription'; inputs: z.ZodType[] };
}

export function trpcTargets(): TrpcTarget[] {
  const procedures = (appRouter as unknown as { _def: { procedures: Record<string, ProcedureDef> } })._def.procedures;
  return Object.entries(procedures)
    .filter(([, p]) => p._def.type !== 'subscription')
    .map(([path, p]) => {
      const input = p._def.inputs[0];
      return {
        kind: 'trpc',
        name: `trpc ${path}`,
        path,
        type: p._def.type as 'query' | 'mutation',
        ...(input && { input: jsonSchemaOf(input) }),
      };
    });
}

/** Real ids by field name, so that generated requests reach past the 404 of an unknown record. */
export type Fixtures = Record<string, string[]>;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

export const LONE_SURROGATES = ['\ud800', '\udfff', 'a\ud800b', '\ude00\ud83d', 'x\udbff'];
export const CONTROL_CHARS = ['\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\t', '\n', '\r', '\u2028'];

/** Strings no contract should choke on. */
const hostileString = fc.oneof(
  fc.constantFrom(...LONE_SURROGATES, ...CONTROL_CHARS),
  fc.constantFrom('', ' ', '   ', '__proto__', 'constructor', '😀', '%00', '../../etc', '\ufeff', '\uffff', 'NaN'),
  fc.constantFrom('x'.repeat(5000), '機'.repeat(3000), '😀'.repeat(1500)),
  fc
    .tuple(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(...LONE_SURROGATES, ...CONTROL_CHARS),
      fc.string({ maxLength: 8 }),
    )
    .map(([a, b, c]) => a + b + c),
  fc.string({ maxLength: 20, unit: 'binary' }),
);

const hostileNumber = fc.constantFrom(
  -1,
  0,
  -0,
  0.5,
  1.5,
  -1e308,
  1e308,
  2 ** 53 + 1,
  2 ** 64,
  -(2 ** 63),
  Number.MAX_SAFE_INTEGER,
  Number.MIN_VALUE,
);

export const HOSTILE_CURSORS = [
  b64('s:9223372036854775808'),
  b64('s:99999999999999999999'),
  b64('s:-1'),
  b64('s:1.5'),
  b64('k:'),
  b64('garbage'),
  '%%%',
  '====',
  'abcde',
  'A'.repeat(300),
  '\ud800',
];

const deep = (levels: number, arrays: boolean): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < levels; i++) v = arrays ? [v] : { a: v };
  return v;
};

const wrongType = fc.constantFrom<unknown>(null, true, false, 0, 1, -1, 'str', [], [1, 'a'], {}, { a: 1 });

const hostileJsonObject = fc.oneof(
  fc.constant(deep(40, false)),
  fc.constant({ a: deep(40, true) }),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true}}') as unknown),
  fc.constant(JSON.parse('{"a":{"constructor":{"prototype":{"polluted":true}}}}') as unknown),
  fc.constant({ big: 'x'.repeat(70 * 1024) }),
  fc.constant(Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i]))),
  hostileString.map((s) => ({ [s]: s })),
  hostileString.map((s) => ({ nested: { list: [1, s] } })),
);

/** A free-form JSON object of reasonable size. */
const jsonObject = fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 5,
}) as fc.Arbitrary<unknown>;

const URLS = ['http://127.0.0.1:9', 'http://127.0.0.1:9/some/path?q=1#x', 'https://127.0.0.1:1', 'http://[::1]:9'];

function stringArb(s: JsonSchema, name: string): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.format === 'uri' || /url$/i.test(name)) return fc.constantFrom(...URLS);
  if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  const max = Math.min(s.maxLength ?? 40, 40);
  if (s.pattern) {
    return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? Infinity));
  }
  return fc.string({ minLength: Math.max(s.minLength ?? 0, 1), maxLength: Math.max(max, 1), unit: 'grapheme' });
}

function numberArb(s: JsonSchema): fc.Arbitrary<unknown> {
  const min = s.minimum ?? s.exclusiveMinimum ?? -1e6;
  const max = s.maximum ?? s.exclusiveMaximum ?? 1e6;
  if (s.type === 'integer') return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** The valid-shaped arbitrary of one schema node, without hostile alternatives. */
function shapeOf(s: JsonSchema, name: string, fixtures: Fixtures, depth: number): fc.Arbitrary<unknown> {
  if (s.anyOf ?? s.oneOf)
    return fc.oneof(...(s.anyOf ?? s.oneOf ?? []).map((x) => arbitraryOf(x, name, fixtures, depth)));
  if (s.const !== undefined) return fc.constant(s.const);
  switch (s.type ?? '') {
    case 'string':
      return stringArb(s, name);
    case 'integer':
    case 'number':
      return numberArb(s);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(s.items ? arbitraryOf(s.items, name, fixtures, depth + 1) : fc.jsonValue({ maxDepth: 2 }), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 4, 4),
      });
    case 'object': {
      if (!s.properties && s.additionalProperties === true) return jsonObject;
      if (!s.properties && s.propertyNames) {
        const value =
          typeof s.additionalProperties === 'object'
            ? arbitraryOf(s.additionalProperties, name, fixtures, depth + 1)
            : fc.string();
        return fc.dictionary(arbitraryOf(s.propertyNames, 'key', fixtures, depth + 1) as fc.Arbitrary<string>, value, {
          maxKeys: 4,
        });
      }
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, prop] of Object.entries(s.properties ?? {}))
        model[key] = arbitraryOf(prop, key, fixtures, depth + 1);
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in model) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function hostileOf(s: JsonSchema, name: string): fc.Arbitrary<unknown> {
  const alternatives: fc.Arbitrary<unknown>[] = [wrongType, hostileString];
  if (name === 'cursor') alternatives.push(fc.constantFrom(...HOSTILE_CURSORS));
  if (s.type === 'integer' || s.type === 'number' || name === 'limit') {
    alternatives.push(hostileNumber, fc.constantFrom('5', '1e2', '0x10', ' 5', '-1', '501', '1.5', 'Infinity'));
  }
  if (s.type === 'object') alternatives.push(hostileJsonObject);
  if (s.type === 'array') {
    alternatives.push(
      fc.constant(Array.from({ length: 300 }, (_, i) => `item${i}`)),
      hostileString.map((h) => ['ok', h]),
      fc.constant(deep(40, true)),
    );
  }
  return fc.oneof(...alternatives);
}

/**
 * Values for a schema node: mostly valid-shaped (known ids by field name when fixtures hold some),
 * sometimes hostile in this very position.
 */
export function arbitraryOf(s: JsonSchema, name: string, fixtures: Fixtures, depth = 0): fc.Arbitrary<unknown> {
  const shaped = shapeOf(s, name, fixtures, depth);
  const known = fixtures[name];
  const valid = known?.length
    ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 4 }, { arbitrary: shaped, weight: 1 })
    : shaped;
  if (depth > 4) return valid;
  return fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: hostileOf(s, name), weight: 1 });
}

/** A valid-looking cursor, so that paging code runs too. */
export const cursorFixtures = () => [encodeSeqCursor(1n), encodeSeqCursor(2n ** 40n), ''];

/**
 * Percent-encodes a path segment or query value. A lone surrogate cannot be UTF-8, so it goes out
 * as the three bytes a careless encoder (WTF-8) would send.
 */
export function encodeLoose(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    let out = '';
    for (const ch of value) {
      const c = ch.charCodeAt(0);
      if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) {
        out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      } else out += encodeURIComponent(ch);
    }
    return out;
  }
}

const scalar = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));

/** A query string from generated values (arrays repeat the key, objects go as JSON text). */
export function queryString(query: unknown): string {
  if (query === null || typeof query !== 'object' || Array.isArray(query)) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) parts.push(`${encodeLoose(k)}=${encodeLoose(scalar(item))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** A REST path with generated parameters. */
export function pathWith(path: string, params: unknown): string {
  const values = params !== null && typeof params === 'object' ? (params as Record<string, unknown>) : {};
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const v = values[name];
    return encodeLoose(v === undefined || v === '' ? `missing-${name}` : scalar(v));
  });
}

const PATTERN_EXAMPLES: [RegExp, (uniq: string) => string][] = [
  [/did:peaq|peaqos:machine/, (u) => `peaqos:machine:${u}`],
  [/0x\[0-9a-fA-F\]\{40\}/, () => `0x${'ab'.repeat(20)}`],
];

/** A minimal valid value of a schema node: required fields only, known ids by field name. */
export function exampleOf(s: JsonSchema, name: string, fixtures: Fixtures, unique: string): unknown {
  const known = fixtures[name]?.[0];
  if (known !== undefined && s.type === 'string') return known;
  const options = s.anyOf ?? s.oneOf;
  if (options) return exampleOf(options.find((o) => o.type !== 'null') ?? options[0] ?? {}, name, fixtures, unique);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  switch (s.type ?? '') {
    case 'string': {
      if (s.format === 'uri' || /url$/i.test(name)) return 'http://127.0.0.1:9';
      if (s.format === 'date-time') return new Date(Date.now() + 3_600_000).toISOString();
      if (s.pattern) {
        const pattern = s.pattern;
        const found = PATTERN_EXAMPLES.find(([re]) => re.test(pattern));
        if (found) return found[1](unique);
        if (pattern.startsWith('^\\/')) return '/health';
      }
      return 'x'.repeat(Math.max(s.minLength ?? 1, 1));
    }
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array':
      return s.items && s.minItems ? [exampleOf(s.items, name, fixtures, unique)] : [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) {
        const prop = s.properties?.[key];
        if (prop) out[key] = exampleOf(prop, key, fixtures, unique);
      }
      return out;
    }
    default:
      return {};
  }
}

/** One position in an input where a string goes, and the value that puts a given string there. */
export interface StringSlot {
  /** Where the value goes. */
  at: (string | number)[];
  value: (bad: string) => unknown;
  /** The path of the offending string as validation reports it (a key's path ends in the key). */
  path: (bad: string) => (string | number)[];
}

/** Every place a string can go in a schema: string fields, array items, free-form JSON keys and values. */
export function stringSlots(s: JsonSchema, at: (string | number)[] = []): StringSlot[] {
  const options = s.anyOf ?? s.oneOf;
  if (options) return stringSlots(options.find((o) => o.type !== 'null') ?? {}, at);
  switch (s.type ?? '') {
    case 'string':
      return [{ at, value: (bad) => bad, path: () => at }];
    case 'array': {
      const items = s.items;
      if (!items) return [];
      // The bad string sits in the first item; the rest of that item is a minimal valid one.
      return stringSlots(items).map((inner) => ({
        at,
        value: (bad) => [setAt(exampleOf(items, '', {}, 'slot'), inner.at, inner.value(bad))],
        path: (bad) => [...at, 0, ...inner.path(bad)],
      }));
    }
    case 'object':
      if (!s.properties && (s.additionalProperties === true || s.propertyNames)) {
        // Free-form JSON and records: a value, a nested value, and a key.
        const slots: StringSlot[] = [
          { at, value: (bad) => ({ k: bad }), path: () => [...at, 'k'] },
          { at, value: (bad) => ({ [`key${bad}`]: 'v' }), path: (bad) => [...at, `key${bad}`] },
        ];
        if (s.additionalProperties === true) {
          slots.push({
            at,
            value: (bad) => ({ nested: { list: ['ok', bad] } }),
            path: () => [...at, 'nested', 'list', 1],
          });
        }
        return slots;
      }
      return Object.entries(s.properties ?? {}).flatMap(([key, prop]) => stringSlots(prop, [...at, key]));
    default:
      return [];
  }
}

/** `target` with `value` placed at `path` (containers created as needed). */
export function setAt(target: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const base: Record<string | number, unknown> =
    target !== null && typeof target === 'object' ? { ...(target as Record<string, unknown>) } : {};
  base[head] = setAt(base[head], rest, value);
  return base;
}
