import type { HeartbeatRequest, HeartbeatResponse } from '@mm/contracts';
import { describe, expect, it } from 'vitest';
import type { AgentConfig } from './config.ts';
import { createMemoryLogger } from './log.ts';
import { EXIT, runLoop } from './loop.ts';
import type { LoopDeps } from './loop.ts';
import type { ProbeResult } from './probe.ts';
import type { HeartbeatResult } from './server-client.ts';

const config: AgentConfig = {
  server: 'http://127.0.0.1:3000',
  machineId: 'm-1',
  agentId: 'a-1',
  agentToken: 'super-secret-token',
  leaseSeconds: 30,
  endpoints: [
    {
      providerKey: 'qvac',
      endpointBaseUrl: 'http://127.0.0.1:4010',
      probePath: '/v1/models',
      authType: 'bearer',
      authToken: 'runtime-secret',
    },
  ],
  timing: {
    intervalScale: 1,
    backoffBaseMs: 1_000,
    backoffCapMs: 30_000,
    probeTimeoutMs: 2_000,
    requestTimeoutMs: 10_000,
    failuresToUnreachable: 3,
  },
  warnings: [],
};

function okResponse(req: HeartbeatRequest, next = 10): HeartbeatResult {
  const response = {
    item: { id: 'a-1', status: 'active' },
    endpoints: (req.endpoints ?? []).map((e) => ({ providerKey: e.providerKey, status: e.status ?? 'active' })),
    nextHeartbeatInSeconds: next,
  } as unknown as HeartbeatResponse;
  return { kind: 'ok', response };
}

/**
 * A scripted world: each heartbeat and probe answer comes from the scripts in order; the clock
 * moves only by the sleeps the loop asks for. The loop is stopped after `stopAfterSleeps` sleeps.
 */
function world(opts: {
  heartbeats: Array<(req: HeartbeatRequest) => HeartbeatResult>;
  probes?: ProbeResult[];
  stopAfterSleeps?: number;
  random?: () => number;
}) {
  const controller = new AbortController();
  const log = createMemoryLogger();
  const sleeps: number[] = [];
  const requests: HeartbeatRequest[] = [];
  let t = 0;
  let hb = 0;
  let pr = 0;
  const deps: LoopDeps = {
    now: () => t,
    random: opts.random ?? (() => 0.5),
    sleep: (ms) => {
      sleeps.push(ms);
      t += ms;
      if (sleeps.length >= (opts.stopAfterSleeps ?? Infinity)) controller.abort();
      return Promise.resolve();
    },
    probe: () => Promise.resolve(opts.probes?.[pr++] ?? { ok: true, httpStatus: 200, ms: 1 }),
    heartbeat: (req) => {
      requests.push(req);
      const script = opts.heartbeats[hb++] ?? opts.heartbeats.at(-1)!;
      return Promise.resolve(script(req));
    },
    log,
  };
  return { deps, controller, log, sleeps, requests };
}

const down = (): HeartbeatResult => ({ kind: 'retry', reason: 'server connection refused' });

describe('agent loop', () => {
  it('heartbeats the probed status with a bearer-free body and sleeps for nextHeartbeatInSeconds', async () => {
    const w = world({ heartbeats: [(r) => okResponse(r, 10)], stopAfterSleeps: 3 });
    expect(await runLoop(config, w.deps, w.controller.signal)).toBe(EXIT.stopped);
    expect(w.sleeps).toEqual([10_000, 10_000, 10_000]);
    expect(w.requests[0]).toEqual({
      machineId: 'm-1',
      agentId: 'a-1',
      leaseSeconds: 30,
      endpoints: [
        {
          providerKey: 'qvac',
          endpointBaseUrl: 'http://127.0.0.1:4010',
          probePath: '/v1/models',
          status: 'active',
          authType: 'bearer',
          authToken: 'runtime-secret',
        },
      ],
    });
    expect(w.requests[0]).not.toHaveProperty('agentToken');
    const beats = w.log.lines.filter((l) => l.event === 'heartbeat');
    expect(beats).toHaveLength(3);
    expect(beats[0]).toMatchObject({
      level: 'info',
      endpoints: 1,
      next: 10,
      sleepMs: 10_000,
      statuses: { qvac: 'active' },
    });
    expect(w.log.lines.at(-1)).toMatchObject({ event: 'stopped' });
    const text = JSON.stringify(w.log.lines);
    expect(text).not.toContain('super-secret-token');
    expect(text).not.toContain('runtime-secret');
  });

  it('scales the interval for tests (intervalScale)', async () => {
    const w = world({ heartbeats: [(r) => okResponse(r, 10)], stopAfterSleeps: 1 });
    await runLoop({ ...config, timing: { ...config.timing, intervalScale: 0.1 } }, w.deps, w.controller.signal);
    expect(w.sleeps).toEqual([1_000]);
  });

  it('reports a failing runtime degraded, then unreachable, and active again when it answers', async () => {
    const fail: ProbeResult = { ok: false, failure: 'http', detail: 'answered HTTP 500', ms: 1 };
    const ok: ProbeResult = { ok: true, httpStatus: 200, ms: 1 };
    const w = world({ heartbeats: [(r) => okResponse(r)], probes: [ok, fail, fail, fail, ok], stopAfterSleeps: 5 });
    await runLoop(config, w.deps, w.controller.signal);
    expect(w.requests.map((r) => r.endpoints?.[0]?.status)).toEqual([
      'active',
      'degraded',
      'degraded',
      'unreachable',
      'active',
    ]);
    expect(w.log.lines.filter((l) => l.event === 'endpoint-status').map((l) => [l.from, l.to])).toEqual([
      [null, 'active'],
      ['active', 'degraded'],
      ['degraded', 'unreachable'],
      ['unreachable', 'active'],
    ]);
  });

  it('backs off exponentially with full jitter while the server is down, then recovers', async () => {
    const w = world({
      heartbeats: [down, down, down, down, down, down, down, (r) => okResponse(r, 10)],
      stopAfterSleeps: 8,
      random: () => 0.999,
    });
    await runLoop(config, w.deps, w.controller.signal);
    // ceilings 1, 2, 4, 8, 16, 30, 30 s; the draw is just under each ceiling
    expect(w.sleeps).toEqual([999, 1_998, 3_996, 7_992, 15_984, 29_970, 29_970, 10_000]);
    const retries = w.log.lines.filter((l) => l.event === 'retry');
    expect(retries.map((l) => l.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(retries[0]).toMatchObject({ level: 'warn', reason: 'server connection refused' });
    const recovered = w.log.lines.find((l) => l.event === 'recovered');
    expect(recovered).toMatchObject({ attempts: 7, downMs: 999 + 1_998 + 3_996 + 7_992 + 15_984 + 29_970 * 2 });
  });

  it('waits at least Retry-After (capped), and starts the backoff over after a success', async () => {
    const busy = (): HeartbeatResult => ({ kind: 'retry', reason: '503', httpStatus: 503, retryAfterMs: 5_000 });
    const w = world({ heartbeats: [busy, (r) => okResponse(r, 10), down], stopAfterSleeps: 3, random: () => 0 });
    await runLoop(config, w.deps, w.controller.signal);
    expect(w.sleeps).toEqual([5_000, 10_000, 0]);
    expect(w.log.lines.filter((l) => l.event === 'retry').map((l) => l.attempt)).toEqual([1, 1]);
  });

  it('exits 4 when revoked and 3 when refused otherwise, without sleeping', async () => {
    const revoked = world({
      heartbeats: [
        () => ({
          kind: 'fatal',
          reason: 'HTTP 403 AGENT_PAIRING_INACTIVE',
          httpStatus: 403,
          code: 'AGENT_PAIRING_INACTIVE',
          revoked: true,
        }),
      ],
    });
    expect(await runLoop(config, revoked.deps, revoked.controller.signal)).toBe(EXIT.revoked);
    expect(revoked.sleeps).toEqual([]);
    expect(revoked.log.lines.at(-1)).toMatchObject({ level: 'error', event: 'revoked', httpStatus: 403 });

    const wrong = world({
      heartbeats: [
        () => ({ kind: 'fatal', reason: 'HTTP 401', httpStatus: 401, code: 'AGENT_AUTH_INVALID', revoked: false }),
      ],
    });
    expect(await runLoop(config, wrong.deps, wrong.controller.signal)).toBe(EXIT.rejected);
    expect(wrong.log.lines.at(-1)).toMatchObject({ level: 'error', event: 'rejected', code: 'AGENT_AUTH_INVALID' });
  });

  it('stops with 0 when aborted during a request in flight', async () => {
    const controller = new AbortController();
    const log = createMemoryLogger();
    const deps: LoopDeps = {
      now: () => 0,
      random: () => 0,
      sleep: () => Promise.resolve(),
      probe: () => Promise.resolve({ ok: true, httpStatus: 200, ms: 1 }),
      heartbeat: (_req, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
          setTimeout(() => controller.abort(), 5);
        }),
      log,
    };
    expect(await runLoop(config, deps, controller.signal)).toBe(EXIT.stopped);
    expect(log.lines.at(-1)).toMatchObject({ event: 'stopped' });
  });

  it('lets an unexpected error through when it was not asked to stop', async () => {
    const w = world({
      heartbeats: [
        () => {
          throw new Error('bug');
        },
      ],
    });
    await expect(runLoop(config, w.deps, w.controller.signal)).rejects.toThrow('bug');
  });
});
