/**
 * No 500 from input (issue "engine", context B1/B9/B10): every route of the REST table, fed
 * malformed bodies, queries and path parameters, never answers 5xx, and every 4xx is in the error envelope.
 */
import net from 'node:net';
import { routeTable } from '@mm/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleOf, pathWith, restTargets, setAt, stringSlots, trpcTargets } from './contract-inputs.ts';
import type { Fixtures } from './contract-inputs.ts';
import { describeEachDb, json, startTestApp, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BODIES: unknown[] = [
  [],
  42,
  'text',
  null,
  { displayName: 5, identityRef: ['x'], endpointBaseUrl: {}, type: 'nope', title: '', serviceType: 1 },
  { data: 'not-an-object', input: [1, 2], position: { x: 'a' }, limit: -1, leaseSeconds: 'x' },
  { name: 'x'.repeat(10_000), label: '\u0000' },
];

describeEachDb('input robustness', (get) => {
  it('never answers 5xx to malformed input, and every 4xx carries the envelope', async () => {
    const t = get();
    const m = json<Json>(
      await t.inject({
        method: 'POST',
        url: '/api/v1/machines',
        payload: { displayName: 'F', identityRef: `peaqos:machine:${uniq()}` },
      }),
    ).item.id as string;
    const failures: string[] = [];
    for (const route of routeTable) {
      const paths = [
        route.path.replace(/:machineId/g, m).replace(/:([A-Za-z]+)/g, 'no-such-$1'),
        route.path.replace(/:([A-Za-z]+)/g, 'x'.repeat(300)),
        route.path.replace(/:([A-Za-z]+)/g, '%00%ff'),
      ];
      for (const path of paths) {
        for (const body of route.method === 'GET' || route.method === 'DELETE' ? [undefined] : BODIES) {
          const res = await t.inject({
            method: route.method,
            url: `/api/v1${path}?limit=abc&cursor=%%%`,
            ...(body !== undefined && {
              payload: JSON.stringify(body),
              headers: { 'content-type': 'application/json' },
            }),
          });
          const label = `${route.method} ${path.slice(0, 80)} ${JSON.stringify(body)?.slice(0, 60)} → ${res.statusCode}`;
          if (res.statusCode >= 500) failures.push(label);
          if (res.statusCode < 400) continue; // valid after all: unknown fields are ignored (context B9)
          const parsed = json<Json>(res);
          if (typeof parsed.error?.code !== 'string' || typeof parsed.error?.message !== 'string')
            failures.push(`${label} (no envelope)`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

/** A real active machine and records on it, so that validation is the only thing that can refuse. */
async function fixturesFor(t: TestApp): Promise<Fixtures> {
  const post = async (url: string, payload: Record<string, unknown>) =>
    json<Json>(await t.inject({ method: 'POST', url: `/api/v1${url}`, payload })).item.id as string;
  const m = await post('/machines', { displayName: 'R', identityRef: `peaqos:machine:${uniq()}` });
  const n1 = await post(`/machines/${m}/graph/nodes`, { type: 'skill', title: 'a' });
  const n2 = await post(`/machines/${m}/graph/nodes`, { type: 'task', title: 'b' });
  const e = await post(`/machines/${m}/graph/edges`, { sourceNodeId: n1, targetNodeId: n2, type: 'connects' });
  const task = await post(`/machines/${m}/tasks`, { serviceType: 'storage.object', taskType: 'r' });
  return { machineId: [m], nodeId: [n1], sourceNodeId: [n1], targetNodeId: [n2], edgeId: [e], taskId: [task] };
}

const fieldsOf = (body: Json): Record<string, string> => (body.error?.details?.fields ?? {}) as Record<string, string>;

// Context C5 and B10 (docs/api.md "Input limits"): every string position of every contract.
describeEachDb('input rules', (get) => {
  describe('well-formed strings in every field', () => {
    const BAD: [string, string][] = [
      ['a lone surrogate', '\ud800'],
      ['a NUL', 'a\u0000b'],
    ];
    for (const [what, bad] of BAD) {
      it(`REST: ${what} in any body field → 400 naming the field`, async () => {
        const t = get();
        const fixtures = await fixturesFor(t);
        const failures: string[] = [];
        let count = 0;
        for (const target of restTargets()) {
          if (!target.body) continue;
          const url = `/api/v1${pathWith(target.route.path, Object.fromEntries(Object.entries(fixtures).map(([k, v]) => [k, v[0]])))}`;
          for (const slot of stringSlots(target.body)) {
            count++;
            const body = setAt(exampleOf(target.body, '(body)', fixtures, uniq()), slot.at, slot.value(bad));
            const res = await t.inject({ method: target.route.method, url, payload: body as Record<string, unknown> });
            const key = slot.path(bad).join('.');
            const parsed = json<Json>(res);
            if (res.statusCode !== 400 || parsed.error?.code !== 'VALIDATION_ERROR' || !(key in fieldsOf(parsed))) {
              failures.push(`${target.name} ${JSON.stringify(key)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
            }
          }
        }
        expect(count).toBeGreaterThan(100);
        expect(failures).toEqual([]);
      });

      it(`tRPC: ${what} in any input field → BAD_REQUEST naming the field`, async () => {
        const t = get();
        const fixtures = await fixturesFor(t);
        const failures: string[] = [];
        for (const target of trpcTargets()) {
          if (!target.input) continue;
          for (const slot of stringSlots(target.input)) {
            const input = setAt(exampleOf(target.input, '(input)', fixtures, uniq()), slot.at, slot.value(bad));
            const encoded = encodeURIComponent(JSON.stringify(input));
            const res =
              target.type === 'query'
                ? await t.inject({ method: 'GET', url: `/trpc/${target.path}?input=${encoded}` })
                : await t.inject({
                    method: 'POST',
                    url: `/trpc/${target.path}`,
                    payload: input as Record<string, unknown>,
                  });
            const data = (json<Json>(res).error?.data ?? {}) as Json;
            const key = slot.path(bad).join('.');
            if (
              res.statusCode !== 400 ||
              data.appCode !== 'VALIDATION_ERROR' ||
              !(key in (data.details?.fields ?? {}))
            ) {
              failures.push(`${target.path} ${JSON.stringify(key)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
            }
          }
        }
        expect(failures).toEqual([]);
      });
    }

    it('stores well-formed text unchanged (no silent U+FFFD)', async () => {
      const t = get();
      const [m] = (await fixturesFor(t)).machineId ?? [];
      const title = 'emoji 😀, CJK 機械, accents é';
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/machines/${m}/graph/nodes`,
        payload: { type: 'skill', title, data: { note: 'line 1\nline 2\ttab', [title]: [title] } },
      });
      expect(res.statusCode).toBe(201);
      const item = json<Json>(res).item as Json;
      expect(item.title).toBe(title);
      expect(item.data).toEqual({ note: 'line 1\nline 2\ttab', [title]: [title] });
    });

    it('refuses control characters in single-line fields, allows TAB/LF/CR in free text only', async () => {
      const t = get();
      const [m] = (await fixturesFor(t)).machineId ?? [];
      const node = (title: string, data?: Record<string, unknown>) =>
        t.inject({
          method: 'POST',
          url: `/api/v1/machines/${m}/graph/nodes`,
          payload: { type: 'skill', title, ...(data && { data }) },
        });
      for (const bad of ['a\nb', 'a\tb', 'a\u0001b', 'a\u007fb', 'a\u001bb']) {
        const res = await node(bad);
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
        expect(fieldsOf(json<Json>(res)).title).toMatch(/control characters/);
      }
      expect((await node('ok', { text: 'a\r\nb\tc' })).statusCode).toBe(201);
      expect((await node('ok', { text: 'bell\u0007' })).statusCode).toBe(400);
      expect((await node('ok', { ['key\n']: 1 })).statusCode).toBe(400);
      const svc = await t.inject({
        method: 'PUT',
        url: `/api/v1/market/services/${uniq('svc')}`,
        payload: {
          skillKey: 'qvac',
          providerKey: 'qvac',
          companyName: 'C',
          serviceType: 'storage.object',
          name: 'N',
          executionMode: 'external-handoff',
          integrationStatus: 'handoff-only',
          handoff: { label: 'L', url: 'https://example.com', notes: [] },
          description: 'two\nlines',
        },
      });
      expect(svc.statusCode).toBe(201);
      const token = await t.inject({
        method: 'PUT',
        url: `/api/v1/machines/${m}/runtime-endpoints/qvac`,
        payload: { endpointBaseUrl: 'http://127.0.0.1:9', authType: 'bearer', authToken: 'abc\r\nX-Injected: 1' },
      });
      expect(token.statusCode).toBe(400);
      expect(fieldsOf(json<Json>(token)).authToken).toMatch(/control characters/);
    });
  });

  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

  // Context C5: a malformed or out-of-range cursor → 400 on every list route, REST and tRPC.
  describe('cursor and limit abuse on every list route', () => {
    const CURSORS = [
      b64('s:9223372036854775808'),
      b64('s:18446744073709551616'),
      b64('s:99999999999999999999'),
      b64('s:-1'),
      b64('s:1.5'),
      b64('nope'),
      b64('k:'),
      '%%%',
      'abcde',
      '!!!!',
      'A'.repeat(300),
    ];
    const LIMITS_BAD = ['0', '501', '-1', '1.5', 'abc', '1e9', '99999999999999999999'];

    it('REST: every route with a cursor refuses foreign cursors and bad limits with 400', async () => {
      const t = get();
      const fixtures = await fixturesFor(t);
      const one = Object.fromEntries(Object.entries(fixtures).map(([k, v]) => [k, v[0]]));
      const lists = restTargets().filter((r) => r.query?.properties?.cursor);
      expect(lists.length).toBeGreaterThanOrEqual(10);
      const failures: string[] = [];
      for (const target of lists) {
        const base = `/api/v1${pathWith(target.route.path, one)}?${target.route.path === '/runs' ? `machineId=${one.machineId}&` : ''}`;
        const ok = await t.inject({ method: 'GET', url: `${base}limit=1` });
        if (ok.statusCode !== 200) failures.push(`${target.name} limit=1 → ${ok.statusCode}`);
        for (const cursor of CURSORS) {
          const res = await t.inject({ method: 'GET', url: `${base}cursor=${encodeURIComponent(cursor)}` });
          const parsed = json<Json>(res);
          if (res.statusCode !== 400 || parsed.error?.code !== 'VALIDATION_ERROR' || !fieldsOf(parsed).cursor) {
            failures.push(`${target.name} cursor=${cursor.slice(0, 30)} → ${res.statusCode} ${res.body.slice(0, 120)}`);
          }
        }
        for (const limit of LIMITS_BAD) {
          const res = await t.inject({ method: 'GET', url: `${base}limit=${limit}` });
          if (res.statusCode !== 400 || !fieldsOf(json<Json>(res)).limit)
            failures.push(`${target.name} limit=${limit} → ${res.statusCode}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('tRPC: every list procedure refuses foreign cursors with BAD_REQUEST', async () => {
      const t = get();
      const fixtures = await fixturesFor(t);
      const lists = trpcTargets().filter((p) => p.input?.properties?.cursor);
      expect(lists.length).toBeGreaterThanOrEqual(10);
      const failures: string[] = [];
      for (const target of lists) {
        const base = exampleOf(target.input ?? {}, '(input)', fixtures, uniq()) as Json;
        for (const cursor of [...CURSORS, '\ud800']) {
          const input = encodeURIComponent(JSON.stringify({ ...base, cursor }));
          const res = await t.inject({ method: 'GET', url: `/trpc/${target.path}?input=${input}` });
          const data = (json<Json>(res).error?.data ?? {}) as Json;
          if (res.statusCode !== 400 || data.appCode !== 'VALIDATION_ERROR' || !data.details?.fields?.cursor) {
            failures.push(`${target.path} ${cursor.slice(0, 30)} → ${res.statusCode} ${res.body.slice(0, 120)}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });

    it('a nextCursor handed out pages on, on seq lists and on the catalogue', async () => {
      const t = get();
      for (const url of ['/api/v1/audit-events?limit=2', '/api/v1/skills?limit=2', '/api/v1/market/services?limit=2']) {
        const first = json<Json>(await t.inject(url));
        expect(first.nextCursor, url).toEqual(expect.any(String));
        const next = await t.inject(`${url}&cursor=${first.nextCursor as string}`);
        expect(next.statusCode, url).toBe(200);
        expect((json<Json>(next).items as Json[])[0]).not.toEqual((first.items as Json[])[0]);
      }
      // A catalogue cursor is not a position in a seq list, and the reverse.
      const skills = json<Json>(await t.inject('/api/v1/skills?limit=1')).nextCursor as string;
      expect((await t.inject(`/api/v1/audit-events?cursor=${skills}`)).statusCode).toBe(400);
      const audit = json<Json>(await t.inject('/api/v1/audit-events?limit=1')).nextCursor as string;
      expect((await t.inject(`/api/v1/skills?cursor=${audit}`)).statusCode).toBe(400);
    });
  });

  // Context C5: data, input and metadata serialise to at most 64 KiB.
  describe('free-form JSON size', () => {
    const KIB64 = 64 * 1024;
    /** An object whose JSON is exactly `bytes` long. */
    const sized = (bytes: number) => ({ s: 'x'.repeat(bytes - JSON.stringify({ s: '' }).length) });

    it('each free-form field accepts 64 KiB and refuses more, naming the field and the limit', async () => {
      const t = get();
      const f = await fixturesFor(t);
      const m = f.machineId?.[0] ?? '';
      const [n1, n2] = [f.nodeId?.[0], f.targetNodeId?.[0]];
      const cases: {
        name: string;
        method: 'POST' | 'PATCH' | 'PUT';
        url: string;
        body: (d: unknown) => Json;
        field: string;
      }[] = [
        {
          name: 'node create',
          method: 'POST',
          url: `/machines/${m}/graph/nodes`,
          body: (d) => ({ type: 'skill', title: 't', data: d }),
          field: 'data',
        },
        {
          name: 'node patch',
          method: 'PATCH',
          url: `/machines/${m}/graph/nodes/${n1}`,
          body: (d) => ({ data: d }),
          field: 'data',
        },
        {
          name: 'edge create',
          method: 'POST',
          url: `/machines/${m}/graph/edges`,
          body: (d) => ({ sourceNodeId: n2, targetNodeId: n1, type: 'sync', data: d }),
          field: 'data',
        },
        {
          name: 'edge patch',
          method: 'PATCH',
          url: `/machines/${m}/graph/edges/${f.edgeId?.[0]}`,
          body: (d) => ({ data: d }),
          field: 'data',
        },
        {
          name: 'task create',
          method: 'POST',
          url: `/machines/${m}/tasks`,
          body: (d) => ({ serviceType: 'storage.object', taskType: 't', input: d }),
          field: 'input',
        },
        {
          name: 'service metadata',
          method: 'PUT',
          url: `/market/services/${uniq('svc')}`,
          body: (d) => ({
            skillKey: 'qvac',
            providerKey: 'qvac',
            companyName: 'C',
            serviceType: 'storage.object',
            name: 'N',
            executionMode: 'external-handoff',
            integrationStatus: 'handoff-only',
            handoff: { label: 'L', url: 'https://example.com', notes: [] },
            metadata: d,
          }),
          field: 'metadata',
        },
      ];
      for (const c of cases) {
        const over = await t.inject({ method: c.method, url: `/api/v1${c.url}`, payload: c.body(sized(KIB64 + 1)) });
        expect(over.statusCode, c.name).toBe(400);
        const body = json<Json>(over);
        expect(body.error.code).toBe('VALIDATION_ERROR');
        expect(fieldsOf(body)[c.field], c.name).toMatch(/65536 bytes/);
        expect(body.error.message, c.name).toContain(c.field);
        const ok = await t.inject({ method: c.method, url: `/api/v1${c.url}`, payload: c.body(sized(KIB64)) });
        expect(ok.statusCode, `${c.name}: ${ok.body.slice(0, 200)}`).toBeLessThan(300);
      }
      // Multi-byte characters count as their UTF-8 bytes.
      const cjk = await t.inject({
        method: 'POST',
        url: `/api/v1/machines/${m}/tasks`,
        payload: { serviceType: 'storage.object', taskType: 't', input: { s: '機'.repeat(22_000) } },
      });
      expect(cjk.statusCode).toBe(400);
    });

    it('execute refuses an input override above 64 KiB', async () => {
      const t = get();
      const f = await fixturesFor(t);
      const m = f.machineId?.[0] ?? '';
      const task = f.taskId?.[0] ?? '';
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/machines/${m}/tasks/${task}/execute`,
        payload: { input: sized(KIB64 + 1) },
      });
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(json<Json>(res)).input).toMatch(/65536 bytes/);
      const trpc = await t.inject({
        method: 'POST',
        url: '/trpc/tasks.execute',
        payload: { machineId: m, taskId: task, input: sized(KIB64 + 1) },
      });
      expect(trpc.statusCode).toBe(400);
      expect(json<Json>(trpc).error.data.details.fields.input).toMatch(/65536 bytes/);
    });
  });
});

/** Writes raw bytes to the server and reads what comes back until it closes the connection. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (out += d));
    socket.on('error', (err) => (out ? resolve(out) : reject(err)));
    socket.on('close', () => resolve(out));
    socket.setTimeout(5000, () => socket.destroy());
    socket.write(bytes);
  });
}

// Context C5: errors raised below the framework answer in the envelope too.
describe('errors below the HTTP framework', () => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp('pglite', { listen: true });
  });
  afterAll(async () => {
    await t?.app.close();
  });
  const port = () => Number(new URL(t?.baseUrl ?? 'http://x:0').port);

  it.each([
    ['a bad request line', 'GARBAGE\r\n\r\n', 400, 'VALIDATION_ERROR'],
    ['an invalid method token', 'G@T /health HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'VALIDATION_ERROR'],
    ['a bad HTTP version', 'GET /health HTTP/9.Z\r\nHost: x\r\n\r\n', 400, 'VALIDATION_ERROR'],
    [
      'header syntax (space in the name)',
      'GET /health HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n',
      400,
      'VALIDATION_ERROR',
    ],
    ['a header without a colon', 'GET /health HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n', 400, 'VALIDATION_ERROR'],
    ['a NUL in a header value', 'GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n', 400, 'VALIDATION_ERROR'],
    [
      'conflicting Content-Length headers',
      'POST /api/v1/machines HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      400,
      'VALIDATION_ERROR',
    ],
    [
      'a non-numeric Content-Length',
      'POST /api/v1/machines HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      400,
      'VALIDATION_ERROR',
    ],
    [
      'an oversized header',
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'HEADERS_TOO_LARGE',
    ],
    [
      'too many headers',
      `GET /health HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\n`,
      431,
      'HEADERS_TOO_LARGE',
    ],
  ])('%s answers 4xx in the envelope', async (_what, request, status, code) => {
    const raw = await rawRequest(port(), request);
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(head.toLowerCase()).toContain('content-type: application/json');
    const parsed = JSON.parse(body) as Json;
    expect(parsed.error.code).toBe(code);
    expect(parsed.error.message).toEqual(expect.any(String));
    expect(body).not.toMatch(/HPE_|stack|\n\s+at /);
  });

  it('still serves the next connection', async () => {
    const raw = await rawRequest(port(), 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
  });
});
