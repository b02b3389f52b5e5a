/**
 * Outbound calls against a hostile runtime (context C4, docs/trust.md "Outbound calls" and
 * "Credentials"): the runtime runs as its own process on loopback, so what the orchestrator holds
 * in memory is measured alone; every answer it can give is cut, refused or classified in words.
 * The app logs at `trace` into a buffer: no stored credential or agent token reaches a log line.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_NETWORK_POLICY } from '@mm/core';
import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { createHttpRuntime } from '@mm/runtime-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb, json, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Ports = Record<'huge' | 'bomb' | 'slow' | 'redirect' | 'garbage' | 'canary', number>;
type Stats = { canaryConnections: number; hugeBytesSent: number; hugeRequests: number };

const MiB = 1024 * 1024;
const LOW_LEVEL = /ECONN|EPIPE|ENOTFOUND|HPE_|UND_ERR|ERR_|Error:/;

let hostile: ChildProcess;
let ports: Ports;
let bombBytes = 0;
let a: FakeRuntime;
let b: FakeRuntime;
/** Every line the app logged in the hostile-runtime suite, and the secrets that must not be in them. */
const logLines: string[] = [];
const secrets: string[] = [];

beforeAll(async () => {
  hostile = fork(fileURLToPath(new URL('./fixtures/hostile-runtime.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ ports: Ports; bombBytes: number }>((resolve, reject) => {
    hostile.once('message', (m) => resolve(m as { ports: Ports; bombBytes: number }));
    hostile.once('exit', (code) => reject(new Error(`hostile runtime exited with ${code}`)));
  });
  ports = ready.ports;
  bombBytes = ready.bombBytes;
  [a, b] = await Promise.all([startFakeRuntime(), startFakeRuntime()]);
});

afterAll(async () => {
  hostile?.kill();
  await Promise.all([a?.close(), b?.close()]);
});

function stats(): Promise<Stats> {
  return new Promise((resolve) => {
    hostile.once('message', (m) => resolve((m as { stats: Stats }).stats));
    hostile.send('stats');
  });
}

const url = (port: number) => `http://127.0.0.1:${port}`;
const post = (t: TestApp, path: string, payload: Json = {}) => t.inject({ method: 'POST', url: path, payload });
const put = (t: TestApp, m: string, payload: Json, key = 'qvac') =>
  t.inject({ method: 'PUT', url: `/api/v1/machines/${m}/runtime-endpoints/${key}`, payload });

async function machine(t: TestApp): Promise<string> {
  const res = await post(t, '/api/v1/machines', { displayName: 'Rover', identityRef: `peaqos:machine:${uniq()}` });
  expect(res.statusCode).toBe(201);
  return json<{ item: { id: string } }>(res).item.id;
}

/** A native-only task on machine `m`, resolved and executed. */
async function execute(t: TestApp, m: string) {
  const created = await post(t, `/api/v1/machines/${m}/tasks`, {
    serviceType: 'compute.marketplace',
    taskType: 'inference',
    operation: 'run-private-inference',
    input: { messages: [{ role: 'user', content: 'hello' }] },
    constraints: { allowExternalHandoff: false },
  });
  const id = json<{ item: { id: string } }>(created).item.id;
  expect((await post(t, `/api/v1/machines/${m}/tasks/${id}/resolve`)).statusCode).toBe(201);
  const res = await post(t, `/api/v1/machines/${m}/tasks/${id}/execute`);
  return { status: res.statusCode, body: json<Json>(res), raw: res.body };
}

async function executeAgainst(t: TestApp, endpoint: Json) {
  const m = await machine(t);
  const res = await put(t, m, endpoint);
  expect(res.statusCode, res.body).toBe(201);
  return execute(t, m);
}

function expectClassified(body: Json, code: string, words: RegExp) {
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(words);
  expect(body.error.message).not.toMatch(LOW_LEVEL);
  expect(body.run.attempts.at(-1).errorMessage).not.toMatch(LOW_LEVEL);
}

describeEachDb(
  'outbound calls to a hostile runtime',
  (get) => {
    it('cuts a 3 GiB streamed answer at the cap, quickly, without holding it', async () => {
      const t = get();
      const before = await stats();
      const rss = process.memoryUsage().rss;
      const started = Date.now();
      const res = await executeAgainst(t, { endpointBaseUrl: url(ports.huge) });
      const grewBy = process.memoryUsage().rss - rss;
      expect(res.status).toBe(502);
      expectClassified(res.body, 'RUNTIME_ERROR', /response too large/);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(grewBy).toBeLessThan(64 * MiB);
      const after = await stats();
      expect(after.hugeRequests).toBe(before.hugeRequests + 1);
      // The runtime could push little more than the cap plus socket buffers before we hung up.
      expect(after.hugeBytesSent - before.hugeBytesSent).toBeLessThan(256 * MiB);
    });

    it('decodes a gzip bomb only up to the cap (1 MiB → 1 GiB)', async () => {
      const t = get();
      expect(bombBytes).toBeLessThan(2 * MiB);
      const rss = process.memoryUsage().rss;
      const res = await executeAgainst(t, { endpointBaseUrl: url(ports.bomb) });
      expect(process.memoryUsage().rss - rss).toBeLessThan(64 * MiB);
      expect(res.status).toBe(502);
      expectClassified(res.body, 'RUNTIME_ERROR', /response too large/);
    });

    it('times out an endless slow stream within the per-attempt timeout', async () => {
      const t = get();
      const started = Date.now();
      const res = await executeAgainst(t, { endpointBaseUrl: url(ports.slow) });
      expect(res.status).toBe(504);
      expectClassified(res.body, 'RUNTIME_TIMEOUT', /within 2000 ms/);
      expect(Date.now() - started).toBeLessThan(2_000 + 3_000);
    });

    it('refuses a redirect without contacting its target', async () => {
      const t = get();
      const before = await stats();
      const res = await executeAgainst(t, { endpointBaseUrl: url(ports.redirect) });
      expect(res.status).toBe(502);
      expectClassified(res.body, 'RUNTIME_ERROR', /redirect/);
      expect(res.body.run.attempts[0].httpStatus).toBe(302);
      expect((await stats()).canaryConnections).toBe(before.canaryConnections);
    });

    it('classifies garbage that is not HTTP, and a refused connection, in words', async () => {
      const t = get();
      const garbage = await executeAgainst(t, { endpointBaseUrl: url(ports.garbage) });
      expect(garbage.status).toBe(502);
      expectClassified(garbage.body, 'RUNTIME_ERROR', /not an HTTP answer/);
      const refused = await executeAgainst(t, { endpointBaseUrl: 'http://127.0.0.1:9' });
      expect(refused.status).toBe(503);
      expectClassified(refused.body, 'RUNTIME_UNREACHABLE', /connection refused/);
    });

    describe('SSRF', () => {
      it.each<[string, Json, string]>([
        ['cloud metadata IP', { endpointBaseUrl: 'http://169.254.169.254' }, 'endpointBaseUrl'],
        ['metadata IP, IPv4-mapped', { endpointBaseUrl: 'http://[::ffff:169.254.169.254]' }, 'endpointBaseUrl'],
        ['metadata name', { endpointBaseUrl: 'http://metadata.google.internal' }, 'endpointBaseUrl'],
        ['unspecified', { endpointBaseUrl: 'http://0.0.0.0:8080' }, 'endpointBaseUrl'],
        ['IPv6 link-local', { endpointBaseUrl: 'http://[fe80::1]:80' }, 'endpointBaseUrl'],
        [
          'loopback declared public',
          { endpointBaseUrl: 'http://127.0.0.1:5432', networkScope: 'public' },
          'endpointBaseUrl',
        ],
        [
          'mapped loopback declared public',
          { endpointBaseUrl: 'http://[::ffff:127.0.0.1]:5432', networkScope: 'public' },
          'endpointBaseUrl',
        ],
        [
          'private declared loopback',
          { endpointBaseUrl: 'http://10.0.0.5', networkScope: 'loopback' },
          'endpointBaseUrl',
        ],
      ])('refuses %s at upsert with 400 naming the field', async (_name, payload, field) => {
        const t = get();
        const m = await machine(t);
        const res = await put(t, m, payload);
        expect(res.statusCode, res.body).toBe(400);
        const body = json<Json>(res);
        expect(body.error.code).toBe('VALIDATION_ERROR');
        expect(Object.keys(body.error.details.fields)).toEqual([field]);
      });

      it('refuses the same through an agent heartbeat', async () => {
        const t = get();
        const { machineId, agentId, token } = await enrol(t);
        const res = await post(t, '/api/v1/machine-agents/heartbeat', {
          machineId,
          agentId,
          agentToken: token,
          endpoints: [
            { providerKey: 'qvac', endpointBaseUrl: 'http://[::ffff:127.0.0.1]:5432', networkScope: 'public' },
          ],
        });
        expect(res.statusCode).toBe(400);
        expect(json<Json>(res).error.code).toBe('VALIDATION_ERROR');
      });

      it('refuses at call time a host name that resolves to loopback under scope public', async () => {
        const t = get();
        const seen = a.requests.length;
        const res = await executeAgainst(t, { endpointBaseUrl: `http://localhost:${a.port}`, networkScope: 'public' });
        expect(res.status).toBe(503);
        expectClassified(res.body, 'RUNTIME_UNREACHABLE', /not allowed for scope public/);
        expect(res.raw).not.toContain('127.0.0.1');
        expect(a.requests.length).toBe(seen);
      });
    });

    describe('credentials', () => {
      it('does not hand an operator token to a URL an agent re-registers without a token', async () => {
        const t = get();
        const { machineId: m, agentId, token } = await enrol(t);
        const secret = `op-secret-${uniq()}`;
        secrets.push(secret);
        const put1 = await put(t, m, { endpointBaseUrl: a.url, authType: 'bearer', authToken: secret });
        expect(json<Json>(put1).item.hasAuthToken).toBe(true);
        const hb = await post(t, '/api/v1/machine-agents/heartbeat', {
          machineId: m,
          agentId,
          agentToken: token,
          endpoints: [{ providerKey: 'qvac', endpointBaseUrl: b.url, authType: 'bearer' }],
        });
        expect(hb.statusCode, hb.body).toBe(200);
        expect(json<Json>(hb).endpoints[0]).toMatchObject({ endpointBaseUrl: b.url, hasAuthToken: false });
        const seen = b.requests.length;
        const res = await execute(t, m);
        expect(res.status).toBe(200);
        const got = b.requests.slice(seen);
        expect(got).toHaveLength(1);
        expect(got[0]?.headers.authorization).toBeUndefined();
        expect(JSON.stringify(got)).not.toContain(secret);
        const view = json<Json>(await t.inject({ url: `/api/v1/machines/${m}/runtime-endpoints/qvac` })).item;
        expect(view.hasAuthToken).toBe(false);
      });

      it('clears a stored token when a manual PUT moves the URL without one, and keeps it when the URL stays', async () => {
        const t = get();
        const m = await machine(t);
        await put(t, m, { endpointBaseUrl: a.url, authType: 'bearer', authToken: 'tok-1' });
        const same = await put(t, m, { endpointBaseUrl: `${a.url}/some/path`, authType: 'bearer' });
        expect(json<Json>(same).item.hasAuthToken).toBe(true);
        const moved = await put(t, m, { endpointBaseUrl: b.url, authType: 'bearer' });
        expect(json<Json>(moved).item).toMatchObject({ hasAuthToken: false, authType: 'bearer' });
        const withNew = await put(t, m, { endpointBaseUrl: b.url, authType: 'bearer', authToken: 'tok-2' });
        expect(json<Json>(withNew).item.hasAuthToken).toBe(true);
        const seen = b.requests.length;
        expect((await execute(t, m)).status).toBe(200);
        expect(b.requests[seen]?.headers.authorization).toBe('Bearer tok-2');
      });

      it.each(['abc\r\nX-Injected: 1', 'abc\ndef', 'abc\u0000', 'tab\there', 'del\u007f'])(
        'refuses a token with control characters (%j) without echoing it',
        async (bad) => {
          const t = get();
          const m = await machine(t);
          const res = await put(t, m, { endpointBaseUrl: a.url, authType: 'bearer', authToken: bad });
          expect(res.statusCode).toBe(400);
          const body = json<Json>(res);
          expect(body.error.code).toBe('VALIDATION_ERROR');
          expect(JSON.stringify(body.error.details)).toContain('authToken');
          expect(res.body).not.toContain(JSON.stringify(bad).slice(1, -1));
        },
      );
    });

    it('logged every failure above without a credential or an agent token in any line', () => {
      expect(secrets.length).toBeGreaterThan(1);
      const log = logLines.join('');
      // The request log saw the failed executions (502, 503, 504) and the refused writes (400).
      for (const status of [400, 502, 503, 504]) expect(log).toContain(`"statusCode":${status}`);
      for (const secret of [...secrets, 'tok-1', 'tok-2']) expect(log).not.toContain(secret);
    });
  },
  { logLines },
);

describeEachDb(
  'outbound calls with forbidden scopes',
  (get) => {
    it('refuses an endpoint whose scope MM_ALLOWED_NETWORK_SCOPES forbids', async () => {
      const t = get();
      const m = await machine(t);
      const derived = await put(t, m, { endpointBaseUrl: 'https://runtime.example.com' });
      expect(derived.statusCode).toBe(400);
      expect(json<Json>(derived).error.details.fields).toHaveProperty('endpointBaseUrl');
      const explicit = await put(t, m, { endpointBaseUrl: 'https://runtime.example.com', networkScope: 'public' });
      expect(explicit.statusCode).toBe(400);
      expect(json<Json>(explicit).error.details.fields.networkScope).toMatch(/not allowed/);
      expect((await put(t, m, { endpointBaseUrl: a.url })).statusCode).toBe(201);
    });
  },
  { env: { MM_ALLOWED_NETWORK_SCOPES: 'loopback,lan' } },
);

async function enrol(t: TestApp) {
  const machineId = await machine(t);
  const res = await post(t, `/api/v1/machines/${machineId}/agents/enrollment`);
  expect(res.statusCode).toBe(201);
  const { item } = json<{ item: { id: string; agentToken: string } }>(res);
  secrets.push(item.agentToken);
  return { machineId, agentId: item.id, token: item.agentToken };
}

// The probe method of the port (context C6); the periodic prober is wired elsewhere.
describe('runtime port: probe', () => {
  const runtime = createHttpRuntime({ policy: DEFAULT_NETWORK_POLICY });
  const target = { networkScope: 'loopback' as const, authType: 'none' as const, authToken: null, timeoutMs: 1_000 };

  it('is healthy on a 2xx answer to GET base + probePath, with the credential', async () => {
    const seen = a.requests.length;
    const res = await runtime.probe({
      ...target,
      endpointBaseUrl: a.url,
      probePath: '/v1/models',
      authType: 'bearer',
      authToken: 'p',
    });
    expect(res).toMatchObject({ healthy: true, httpStatus: 200 });
    expect(a.requests[seen]).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(a.requests[seen]?.headers.authorization).toBe('Bearer p');
  });

  it('is unhealthy on a non-2xx, a redirect, a timeout, or an address outside the scope', async () => {
    expect(await runtime.probe({ ...target, endpointBaseUrl: a.url, probePath: '/nope' })).toMatchObject({
      healthy: false,
      code: 'RUNTIME_ERROR',
      httpStatus: 404,
    });
    expect(await runtime.probe({ ...target, endpointBaseUrl: url(ports.redirect), probePath: '/' })).toMatchObject({
      healthy: false,
      message: expect.stringMatching(/redirect/),
    });
    const slow = await runtime.probe({
      ...target,
      endpointBaseUrl: url(ports.garbage),
      probePath: '/',
      timeoutMs: 300,
    });
    expect(slow.healthy).toBe(false);
    expect(
      await runtime.probe({ ...target, networkScope: 'lan', endpointBaseUrl: a.url, probePath: '/health' }),
    ).toMatchObject({
      healthy: false,
      code: 'RUNTIME_UNREACHABLE',
      message: expect.stringMatching(/scope lan/),
    });
  });
});
