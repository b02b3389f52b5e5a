/**
 * Runtime endpoints (reference "Runtime endpoints"; context B8 secrets, B9 machine guard and runtime
 * endpoints) over REST and tRPC, on both databases.
 */
import type { AuditEventView, MachineView, RuntimeEndpointView } from '@mm/contracts';
import { createSecretBox, endpointCredentialContext, parseSecretKey } from '@mm/core';
import type { AppError } from '@mm/core';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import { describeEachDb, json, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type ErrorBody = { error: { code: string; message: string; details?: { fields?: Record<string, string> } } };
type Page<T> = { items: T[]; nextCursor?: string };

const TOKEN = 'tok-plaintext-7f3a9c2e-secret';

async function machine(t: TestApp, status: 'active' | 'draft' = 'active'): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/machines',
    payload: { displayName: 'Rover', identityRef: `peaqos:machine:${uniq()}`, status },
  });
  expect(res.statusCode).toBe(201);
  return json<{ item: MachineView }>(res).item.id;
}

const epUrl = (m: string, key?: string) =>
  `/api/v1/machines/${m}/runtime-endpoints${key === undefined ? '' : `/${key}`}`;
const put = (t: TestApp, m: string, key: string, payload: Record<string, unknown>) =>
  t.inject({ method: 'PUT', url: epUrl(m, key), payload });

async function auditOf(t: TestApp, resourceId: string): Promise<AuditEventView[]> {
  const res = await t.inject({ url: `/api/v1/audit-events?resourceId=${resourceId}&limit=500` });
  expect(res.statusCode).toBe(200);
  return json<Page<AuditEventView>>(res).items;
}

async function trpcError(call: Promise<unknown>): Promise<TRPCError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
  throw new Error('expected the tRPC call to fail');
}

describeEachDb('runtime endpoints', (get) => {
  // Reference PUT: 201 on create, 200 on update; source forced to manual; the defaults of the reference.
  it('creates with 201 and every default of the reference and context B9', async () => {
    const t = get();
    const m = await machine(t);
    const res = await put(t, m, 'qvac', { endpointBaseUrl: 'http://127.0.0.1:11434' });
    expect(res.statusCode, res.body).toBe(201);
    const { item } = json<{ item: RuntimeEndpointView }>(res);
    expect(item).toEqual({
      id: expect.any(String),
      machineId: m,
      providerKey: 'qvac',
      source: 'manual',
      agentId: null,
      label: 'QVAC runtime',
      endpointBaseUrl: 'http://127.0.0.1:11434',
      authType: 'none',
      hasAuthToken: false,
      modelAlias: null,
      networkScope: 'loopback',
      probePath: '/v1/models',
      status: 'active',
      leaseExpiresAt: null,
      lastCheckedAt: null,
      lastHealthyAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(new Date(item.createdAt).toISOString()).toBe(item.createdAt);
  });

  it('defaults a non-qvac provider to /health and its own label, and derives the network scope', async () => {
    const t = get();
    const m = await machine(t);
    const cases = [
      ['ollama', 'http://192.168.1.50:11434', 'lan'],
      ['edge-agent', 'http://10.1.2.3:8080', 'lan'],
      ['vllm', 'http://172.20.0.9:8000', 'lan'],
      ['remote', 'https://runtime.example.com', 'public'],
      ['local2', 'http://localhost:9000', 'loopback'],
    ] as const;
    for (const [key, url, scope] of cases) {
      const res = await put(t, m, key, { endpointBaseUrl: url });
      expect(res.statusCode).toBe(201);
      expect(json<{ item: RuntimeEndpointView }>(res).item).toMatchObject({
        providerKey: key,
        label: `${key.toUpperCase()} runtime`,
        probePath: '/health',
        networkScope: scope,
      });
    }
  });

  it('keeps the fields it was given over the defaults', async () => {
    const t = get();
    const m = await machine(t);
    const lease = new Date(Date.now() + 3_600_000).toISOString();
    // A CGNAT (Tailscale-style) address: the declared scope must match the address (context C4).
    const res = await put(t, m, 'qvac', {
      endpointBaseUrl: 'http://100.101.102.103:11434',
      label: 'Jetson QVAC',
      modelAlias: 'llama-3.2-1b',
      networkScope: 'vpn',
      probePath: '/v1/health',
      status: 'degraded',
      leaseExpiresAt: lease,
    });
    expect(res.statusCode).toBe(201);
    expect(json<{ item: RuntimeEndpointView }>(res).item).toMatchObject({
      label: 'Jetson QVAC',
      modelAlias: 'llama-3.2-1b',
      networkScope: 'vpn',
      probePath: '/v1/health',
      status: 'degraded',
      leaseExpiresAt: lease,
      source: 'manual',
    });
  });

  it('updates with 200, keeps the record id, and lists one record per provider', async () => {
    const t = get();
    const m = await machine(t);
    const first = json<{ item: RuntimeEndpointView }>(
      await put(t, m, 'qvac', { endpointBaseUrl: 'http://127.0.0.1:11434' }),
    ).item;
    const res = await put(t, m, 'qvac', { endpointBaseUrl: 'http://127.0.0.1:8080', modelAlias: 'mistral' });
    expect(res.statusCode).toBe(200);
    const second = json<{ item: RuntimeEndpointView }>(res).item;
    expect(second).toMatchObject({ id: first.id, endpointBaseUrl: 'http://127.0.0.1:8080', modelAlias: 'mistral' });
    const list = json<Page<RuntimeEndpointView>>(await t.inject({ url: epUrl(m) }));
    expect(list.items).toEqual([second]);
    expect('nextCursor' in list).toBe(false);
  });

  // Context B9: providerKey is lowercased on every route.
  it('lowercases providerKey on PUT, GET and DELETE', async () => {
    const t = get();
    const m = await machine(t);
    const created = await put(t, m, 'QVAC', { endpointBaseUrl: 'http://127.0.0.1:11434' });
    expect(created.statusCode).toBe(201);
    const item = json<{ item: RuntimeEndpointView }>(created).item;
    expect(item).toMatchObject({ providerKey: 'qvac', label: 'QVAC runtime', probePath: '/v1/models' });
    const got = await t.inject({ url: epUrl(m, 'qvac') });
    expect(got.statusCode).toBe(200);
    expect(json<{ item: RuntimeEndpointView }>(got).item.id).toBe(item.id);
    expect(json<{ item: RuntimeEndpointView }>(await t.inject({ url: epUrl(m, 'QvAc') })).item.id).toBe(item.id);
    // Same record, not a second one.
    expect((await put(t, m, 'Qvac', { endpointBaseUrl: 'http://127.0.0.1:11434' })).statusCode).toBe(200);
    expect(json<Page<RuntimeEndpointView>>(await t.inject({ url: epUrl(m) })).items).toHaveLength(1);
    const del = await t.inject({ method: 'DELETE', url: epUrl(m, 'QVAC') });
    expect(del.statusCode).toBe(204);
    expect((await t.inject({ url: epUrl(m, 'qvac') })).statusCode).toBe(404);
  });

  // Reference: "http/https URL, path/query/hash stripped"; context B9: scheme + host + port.
  it('normalises endpointBaseUrl to scheme, host and port', async () => {
    const t = get();
    const m = await machine(t);
    const res = await put(t, m, 'qvac', { endpointBaseUrl: 'http://user:pw@127.0.0.1:11434/v1/models/?x=1#frag' });
    expect(res.statusCode).toBe(201);
    expect(json<{ item: RuntimeEndpointView }>(res).item.endpointBaseUrl).toBe('http://127.0.0.1:11434');
    const https = await put(t, m, 'other', { endpointBaseUrl: 'https://Runtime.Example.com:8443/' });
    expect(json<{ item: RuntimeEndpointView }>(https).item.endpointBaseUrl).toBe('https://runtime.example.com:8443');
  });

  // Reference: Errors VALIDATION_ERROR (invalid URL).
  it.each([
    ['ftp', { endpointBaseUrl: 'ftp://127.0.0.1/runtime' }],
    ['not a url', { endpointBaseUrl: 'not-a-url' }],
    ['missing', {}],
    ['empty', { endpointBaseUrl: '' }],
    ['javascript', { endpointBaseUrl: 'javascript:alert(1)' }],
    ['number', { endpointBaseUrl: 8080 }],
    ['too long', { endpointBaseUrl: `http://a.example.com/${'x'.repeat(2100)}` }],
  ])('refuses an invalid URL (%s) with 400 VALIDATION_ERROR naming endpointBaseUrl', async (_name, payload) => {
    const t = get();
    const m = await machine(t);
    const res = await put(t, m, 'qvac', payload);
    expect(res.statusCode).toBe(400);
    const body = json<ErrorBody>(res);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.details?.fields).toHaveProperty('endpointBaseUrl');
    expect((await t.inject({ url: epUrl(m, 'qvac') })).statusCode).toBe(404);
  });

  it('refuses bad optional fields with the failing paths', async () => {
    const t = get();
    const m = await machine(t);
    const res = await put(t, m, 'qvac', {
      endpointBaseUrl: 'http://127.0.0.1:11434',
      authType: 'oauth',
      networkScope: 'internet',
      probePath: 'health',
      status: 'up',
      leaseExpiresAt: 'tomorrow',
    });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(json<ErrorBody>(res).error.details?.fields ?? {}).sort()).toEqual(
      ['authType', 'leaseExpiresAt', 'networkScope', 'probePath', 'status'].sort(),
    );
  });

  // Reference: "The view never echoes authToken"; context B8.
  it('never returns authToken: hasAuthToken only, on PUT, GET and list', async () => {
    const t = get();
    const m = await machine(t);
    const created = await put(t, m, 'qvac', {
      endpointBaseUrl: 'http://127.0.0.1:11434',
      authType: 'bearer',
      authToken: TOKEN,
    });
    expect(created.statusCode).toBe(201);
    const item = json<{ item: Record<string, unknown> }>(created).item;
    expect(item.hasAuthToken).toBe(true);
    expect(item).not.toHaveProperty('authToken');
    expect(item).not.toHaveProperty('authTokenCipher');
    const bodies = [
      created.body,
      (await t.inject({ url: epUrl(m, 'qvac') })).body,
      (await t.inject({ url: epUrl(m) })).body,
    ];
    for (const body of bodies) {
      expect(body).not.toContain(TOKEN);
      expect(body).not.toMatch(/authToken"|authTokenCipher/);
    }
    expect(json<{ item: RuntimeEndpointView }>(await t.inject({ url: epUrl(m, 'qvac') })).item.hasAuthToken).toBe(true);
  });

  it('stores the token encrypted, keeps it on an update without a token, and clears it with authType none', async () => {
    const t = get();
    const m = await machine(t);
    const { item } = json<{ item: RuntimeEndpointView }>(
      await put(t, m, 'qvac', { endpointBaseUrl: 'http://127.0.0.1:11434', authType: 'api-key', authToken: TOKEN }),
    );
    const raw = await t.app.db.prisma.runtimeEndpoint.findFirst({ where: { id: item.id } });
    expect(raw?.authTokenCipher).toBeTruthy();
    expect(raw?.authTokenCipher).not.toBe(TOKEN);
    expect(raw?.authTokenCipher).not.toContain(TOKEN);
    expect(raw?.authTokenCipher).not.toContain(Buffer.from(TOKEN).toString('base64url').slice(0, 12));
    // It opens back to the token with the server key: usable to call the runtime (context B8).
    // The harness runs with MM_SECRET_KEY = 0…01.
    // Context C4: it opens only as this endpoint's credential (machine, provider, URL origin).
    const box = createSecretBox(parseSecretKey(`${'0'.repeat(63)}1`));
    expect(box.open(raw?.authTokenCipher ?? '', endpointCredentialContext(m, 'qvac', 'http://127.0.0.1:11434'))).toBe(
      TOKEN,
    );
    expect(() =>
      box.open(raw?.authTokenCipher ?? '', endpointCredentialContext(m, 'qvac', 'http://127.0.0.1:9')),
    ).toThrow();
    expect(() =>
      box.open(raw?.authTokenCipher ?? '', endpointCredentialContext('other', 'qvac', 'http://127.0.0.1:11434')),
    ).toThrow();

    // An update without a token keeps the stored one.
    const kept = await put(t, m, 'qvac', {
      endpointBaseUrl: 'http://127.0.0.1:11434',
      authType: 'api-key',
      label: 'Renamed',
    });
    expect(kept.statusCode).toBe(200);
    expect(json<{ item: RuntimeEndpointView }>(kept).item.hasAuthToken).toBe(true);
    expect((await t.app.db.prisma.runtimeEndpoint.findFirst({ where: { id: item.id } }))?.authTokenCipher).toBe(
      raw?.authTokenCipher,
    );

    const cleared = await put(t, m, 'qvac', { endpointBaseUrl: 'http://127.0.0.1:11434', authType: 'none' });
    expect(json<{ item: RuntimeEndpointView }>(cleared).item).toMatchObject({ hasAuthToken: false, authType: 'none' });
    expect((await t.app.db.prisma.runtimeEndpoint.findFirst({ where: { id: item.id } }))?.authTokenCipher).toBeNull();
  });

  // Context B7/B8: upserted/deleted events; payloads hold the view, never a secret.
  it('audits runtime-endpoint.upserted and .deleted, and no audit payload carries the token', async () => {
    const t = get();
    const m = await machine(t);
    const { item } = json<{ item: RuntimeEndpointView }>(
      await put(t, m, 'qvac', { endpointBaseUrl: 'http://127.0.0.1:11434', authType: 'bearer', authToken: TOKEN }),
    );
    await put(t, m, 'qvac', { endpointBaseUrl: 'http://127.0.0.1:11435', authType: 'bearer', authToken: `${TOKEN}-2` });
    expect((await t.inject({ method: 'DELETE', url: epUrl(m, 'qvac') })).statusCode).toBe(204);

    const events = await auditOf(t, item.id);
    expect(events.map((e) => e.type)).toEqual([
      'runtime-endpoint.deleted',
      'runtime-endpoint.upserted',
      'runtime-endpoint.upserted',
    ]);
    const [deleted, updated, created] = events;
    for (const e of events)
      expect(e).toMatchObject({ actor: 'api', resourceType: 'runtime-endpoint', resourceId: item.id });
    expect(created?.payload).toMatchObject({ created: true, endpoint: { id: item.id, hasAuthToken: true } });
    expect(updated?.payload).toMatchObject({ created: false, endpoint: { endpointBaseUrl: 'http://127.0.0.1:11435' } });
    expect(deleted?.payload).toMatchObject({ endpoint: { id: item.id } });

    // The whole audit log, as any caller can read it.
    let url = '/api/v1/audit-events?limit=500';
    for (let i = 0; i < 100; i++) {
      const res = await t.inject({ url });
      expect(res.body).not.toContain(TOKEN);
      expect(res.body).not.toMatch(/"authToken"|"authTokenCipher"/);
      const page = json<Page<AuditEventView>>(res);
      if (!page.nextCursor) break;
      url = `/api/v1/audit-events?limit=500&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
  });

  it('DELETE answers 204 with no body, then 404 NOT_FOUND', async () => {
    const t = get();
    const m = await machine(t);
    await put(t, m, 'qvac', { endpointBaseUrl: 'http://127.0.0.1:11434' });
    const del = await t.inject({ method: 'DELETE', url: epUrl(m, 'qvac') });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    for (const res of [
      await t.inject({ url: epUrl(m, 'qvac') }),
      await t.inject({ method: 'DELETE', url: epUrl(m, 'qvac') }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(json<ErrorBody>(res).error.code).toBe('NOT_FOUND');
    }
    expect(json<Page<RuntimeEndpointView>>(await t.inject({ url: epUrl(m) })).items).toEqual([]);
  });

  it('keeps endpoints per machine: another machine does not see them', async () => {
    const t = get();
    const a = await machine(t);
    const b = await machine(t);
    await put(t, a, 'qvac', { endpointBaseUrl: 'http://127.0.0.1:11434' });
    expect((await t.inject({ url: epUrl(b, 'qvac') })).statusCode).toBe(404);
    expect((await t.inject({ method: 'DELETE', url: epUrl(b, 'qvac') })).statusCode).toBe(404);
    expect(json<Page<RuntimeEndpointView>>(await t.inject({ url: epUrl(b) })).items).toEqual([]);
    expect((await t.inject({ url: epUrl(a, 'qvac') })).statusCode).toBe(200);
  });

  it('pages the list newest first with limit and cursor', async () => {
    const t = get();
    const m = await machine(t);
    for (const key of ['alpha', 'beta', 'gamma']) await put(t, m, key, { endpointBaseUrl: 'http://127.0.0.1:9000' });
    const first = json<Page<RuntimeEndpointView>>(await t.inject({ url: `${epUrl(m)}?limit=2` }));
    expect(first.items.map((e) => e.providerKey)).toEqual(['gamma', 'beta']);
    expect(first.nextCursor).toBeTruthy();
    const second = json<Page<RuntimeEndpointView>>(
      await t.inject({ url: `${epUrl(m)}?limit=2&cursor=${encodeURIComponent(first.nextCursor ?? '')}` }),
    );
    expect(second.items.map((e) => e.providerKey)).toEqual(['alpha']);
    expect('nextCursor' in second).toBe(false);
    expect((await t.inject({ url: `${epUrl(m)}?limit=0` })).statusCode).toBe(400);
  });

  // Context B9 machine guard: unknown machine → 404 first, then non-active → 409 MACHINE_NOT_ACTIVE.
  it('guards every endpoint route: 404 for an unknown machine, 409 MACHINE_NOT_ACTIVE for a draft one', async () => {
    const t = get();
    const draft = await machine(t, 'draft');
    const body = { endpointBaseUrl: 'http://127.0.0.1:11434' };
    const routes = (m: string) => [
      { method: 'GET' as const, url: epUrl(m) },
      { method: 'GET' as const, url: epUrl(m, 'qvac') },
      { method: 'PUT' as const, url: epUrl(m, 'qvac'), payload: body },
      { method: 'DELETE' as const, url: epUrl(m, 'qvac') },
    ];
    for (const r of routes('no-such-machine')) {
      const res = await t.inject(r);
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
      const err = json<ErrorBody>(res).error;
      expect(err.code).toBe('NOT_FOUND');
      expect(err.message).toMatch(/machine/);
    }
    for (const r of routes(draft)) {
      const res = await t.inject(r);
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(409);
      expect(json<ErrorBody>(res).error.code).toBe('MACHINE_NOT_ACTIVE');
    }
    // Nothing was written for the draft machine.
    expect(await t.app.db.prisma.runtimeEndpoint.count({ where: { machineId: draft } })).toBe(0);
  });

  it('guards an existing endpoint once its machine leaves active, and serves it again after', async () => {
    const t = get();
    const m = await machine(t);
    await put(t, m, 'qvac', { endpointBaseUrl: 'http://127.0.0.1:11434' });
    for (const status of ['blocked', 'degraded', 'archived'] as const) {
      await t.trpc.machines.update({ machineId: m, status });
      const res = await t.inject({ url: epUrl(m, 'qvac') });
      expect(res.statusCode, status).toBe(409);
      expect(json<ErrorBody>(res).error.code).toBe('MACHINE_NOT_ACTIVE');
      expect((await t.inject({ method: 'DELETE', url: epUrl(m, 'qvac') })).statusCode).toBe(409);
    }
    await t.trpc.machines.update({ machineId: m, status: 'active' });
    expect((await t.inject({ url: epUrl(m, 'qvac') })).statusCode).toBe(200);
  });

  it('tRPC: upsert, get, list and delete follow the same rules', async () => {
    const t = get();
    const m = await machine(t);
    const created = await t.trpc.runtimeEndpoints.upsert({
      machineId: m,
      providerKey: 'QVAC',
      endpointBaseUrl: 'http://127.0.0.1:11434/v1/models',
      authType: 'bearer',
      authToken: TOKEN,
    });
    // Mutations answer the view (docs/api.md "tRPC answers"); REST's 201/200 tells create from replace.
    expect(created).toMatchObject({
      providerKey: 'qvac',
      endpointBaseUrl: 'http://127.0.0.1:11434',
      hasAuthToken: true,
      source: 'manual',
    });
    expect(JSON.stringify(created)).not.toContain(TOKEN);
    const updated = await t.trpc.runtimeEndpoints.upsert({
      machineId: m,
      providerKey: 'qvac',
      endpointBaseUrl: 'http://127.0.0.1:11434',
      modelAlias: 'x',
    });
    expect(updated).toMatchObject({ id: created.id, modelAlias: 'x', hasAuthToken: true });
    const got = await t.trpc.runtimeEndpoints.get({ machineId: m, providerKey: 'Qvac' });
    expect(got).toEqual(updated);
    const list = await t.trpc.runtimeEndpoints.list({ machineId: m });
    expect(list.items).toEqual([updated]);
    expect(JSON.stringify([got, list])).not.toContain(TOKEN);
    expect(await t.trpc.runtimeEndpoints.delete({ machineId: m, providerKey: 'QVAC' })).toBeUndefined();

    const gone = await trpcError(t.trpc.runtimeEndpoints.get({ machineId: m, providerKey: 'qvac' }));
    expect(gone.code).toBe('NOT_FOUND');
    expect((gone.cause as AppError).code).toBe('NOT_FOUND');
    const again = await trpcError(t.trpc.runtimeEndpoints.delete({ machineId: m, providerKey: 'qvac' }));
    expect((again.cause as AppError).code).toBe('NOT_FOUND');
  });

  it('tRPC: machine guard and URL validation errors', async () => {
    const t = get();
    const draft = await machine(t, 'draft');
    const base = { providerKey: 'qvac', endpointBaseUrl: 'http://127.0.0.1:11434' };
    for (const call of [
      () => t.trpc.runtimeEndpoints.list({ machineId: 'no-such-machine' }),
      () => t.trpc.runtimeEndpoints.get({ machineId: 'no-such-machine', providerKey: 'qvac' }),
      () => t.trpc.runtimeEndpoints.upsert({ machineId: 'no-such-machine', ...base }),
      () => t.trpc.runtimeEndpoints.delete({ machineId: 'no-such-machine', providerKey: 'qvac' }),
    ]) {
      const err = await trpcError(call());
      expect(err.code).toBe('NOT_FOUND');
      expect((err.cause as AppError).code).toBe('NOT_FOUND');
    }
    for (const call of [
      () => t.trpc.runtimeEndpoints.list({ machineId: draft }),
      () => t.trpc.runtimeEndpoints.get({ machineId: draft, providerKey: 'qvac' }),
      () => t.trpc.runtimeEndpoints.upsert({ machineId: draft, ...base }),
      () => t.trpc.runtimeEndpoints.delete({ machineId: draft, providerKey: 'qvac' }),
    ]) {
      const err = await trpcError(call());
      expect(err.code).toBe('CONFLICT');
      expect((err.cause as AppError).code).toBe('MACHINE_NOT_ACTIVE');
    }
    const m = await machine(t);
    for (const endpointBaseUrl of ['ftp://127.0.0.1', 'not-a-url']) {
      const err = await trpcError(
        t.trpc.runtimeEndpoints.upsert({ machineId: m, providerKey: 'qvac', endpointBaseUrl }),
      );
      expect(err.code).toBe('BAD_REQUEST');
      // The one error translation (packages/core/src/errors.ts) turns zod failures into VALIDATION_ERROR.
      const cause = err.cause as AppError;
      expect(cause.code).toBe('VALIDATION_ERROR');
      expect(Object.keys(cause.details?.fields ?? {})).toContain('endpointBaseUrl');
    }
  });
});
