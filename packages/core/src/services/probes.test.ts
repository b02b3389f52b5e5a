/**
 * The probe pass with a fake RuntimePort and in-memory fakes of the two repositories it uses: what
 * it claims, what it sends, and what it records (docs/liveness.md "Probing").
 */
import type { RuntimeEndpointView } from '@mm/contracts';
import { describe, expect, it } from 'vitest';
import type { CoreDeps } from '../deps.ts';
import { nextHealth } from '../lib/hysteresis.ts';
import { createSecretBox, endpointCredentialContext } from '../lib/secrets.ts';
import type { AuditInput, ProbeClaim, ProbeResult, ProbeTarget, Repos, Store } from '../ports.ts';
import { createProbeService } from './probes.ts';

function fixture(results: ProbeResult[]) {
  const secrets = createSecretBox(Buffer.alloc(32, 7));
  const endpoint: RuntimeEndpointView & { failureCount: number; successCount: number } = {
    id: 'e1',
    machineId: 'm1',
    providerKey: 'qvac',
    source: 'manual',
    agentId: null,
    label: 'QVAC runtime',
    endpointBaseUrl: 'http://127.0.0.1:4010',
    authType: 'bearer',
    hasAuthToken: true,
    modelAlias: null,
    networkScope: 'loopback',
    probePath: '/v1/models',
    status: 'active',
    leaseExpiresAt: null,
    lastCheckedAt: null,
    lastHealthyAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    failureCount: 0,
    successCount: 0,
  };
  const cipher = secrets.seal('tok', endpointCredentialContext('m1', 'qvac', endpoint.endpointBaseUrl));
  const audit: AuditInput[] = [];
  const probes: ProbeTarget[] = [];
  let due = true;
  const repos = {
    endpoints: {
      claimDueForProbe: (): Promise<ProbeClaim[]> => {
        if (!due) return Promise.resolve([]);
        due = false;
        const { id, machineId, providerKey, endpointBaseUrl, probePath, networkScope, authType } = endpoint;
        return Promise.resolve([
          { id, machineId, providerKey, endpointBaseUrl, probePath, networkScope, authType, authTokenCipher: cipher },
        ]);
      },
      observe: (_id: string, o: Parameters<Repos['endpoints']['observe']>[1]) => {
        const from = endpoint.status;
        Object.assign(endpoint, nextHealth(endpoint, o.healthy, o), { lastCheckedAt: o.at.toISOString() });
        return Promise.resolve({ endpoint: { ...endpoint }, from });
      },
    },
    audit: {
      record: (e: AuditInput) => {
        audit.push(e);
        return Promise.resolve({} as never);
      },
    },
  } as unknown as Repos;
  const store = { ...repos, transaction: <T>(fn: (tx: Repos) => Promise<T>) => fn(repos) } as unknown as Store;
  let call = 0;
  const deps = {
    store,
    clock: { now: () => new Date('2026-01-01T00:00:10.000Z') },
    secrets,
    config: {
      identityVerification: 'off',
      runtimeTimeoutMs: 1000,
      probe: { intervalMs: 10_000, timeoutMs: 750, failuresToUnreachable: 2, successesToActive: 1 },
    },
    runtime: {
      invoke: () => Promise.reject(new Error('not used')),
      probe: (t: ProbeTarget) => {
        probes.push(t);
        return Promise.resolve(results[call++] ?? results.at(-1)!);
      },
    },
  } as unknown as CoreDeps;
  const service = createProbeService(deps);
  return { service, endpoint, audit, probes, again: () => (due = true) };
}

const fail: ProbeResult = {
  healthy: false,
  code: 'RUNTIME_TIMEOUT',
  message: 'timed out',
  httpStatus: null,
  durationMs: 750,
};
const ok: ProbeResult = { healthy: true, httpStatus: 200, durationMs: 3 };

describe('probe pass', () => {
  it('probes the claimed endpoint with its decrypted credential and the probe timeout', async () => {
    const f = fixture([ok]);
    expect(await f.service.probeDue()).toBe(0);
    expect(f.probes).toEqual([
      {
        endpointBaseUrl: 'http://127.0.0.1:4010',
        probePath: '/v1/models',
        networkScope: 'loopback',
        authType: 'bearer',
        authToken: 'tok',
        timeoutMs: 750,
      },
    ]);
    expect(f.audit).toEqual([]);
  });

  it('audits each transition once, with from, to and the reason, and nothing when the status holds', async () => {
    const f = fixture([fail, fail, fail, ok]);
    for (let i = 0; i < 4; i++) {
      f.again();
      await f.service.probeDue();
    }
    expect(f.audit.map((e) => [e.type, e.machineId, e.payload.from, e.payload.to])).toEqual([
      ['runtime-endpoint.status-changed', 'm1', 'active', 'degraded'],
      ['runtime-endpoint.status-changed', 'm1', 'degraded', 'unreachable'],
      ['runtime-endpoint.status-changed', 'm1', 'unreachable', 'active'],
    ]);
    expect(f.audit[0]!.payload.reason).toBe('probe failed: RUNTIME_TIMEOUT: timed out');
    expect(f.audit[2]!.payload.reason).toBe('probe healthy (HTTP 200)');
  });
});
