/**
 * The HTTP surface as a client meets it: the error envelope and status table (context B1, B10),
 * body handling (B9), /health, the OpenAPI document, the console fallback and API-key auth (A1, B2).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCaller } from '@mm/api';
import type { MachineView } from '@mm/contracts';
import { routeTable } from '@mm/rest';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../src/version.ts';
import { describeEachDb, json, startTestApp, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type ErrorBody = { error: { code: string; message: string; details?: { fields?: Record<string, string> } } };

const CONSOLE_INDEX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../console/dist/index.html');

/** Asserts the one error envelope of context B1 and returns it. */
function envelope(res: LightMyRequestResponse, status: number, code: string): ErrorBody['error'] {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = json<ErrorBody>(res);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  // Nothing internal reaches a body (context B1).
  expect(res.body).not.toMatch(/\bat .+:\d+:\d+|stack|SyntaxError|prisma|SELECT /i);
  return body.error;
}

function nested(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
}

async function machine(t: TestApp): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/machines',
    payload: { displayName: 'H', identityRef: `peaqos:machine:${uniq()}` },
  });
  expect(res.statusCode).toBe(201);
  return json<{ item: MachineView }>(res).item.id;
}

const rawJson = (t: TestApp, method: 'POST' | 'PUT' | 'PATCH', url: string, body: string) =>
  t.inject({ method, url, payload: body, headers: { 'content-type': 'application/json' } });

describeEachDb('http surface', (get) => {
  it('answers an unknown route under /api/v1 with 404 NOT_FOUND in the envelope', async () => {
    const t = get();
    envelope(await t.inject({ url: '/api/v1/nothing-here' }), 404, 'NOT_FOUND');
    envelope(await t.inject({ method: 'POST', url: '/api/v1/machines/x/y/z', payload: {} }), 404, 'NOT_FOUND');
    envelope(await t.inject({ url: '/api/v2/machines' }), 404, 'NOT_FOUND');
  });

  it('answers malformed JSON with 400 VALIDATION_ERROR', async () => {
    const t = get();
    for (const body of ['{"displayName":', '{displayName: "x"}', "{'a':1}", '[1,2']) {
      const err = envelope(await rawJson(t, 'POST', '/api/v1/machines', body), 400, 'VALIDATION_ERROR');
      expect(err.message).toMatch(/JSON/);
    }
  });

  it('answers a non-JSON content type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const t = get();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/machines',
        payload: 'displayName=x&identityRef=peaqos:machine:x',
        headers: { 'content-type': type },
      });
      envelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('answers a body above 1 MiB with 413 PAYLOAD_TOO_LARGE, and accepts one just below', async () => {
    const t = get();
    const big = JSON.stringify({
      displayName: 'x',
      identityRef: `peaqos:machine:${uniq()}`,
      pad: 'x'.repeat(1024 * 1024),
    });
    envelope(await rawJson(t, 'POST', '/api/v1/machines', big), 413, 'PAYLOAD_TOO_LARGE');
    const fits = JSON.stringify({
      displayName: 'x',
      identityRef: `peaqos:machine:${uniq()}`,
      pad: 'x'.repeat(1000 * 1000),
    });
    expect((await rawJson(t, 'POST', '/api/v1/machines', fits)).statusCode).toBe(201);
  });

  it('answers a known path with an unsupported method with 405 METHOD_NOT_ALLOWED and Allow', async () => {
    const t = get();
    const m = await machine(t);
    const cases: [string, string, string[]][] = [
      ['DELETE', '/api/v1/machines', ['GET', 'POST']],
      ['PUT', '/api/v1/audit-events', ['GET']],
      ['POST', `/api/v1/machines/${m}/runtime-endpoints/qvac`, ['GET', 'PUT', 'DELETE']],
      ['DELETE', `/api/v1/machines/${m}`, ['GET', 'PATCH']],
    ];
    for (const [method, url, allowed] of cases) {
      const res = await t.inject({ method: method as 'GET', url, ...(method !== 'DELETE' && { payload: {} }) });
      envelope(res, 405, 'METHOD_NOT_ALLOWED');
      const allow = String(res.headers.allow).split(/,\s*/).sort();
      expect(allow, `${method} ${url}`).toEqual([...allowed].sort());
    }
  });

  // Context B9: unknown body fields are ignored.
  it('ignores unknown body fields, including ones that name server-owned fields', async () => {
    const t = get();
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/machines',
      payload: {
        displayName: 'Extra',
        identityRef: `peaqos:machine:${uniq()}`,
        id: 'chosen-id',
        ownerId: 'mallory',
        colour: 'red',
      },
    });
    expect(res.statusCode).toBe(201);
    const item = json<{ item: Record<string, unknown> }>(res).item;
    expect(item.id).not.toBe('chosen-id');
    expect(item.ownerId).toBe('local');
    expect(item).not.toHaveProperty('colour');
  });

  // Context B10: numbers are JSON numbers.
  it('refuses a string "5" where a number belongs, naming the field', async () => {
    const t = get();
    const m = await machine(t);
    const task = await t.inject({
      method: 'POST',
      url: `/api/v1/machines/${m}/tasks`,
      payload: { serviceType: 'storage.object', taskType: 'x', discovery: { maxCandidates: '5' } },
    });
    expect(envelope(task, 400, 'VALIDATION_ERROR').details?.fields).toHaveProperty(['discovery.maxCandidates']);
    const node = await t.inject({
      method: 'POST',
      url: `/api/v1/machines/${m}/graph/nodes`,
      payload: { type: 'task', title: 'T', position: { x: '5' } },
    });
    expect(envelope(node, 400, 'VALIDATION_ERROR').details?.fields).toHaveProperty(['position.x']);
    const policy = await t.inject({
      method: 'POST',
      url: '/api/v1/policies',
      payload: { name: 'P', budgetCap: { amount: '5', currency: 'USD' } },
    });
    expect(envelope(policy, 400, 'VALIDATION_ERROR').details?.fields).toHaveProperty(['budgetCap.amount']);
  });

  // Context B10: NUL characters in any string → 400.
  it('refuses NUL characters in strings, in plain fields and inside free-form data', async () => {
    const t = get();
    const m = await machine(t);
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/machines',
      payload: { displayName: 'a\u0000b', identityRef: `peaqos:machine:${uniq()}` },
    });
    expect(envelope(res, 400, 'VALIDATION_ERROR').details?.fields).toHaveProperty('displayName');
    const node = await t.inject({
      method: 'POST',
      url: `/api/v1/machines/${m}/graph/nodes`,
      payload: { type: 'task', title: 'T', data: { note: 'x\u0000' } },
    });
    envelope(node, 400, 'VALIDATION_ERROR');
    const ep = await t.inject({
      method: 'PUT',
      url: `/api/v1/machines/${m}/runtime-endpoints/qvac`,
      payload: { endpointBaseUrl: 'http://127.0.0.1:1', label: 'a\u0000' },
    });
    expect(envelope(ep, 400, 'VALIDATION_ERROR').details?.fields).toHaveProperty('label');
  });

  // Context B10: nesting deeper than 32 levels in a free-form field → 400.
  it('accepts 32 levels of graph data and task input, and refuses 33', async () => {
    const t = get();
    const m = await machine(t);
    const nodeOk = await t.inject({
      method: 'POST',
      url: `/api/v1/machines/${m}/graph/nodes`,
      payload: { type: 'task', title: 'T', data: nested(32) },
    });
    expect(nodeOk.statusCode, nodeOk.body).toBe(201);
    const nodeBad = await t.inject({
      method: 'POST',
      url: `/api/v1/machines/${m}/graph/nodes`,
      payload: { type: 'task', title: 'T', data: nested(33) },
    });
    expect(envelope(nodeBad, 400, 'VALIDATION_ERROR').message).toMatch(/32 levels/);

    const task = (input: unknown) =>
      t.inject({
        method: 'POST',
        url: `/api/v1/machines/${m}/tasks`,
        payload: { serviceType: 'storage.object', taskType: 'x', input },
      });
    const taskOk = await task(nested(32));
    expect(taskOk.statusCode, taskOk.body).toBe(201);
    envelope(await task(nested(33)), 400, 'VALIDATION_ERROR');
    envelope(await task(nested(200)), 400, 'VALIDATION_ERROR');
  });

  // Context B10: __proto__/constructor/prototype keys never reach an object's prototype.
  it('refuses __proto__ in task input and never pollutes Object.prototype', async () => {
    const t = get();
    const m = await machine(t);
    const url = `/api/v1/machines/${m}/tasks`;
    const bodies = [
      '{"serviceType":"storage.object","taskType":"x","input":{"__proto__":{"polluted":true}}}',
      '{"serviceType":"storage.object","taskType":"x","input":{"a":{"__proto__":{"polluted":true}}}}',
      '{"serviceType":"storage.object","taskType":"x","input":{"constructor":{"prototype":{"polluted":true}}}}',
    ];
    for (const body of bodies) {
      const err = envelope(await rawJson(t, 'POST', url, body), 400, 'VALIDATION_ERROR');
      expect(Object.keys(err.details?.fields ?? {}).some((k) => /__proto__|constructor/.test(k))).toBe(true);
    }
    // At the top of a body the key is an unknown field: ignored, and still harmless.
    const top = await rawJson(
      t,
      'POST',
      url,
      '{"__proto__":{"polluted":true},"serviceType":"storage.object","taskType":"x"}',
    );
    expect(top.statusCode).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    const created = json<{ item: Record<string, unknown> }>(top).item;
    expect(created.polluted).toBeUndefined();
    expect(JSON.stringify(created)).not.toContain('polluted');
  });

  // Context B9: GET /health → 200 {status, version, database}.
  it('answers GET /health at the root with status, version and database', async () => {
    const res = await get().inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ status: 'ok', version: VERSION, database: 'ok' });
    expect((await get().inject({ url: '/api/v1/health' })).statusCode).toBe(404);
  });

  it('serves an OpenAPI document listing every path of the route table with its methods', async () => {
    const res = await get().inject({ url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = json<{
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>(res);
    expect(doc.openapi).toMatch(/^3\./);
    // `/health` lives at the host root and the change feed streams: both are documented beside the
    // route table (docs/api.md "OpenAPI document").
    const expected = new Map<string, Set<string>>([
      ['/health', new Set(['get'])],
      ['/api/v1/events', new Set(['get'])],
    ]);
    for (const r of routeTable) {
      const p = `/api/v1${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
      if (!expected.has(p)) expected.set(p, new Set());
      expected.get(p)!.add(r.method.toLowerCase());
      const op = doc.paths[p]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${p}`).toBeDefined();
      expect(op?.responses, `${r.method} ${p}`).toHaveProperty(String(r.status));
      if (r.upsert) expect(op?.responses).toHaveProperty('201');
    }
    expect(Object.keys(doc.paths).sort()).toEqual([...expected.keys()].sort());
    for (const [p, methods] of expected) expect(Object.keys(doc.paths[p] ?? {}).sort()).toEqual([...methods].sort());
    // Spot checks against the reference.
    expect(doc.paths['/api/v1/machines/{machineId}/runtime-endpoints/{providerKey}']).toHaveProperty('put');
    expect(doc.paths['/api/v1/machines/{machineId}/runtime-endpoints/{providerKey}']?.delete?.responses).toHaveProperty(
      '204',
    );
    expect(doc.paths['/api/v1/audit-events']).toHaveProperty('get');
  });

  it('serves the console for client-side routes when it is built', async () => {
    if (!fs.existsSync(CONSOLE_INDEX)) return; // apps/console/dist not built: covered by the MM_CONSOLE_DIR app below
    const res = await get().inject({ url: '/machines/abc' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toBe(fs.readFileSync(CONSOLE_INDEX, 'utf8'));
  });

  // A second app on the same database: API auth on (context A1, B2, B9) and a console folder of our own.
  describe('a second app with API auth on and its own console folder', () => {
    let authed: TestApp | undefined;
    let consoleDir = '';
    const INDEX = '<!doctype html><title>mm console test</title><div id="root"></div>';
    beforeAll(async () => {
      consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-console-'));
      fs.writeFileSync(path.join(consoleDir, 'index.html'), INDEX);
      authed = await startTestApp(get().kind, {
        env: { PEAQOS_REQUIRE_API_AUTH: 'true', MM_API_KEYS: 'alice:k1,bob:k2', MM_CONSOLE_DIR: consoleDir },
      });
    });
    afterAll(async () => {
      await authed?.app.close();
      fs.rmSync(consoleDir, { recursive: true, force: true });
    });
    const a = () => {
      if (!authed) throw new Error('auth app not started');
      return authed;
    };
    const body = () => ({ displayName: 'Owned', identityRef: `peaqos:machine:${uniq()}` });

    it('auth on: no key → 401 API_KEY_REQUIRED, wrong key → 401 API_KEY_INVALID', async () => {
      envelope(await a().inject({ url: '/api/v1/machines' }), 401, 'API_KEY_REQUIRED');
      envelope(await a().inject({ method: 'POST', url: '/api/v1/machines', payload: body() }), 401, 'API_KEY_REQUIRED');
      envelope(await a().inject({ url: '/api/v1/machines', headers: { 'x-api-key': 'k3' } }), 401, 'API_KEY_INVALID');
      envelope(await a().inject({ url: '/api/v1/skills', headers: { 'x-api-key': '' } }), 401, 'API_KEY_REQUIRED');
    });

    it('auth on: the right key → 2xx, and the machine is owned by the key owner', async () => {
      const res = await a().inject({
        method: 'POST',
        url: '/api/v1/machines',
        payload: body(),
        headers: { 'x-api-key': 'k1' },
      });
      expect(res.statusCode).toBe(201);
      const item = json<{ item: MachineView }>(res).item;
      expect(item.ownerId).toBe('alice');
      expect(
        (await a().inject({ url: `/api/v1/machines/${item.id}`, headers: { 'x-api-key': 'k1' } })).statusCode,
      ).toBe(200);
      // Another owner does not see it (context C3: existence is not revealed).
      const got = await a().inject({ url: `/api/v1/machines/${item.id}`, headers: { 'x-api-key': 'k2' } });
      expect(got.statusCode).toBe(404);
      const bob = await a().inject({
        method: 'POST',
        url: '/api/v1/machines',
        payload: body(),
        headers: { 'x-api-key': 'k2' },
      });
      expect(json<{ item: MachineView }>(bob).item.ownerId).toBe('bob');
    });

    it('auth on: validation runs before authentication', async () => {
      const res = await a().inject({ method: 'POST', url: '/api/v1/machines', payload: { displayName: '' } });
      expect(envelope(res, 400, 'VALIDATION_ERROR').details?.fields).toHaveProperty('identityRef');
      envelope(await a().inject({ url: '/api/v1/machines?limit=0' }), 400, 'VALIDATION_ERROR');
      // A valid request without a key is still refused.
      envelope(await a().inject({ url: '/api/v1/machines?limit=1' }), 401, 'API_KEY_REQUIRED');
    });

    it('auth on: /health needs no key', async () => {
      const res = await a().inject({ url: '/health' });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toMatchObject({ status: 'ok', database: 'ok' });
    });

    it('auth on: tRPC callers need the key too', async () => {
      const anonymous = createCaller(a().app.trpcContext());
      await expect(anonymous.machines.list({})).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
        cause: { code: 'API_KEY_REQUIRED' },
      });
      const wrong = createCaller(a().app.trpcContext({ 'x-api-key': 'nope' }));
      await expect(wrong.machines.list({})).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
        cause: { code: 'API_KEY_INVALID' },
      });
      const alice = createCaller(a().app.trpcContext({ 'x-api-key': 'k1' }));
      expect((await alice.machines.create(body())).ownerId).toBe('alice');
      // Validation before authentication over tRPC as well.
      await expect(anonymous.machines.create({ displayName: 'x', identityRef: 'bad' })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
    });

    it('serves the console index.html for client-side routes, and JSON errors for the API', async () => {
      for (const url of ['/machines/abc', '/machines/abc/graph', '/']) {
        const res = await a().inject({ url });
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-type']).toMatch(/text\/html/);
        expect(res.body).toBe(INDEX);
      }
      envelope(await a().inject({ url: '/api/v1/no-such-thing', headers: { 'x-api-key': 'k1' } }), 404, 'NOT_FOUND');
      // A POST to a console path is not a page.
      expect((await a().inject({ method: 'POST', url: '/machines/abc', payload: {} })).statusCode).toBe(404);
    });
  });
});
