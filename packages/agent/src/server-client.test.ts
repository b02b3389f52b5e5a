import { describe, expect, it } from 'vitest';
import type { FetchLike } from './probe.ts';
import { classifyHttp, createServerClient, ServerError } from './server-client.ts';

const now = new Date().toISOString();
const agent = {
  id: 'a-1',
  machineId: 'm-1',
  label: 'Machine runtime agent',
  allowedProviderKeys: ['qvac'],
  status: 'active',
  hasAgentToken: true,
  lastSeenAt: now,
  createdAt: now,
  updatedAt: now,
};

function fakeFetch(answer: () => Response | Promise<Response>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const f: FetchLike = (url, init) => {
    calls.push({ url, init });
    return Promise.resolve(answer());
  };
  return { f, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const req = { machineId: 'm-1', agentId: 'a-1', endpoints: [] };

describe('server client', () => {
  it('sends the heartbeat with the token in Authorization only and validates the answer', async () => {
    const { f, calls } = fakeFetch(() => json(200, { item: agent, endpoints: [], nextHeartbeatInSeconds: 40 }));
    const client = createServerClient({ server: 'http://s:1/', requestTimeoutMs: 1_000, fetch: f });
    const result = await client.heartbeat(req, 'tok', undefined);
    expect(result).toMatchObject({ kind: 'ok', response: { nextHeartbeatInSeconds: 40 } });
    expect(calls[0]!.url).toBe('http://s:1/api/v1/machine-agents/heartbeat');
    expect(calls[0]!.init.headers).toMatchObject({ authorization: 'Bearer tok' });
    expect(calls[0]!.init.body as string).not.toContain('tok');
  });

  it('retries on 5xx (with Retry-After), 429, 409 and a malformed 200; gives up on 400, 401, 403, 404', async () => {
    const answer = async (res: Response) =>
      createServerClient({
        server: 'http://s:1',
        requestTimeoutMs: 1_000,
        fetch: () => Promise.resolve(res),
      }).heartbeat(req, 't');
    expect(
      await answer(json(503, { error: { code: 'DATABASE_UNAVAILABLE', message: 'db down' } }, { 'retry-after': '2' })),
    ).toEqual({
      kind: 'retry',
      reason: 'server answered HTTP 503 DATABASE_UNAVAILABLE: db down',
      httpStatus: 503,
      code: 'DATABASE_UNAVAILABLE',
      retryAfterMs: 2_000,
    });
    expect((await answer(new Response('<html>', { status: 502 }))).kind).toBe('retry');
    expect((await answer(json(200, { hello: 1 }))).kind).toBe('retry');
    expect((await answer(json(409, { error: { code: 'MACHINE_NOT_ACTIVE', message: 'x' } }))).kind).toBe('retry');
    expect(await answer(json(403, { error: { code: 'AGENT_PAIRING_INACTIVE', message: 'revoked' } }))).toMatchObject({
      kind: 'fatal',
      httpStatus: 403,
      revoked: true,
    });
    for (const status of [400, 401, 404]) {
      expect(await answer(json(status, { error: { code: 'X', message: 'y' } }))).toMatchObject({
        kind: 'fatal',
        revoked: false,
      });
    }
    expect([500, 502, 503, 504, 429, 408, 409].map(classifyHttp)).toEqual(Array(7).fill('retry'));
  });

  it('turns a network failure into a retry', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const client = createServerClient({
      server: 'http://s:1',
      requestTimeoutMs: 1_000,
      fetch: () => Promise.reject(refused),
    });
    expect(await client.heartbeat(req, 't')).toEqual({ kind: 'retry', reason: 'server connection refused' });
  });

  it('enrols through the reference path and reports a refusal with its code', async () => {
    const { f, calls } = fakeFetch(() =>
      json(201, { item: { ...agent, status: 'provisioned', lastSeenAt: null, agentToken: 'tok' } }),
    );
    const client = createServerClient({ server: 'http://s:1', requestTimeoutMs: 1_000, fetch: f, apiKey: 'k' });
    const item = await client.enroll('m 1', { allowedProviderKeys: ['qvac'] });
    expect(item.agentToken).toBe('tok');
    expect(calls[0]!.url).toBe('http://s:1/api/v1/machines/m%201/agents/enrollment');
    expect(calls[0]!.init.headers).toMatchObject({ 'x-api-key': 'k' });
    const refusing = createServerClient({
      server: 'http://s:1',
      requestTimeoutMs: 1_000,
      fetch: () => Promise.resolve(json(409, { error: { code: 'MACHINE_NOT_ACTIVE', message: 'draft' } })),
    });
    const err = await refusing.enroll('m', {}).catch((e: unknown) => e as ServerError);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ httpStatus: 409, code: 'MACHINE_NOT_ACTIVE' });
  });
});
