import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEndpointStatus, probeEndpoint, probeUrl } from './probe.ts';
import type { ProbeResult } from './probe.ts';

let server: http.Server;
let base: string;
const seen: Array<{ url: string | undefined; auth: string | undefined; key: string | undefined }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url, auth: req.headers.authorization, key: req.headers['x-api-key'] as string | undefined });
    if (req.url === '/v1/models') return res.writeHead(200).end('{}');
    if (req.url === '/moved') return res.writeHead(302, { location: '/v1/models' }).end();
    if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end(), 1_000);
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('probe', () => {
  it('builds the probe URL from the base and the path', () => {
    expect(probeUrl({ endpointBaseUrl: 'http://h:1/', probePath: '/v1/models' })).toBe('http://h:1/v1/models');
  });

  it('is healthy on 2xx, sends the runtime credential, and unhealthy on 5xx and on redirects', async () => {
    const ok = await probeEndpoint(
      { endpointBaseUrl: base, probePath: '/v1/models', authType: 'bearer', authToken: 'rt' },
      { timeoutMs: 500 },
    );
    expect(ok).toMatchObject({ ok: true, httpStatus: 200 });
    expect(seen.at(-1)).toMatchObject({ url: '/v1/models', auth: 'Bearer rt' });
    await probeEndpoint(
      { endpointBaseUrl: base, probePath: '/v1/models', authType: 'api-key', authToken: 'k' },
      { timeoutMs: 500 },
    );
    expect(seen.at(-1)).toMatchObject({ key: 'k', auth: undefined });
    expect(await probeEndpoint({ endpointBaseUrl: base, probePath: '/boom' }, { timeoutMs: 500 })).toMatchObject({
      ok: false,
      failure: 'http',
      detail: 'answered HTTP 500',
    });
    expect(await probeEndpoint({ endpointBaseUrl: base, probePath: '/moved' }, { timeoutMs: 500 })).toMatchObject({
      ok: false,
      failure: 'http',
    });
  });

  it('classifies a timeout and a refused connection', async () => {
    expect(await probeEndpoint({ endpointBaseUrl: base, probePath: '/slow' }, { timeoutMs: 100 })).toMatchObject({
      ok: false,
      failure: 'timeout',
    });
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(
      await probeEndpoint({ endpointBaseUrl: `http://127.0.0.1:${port}`, probePath: '/' }, { timeoutMs: 500 }),
    ).toMatchObject({
      ok: false,
      failure: 'refused',
    });
  });

  it('rethrows when the agent itself aborts (stopping is not a verdict on the runtime)', async () => {
    const controller = new AbortController();
    const pending = probeEndpoint(
      { endpointBaseUrl: base, probePath: '/slow' },
      { timeoutMs: 5_000, signal: controller.signal },
    );
    controller.abort();
    await expect(pending).rejects.toThrow();
  });
});

describe('reported status (hysteresis of context C6)', () => {
  const fail = (failure: 'http' | 'timeout' | 'refused'): ProbeResult => ({ ok: false, failure, detail: '', ms: 1 });
  const ok: ProbeResult = { ok: true, httpStatus: 200, ms: 1 };

  it('degrades on the first failures and turns unreachable after N in a row; one success restores it', () => {
    let s = nextEndpointStatus(0, fail('http'), 3);
    expect(s).toEqual({ status: 'degraded', consecutiveFailures: 1 });
    s = nextEndpointStatus(s.consecutiveFailures, fail('timeout'), 3);
    expect(s.status).toBe('degraded');
    s = nextEndpointStatus(s.consecutiveFailures, fail('http'), 3);
    expect(s).toEqual({ status: 'unreachable', consecutiveFailures: 3 });
    expect(nextEndpointStatus(s.consecutiveFailures, ok, 3)).toEqual({ status: 'active', consecutiveFailures: 0 });
  });

  it('reports a refused connection unreachable at once', () => {
    expect(nextEndpointStatus(0, fail('refused'), 3).status).toBe('unreachable');
  });
});
