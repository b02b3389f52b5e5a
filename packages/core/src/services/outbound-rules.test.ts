/**
 * The endpoint-write and runtime-call rules of docs/trust.md, without HTTP or a database: fakes
 * implement the storage and runtime ports.
 */
import type { RouteView, RuntimeEndpointView, TaskView } from '@mm/contracts';
import { describe, expect, it } from 'vitest';
import type { CoreConfig } from '../deps.ts';
import { endpoint, NOW, service } from '../engine/test-fixtures.ts';
import { AppError } from '../errors.ts';
import { createSecretBox, endpointCredentialContext } from '../lib/secrets.ts';
import type { EndpointWrite, Repos, RuntimeCall, RuntimePort, Store } from '../ports.ts';
import { walk } from './execute-walk.ts';
import { endpointWrite, upsertEndpointIn } from './runtime-endpoints.ts';

const secrets = createSecretBox(Buffer.alloc(32, 3));
const config: CoreConfig = { identityVerification: 'off', runtimeTimeoutMs: 1000 };
const clock = { now: () => NOW };

/** Just enough of the store: one endpoint row per provider key, with its ciphertext. */
function fakeStore() {
  const rows = new Map<string, { view: RuntimeEndpointView; cipher: string | null }>();
  const endpoints = {
    get: (_m: string, key: string) => Promise.resolve(rows.get(key)?.view ?? null),
    getCredential: (_m: string, key: string) => Promise.resolve(rows.get(key)?.cipher ?? null),
    upsert: (machineId: string, w: EndpointWrite) => {
      const prev = rows.get(w.providerKey);
      const cipher = w.authTokenCipher === undefined ? (prev?.cipher ?? null) : w.authTokenCipher;
      const { authTokenCipher: _c, leaseExpiresAt, ...fields } = w;
      const view = endpoint({
        ...fields,
        machineId,
        hasAuthToken: cipher !== null,
        leaseExpiresAt: leaseExpiresAt?.toISOString() ?? null,
      });
      rows.set(w.providerKey, { view, cipher });
      return Promise.resolve({ item: view, created: !prev });
    },
  };
  const audit = { record: () => Promise.resolve({}) };
  const catalogue = { getService: () => Promise.resolve(service()) };
  // The walk's one read of a hop's target (lifecycle.hopTarget): the service, its endpoint, the ciphertext.
  const lifecycle = {
    hopTarget: (_m: string) => {
      const s = service();
      const row = rows.get(s.providerKey);
      return Promise.resolve({ service: s, endpoint: row?.view ?? null, authTokenCipher: row?.cipher ?? null });
    },
  };
  const store = { endpoints, audit, catalogue, lifecycle } as unknown as Store & Repos;
  return { store, rows };
}

function fakeRuntime() {
  const calls: RuntimeCall[] = [];
  const port: RuntimePort = {
    invoke: (call) => {
      calls.push(call);
      return Promise.resolve({ ok: true, result: { fine: true }, httpStatus: 200 });
    },
    probe: () => Promise.resolve({ healthy: true, httpStatus: 200, durationMs: 1 }),
  };
  return { port, calls };
}

const manual = { source: 'manual' as const, agentId: null, leaseExpiresAt: null };
const agent = { source: 'agent' as const, agentId: 'ag-1', leaseExpiresAt: new Date(NOW.getTime() + 3_600_000) };
const task = { id: 't-1', machineId: 'm-1', operation: 'run-private-inference' } as TaskView;
const route = {
  selectedSkillKey: 'qvac',
  selectedServiceId: 'qvac-private-inference',
  executionMode: 'native',
  handoff: null,
  fallbackChain: [],
} as unknown as RouteView;

async function write(
  store: Repos,
  input: Parameters<typeof endpointWrite>[1],
  owner: Parameters<typeof endpointWrite>[2] = manual,
) {
  return upsertEndpointIn(store, 'm-1', endpointWrite('qvac', input, owner, { secrets, config }), 'api');
}

describe('endpoint writes (docs/trust.md)', () => {
  it('refuses IP literals outside their scope and always-refused hosts with VALIDATION_ERROR', () => {
    for (const [url, scope] of [
      ['http://169.254.169.254', undefined],
      ['http://[::ffff:127.0.0.1]', 'public'],
      ['http://metadata.google.internal', undefined],
    ] as const) {
      let caught: unknown;
      try {
        endpointWrite('qvac', { endpointBaseUrl: url, networkScope: scope }, manual, { secrets, config });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('VALIDATION_ERROR');
    }
  });

  it('seals the token to machine, provider and URL origin', async () => {
    const { store, rows } = fakeStore();
    await write(store, { endpointBaseUrl: 'http://10.0.0.4:11434', authType: 'bearer', authToken: 'tok' });
    const cipher = rows.get('qvac')?.cipher ?? '';
    expect(secrets.open(cipher, endpointCredentialContext('m-1', 'qvac', 'http://10.0.0.4:11434'))).toBe('tok');
    expect(() => secrets.open(cipher, endpointCredentialContext('m-1', 'qvac', 'http://10.0.0.5:11434'))).toThrow();
  });

  it('clears the token when an agent moves the URL without one; the call sends none', async () => {
    const { store } = fakeStore();
    await write(store, { endpointBaseUrl: 'http://10.0.0.4:11434', authType: 'bearer', authToken: 'tok' });
    const moved = await write(store, { endpointBaseUrl: 'http://10.0.0.66:8080', authType: 'bearer' }, agent);
    expect(moved.item).toMatchObject({ hasAuthToken: false, authType: 'bearer' });
    const runtime = fakeRuntime();
    const result = await walk({ store, config, clock, secrets, runtime: runtime.port }, task, route, {});
    expect(result.kind).toBe('served');
    expect(runtime.calls[0]).toMatchObject({
      endpointBaseUrl: 'http://10.0.0.66:8080',
      authToken: null,
      networkScope: 'lan',
    });
  });

  it('keeps the token while the URL stays, and the call carries it with the declared scope', async () => {
    const { store } = fakeStore();
    await write(store, { endpointBaseUrl: 'http://10.0.0.4:11434', authType: 'bearer', authToken: 'tok' });
    const kept = await write(store, { endpointBaseUrl: 'http://10.0.0.4:11434/v1', authType: 'bearer', label: 'x' });
    expect(kept.item.hasAuthToken).toBe(true);
    const runtime = fakeRuntime();
    await walk({ store, config, clock, secrets, runtime: runtime.port }, task, route, {});
    expect(runtime.calls[0]).toMatchObject({ authToken: 'tok', authType: 'bearer', networkScope: 'lan' });
  });

  it('never calls with a ciphertext that belongs to another endpoint', async () => {
    const { store, rows } = fakeStore();
    await write(store, { endpointBaseUrl: 'http://10.0.0.4:11434' });
    const row = rows.get('qvac');
    if (row) row.cipher = secrets.seal('stolen', endpointCredentialContext('m-2', 'qvac', 'http://10.0.0.4:11434'));
    const runtime = fakeRuntime();
    const result = await walk({ store, config, clock, secrets, runtime: runtime.port }, task, route, {});
    expect(runtime.calls).toHaveLength(0);
    expect(result).toMatchObject({ kind: 'failed', code: 'RUNTIME_ERROR' });
  });
});
