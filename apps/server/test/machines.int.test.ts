import type { AuditEventView, MachineView } from '@mm/contracts';
import { AppError } from '@mm/core';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import { describeEachDb, json, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type ErrorBody = { error: { code: string; message: string; details?: { fields?: Record<string, string> } } };
type Page<T> = { items: T[]; nextCursor?: string };

/** The TRPCError a createCaller call failed with (fails the test when the call succeeds). */
async function trpcError(call: Promise<unknown>): Promise<TRPCError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
  throw new Error('expected the tRPC call to fail');
}

async function createMachine(t: TestApp, body: Record<string, unknown> = {}): Promise<MachineView> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/machines',
    payload: { displayName: 'Arm', identityRef: `peaqos:machine:${uniq()}`, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ item: MachineView }>(res).item;
}

const patch = (t: TestApp, id: string, payload: Record<string, unknown>) =>
  t.inject({ method: 'PATCH', url: `/api/v1/machines/${id}`, payload });

describeEachDb('machines', (get) => {
  it('creates a machine over REST (201) and reads it back through tRPC', async () => {
    const { inject, trpc } = get();
    const identityRef = `peaqos:machine:${uniq()}`;
    const res = await inject({ method: 'POST', url: '/api/v1/machines', payload: { displayName: 'Arm', identityRef } });
    expect(res.statusCode).toBe(201);
    const { item } = json<{ item: { id: string; status: string; ownerId: string } }>(res);
    expect(item).toMatchObject({ status: 'active', ownerId: 'local' });
    const viaTrpc = await trpc.machines.get({ machineId: item.id });
    expect(viaTrpc.identityRef).toBe(identityRef);
  });

  it('fills every default of context A3/B2 and accepts a did:peaq identity', async () => {
    const t = get();
    const identityRef = `did:peaq:0x${'ab'.repeat(20)}`;
    const m = await createMachine(t, { identityRef, status: 'draft' });
    expect(m).toMatchObject({
      displayName: 'Arm',
      status: 'draft',
      identityRef,
      identityProof: null,
      machineType: 'generic',
      runtimeProfile: 'default',
      capabilities: [],
      labels: {},
      policyIds: [],
      skillKeys: [],
    });
    expect(new Date(m.createdAt).toISOString()).toBe(m.createdAt);
    const res = await t.inject({ url: `/api/v1/machines/${m.id}` });
    expect(res.statusCode).toBe(200);
    expect(json<{ item: MachineView }>(res).item).toEqual(m);
  });

  it('answers 404 NOT_FOUND for an unknown machine on GET and PATCH', async () => {
    const t = get();
    for (const res of [
      await t.inject({ url: '/api/v1/machines/no-such-machine' }),
      await patch(t, 'no-such-machine', { displayName: 'x' }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(json<ErrorBody>(res).error.code).toBe('NOT_FOUND');
    }
  });

  // Context A2/B9: limit/cursor paging, newest first, nextCursor omitted on the last page.
  it('pages the machine list newest first with limit and cursor, without duplicates', async () => {
    const t = get();
    const mine = [await createMachine(t), await createMachine(t), await createMachine(t)].map((m) => m.id);
    const seen: string[] = [];
    const all: string[] = [];
    let last: Page<MachineView> | undefined;
    const fetchPage = async (limit: number, cursor?: string) => {
      const res = await t.inject({
        url: `/api/v1/machines?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      });
      expect(res.statusCode).toBe(200);
      const page = json<Page<MachineView>>(res);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      if (page.nextCursor) expect(page.items).toHaveLength(limit);
      all.push(...page.items.map((m) => m.id));
      seen.push(...page.items.map((m) => m.id).filter((id) => mine.includes(id)));
      last = page;
      return page.nextCursor;
    };
    // Small pages until ours are found (other suites may add machines to a shared database)…
    let cursor = await fetchPage(2);
    for (let i = 0; i < 200 && cursor && seen.length < mine.length; i++) cursor = await fetchPage(2, cursor);
    expect(seen).toEqual([...mine].reverse());
    // …then large ones to the end: the last page has no nextCursor.
    for (let i = 0; i < 100 && cursor; i++) cursor = await fetchPage(500, cursor);
    expect(cursor).toBeUndefined();
    expect(last && 'nextCursor' in last).toBe(false);
    expect(new Set(all).size).toBe(all.length);
  });

  it('omits nextCursor when everything fits, and filters by status', async () => {
    const t = get();
    const draft = await createMachine(t, { status: 'draft' });
    const res = await t.inject({ url: '/api/v1/machines?status=draft&limit=500' });
    const page = json<Page<MachineView>>(res);
    expect(page.items.every((m) => m.status === 'draft')).toBe(true);
    expect(page.items.map((m) => m.id)).toContain(draft.id);
    if (page.items.length < 500) expect('nextCursor' in page).toBe(false);
    const active = json<Page<MachineView>>(await t.inject({ url: '/api/v1/machines?status=active&limit=500' }));
    expect(active.items.map((m) => m.id)).not.toContain(draft.id);
  });

  it.each(['0', '501', 'abc', '-5', '2.5'])(
    'refuses limit=%s with 400 VALIDATION_ERROR naming limit',
    async (limit) => {
      const res = await get().inject({ url: `/api/v1/machines?limit=${limit}` });
      expect(res.statusCode).toBe(400);
      const body = json<ErrorBody>(res);
      expect(body.error.code).toBe('VALIDATION_ERROR');
      expect(Object.keys(body.error.details?.fields ?? {})).toContain('limit');
    },
  );

  it('refuses a cursor it did not issue', async () => {
    const res = await get().inject({ url: '/api/v1/machines?cursor=not-a-cursor' });
    expect(res.statusCode).toBe(400);
    expect(json<ErrorBody>(res).error.code).toBe('VALIDATION_ERROR');
  });

  // Context B9 machine guard: with verification off a machine moves freely between the five statuses.
  it('moves a machine through every status with PATCH (200 {item})', async () => {
    const t = get();
    const m = await createMachine(t, { status: 'draft' });
    for (const status of ['active', 'degraded', 'blocked', 'archived', 'draft', 'active'] as const) {
      const res = await patch(t, m.id, { status });
      expect(res.statusCode, res.body).toBe(200);
      expect(json<{ item: MachineView }>(res).item.status).toBe(status);
    }
    expect((await t.trpc.machines.get({ machineId: m.id })).status).toBe('active');
  });

  it('refuses an unknown status and creation with a status other than draft/active', async () => {
    const t = get();
    const m = await createMachine(t);
    const bad = await patch(t, m.id, { status: 'retired' });
    expect(bad.statusCode).toBe(400);
    expect(json<ErrorBody>(bad).error.details?.fields).toHaveProperty('status');
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/machines',
      payload: { displayName: 'X', identityRef: `peaqos:machine:${uniq()}`, status: 'blocked' },
    });
    expect(res.statusCode).toBe(400);
    expect(json<ErrorBody>(res).error.details?.fields).toHaveProperty('status');
  });

  it('PATCH changes only the named fields and keeps the rest', async () => {
    const t = get();
    const m = await createMachine(t, { capabilities: ['camera'], labels: { site: 'lab' } });
    const res = await patch(t, m.id, { displayName: 'Renamed', capabilities: ['lidar', 'lidar', 'gps'] });
    expect(res.statusCode).toBe(200);
    const item = json<{ item: MachineView }>(res).item;
    expect(item).toMatchObject({
      displayName: 'Renamed',
      capabilities: ['lidar', 'gps'],
      labels: { site: 'lab' },
      status: 'active',
    });
    expect(item.identityRef).toBe(m.identityRef);
  });

  // Context B9 "Policies": a machine PATCH naming an unknown policy id is 400.
  it('PATCH with an unknown policy id is 400 naming policyIds; a known one is stored', async () => {
    const t = get();
    const m = await createMachine(t);
    const bad = await patch(t, m.id, { policyIds: ['no-such-policy'] });
    expect(bad.statusCode).toBe(400);
    const body = json<ErrorBody>(bad);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.details?.fields?.policyIds).toMatch(/no-such-policy/);
    expect((await t.trpc.machines.get({ machineId: m.id })).policyIds).toEqual([]);

    const created = await t.inject({ method: 'POST', url: '/api/v1/policies', payload: { name: uniq('pol') } });
    expect(created.statusCode).toBe(201);
    const policyId = json<{ item: { id: string } }>(created).item.id;
    const ok = await patch(t, m.id, { policyIds: [policyId, policyId] });
    expect(ok.statusCode).toBe(200);
    expect(json<{ item: MachineView }>(ok).item.policyIds).toEqual([policyId]);
    // Mixed known and unknown: refused as a whole.
    const mixed = await patch(t, m.id, { policyIds: [policyId, 'ghost'] });
    expect(mixed.statusCode).toBe(400);
    expect((await t.trpc.machines.get({ machineId: m.id })).policyIds).toEqual([policyId]);
  });

  it('POST with an unknown policy id is 400 and creates nothing', async () => {
    const t = get();
    const identityRef = `peaqos:machine:${uniq()}`;
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/machines',
      payload: { displayName: 'X', identityRef, policyIds: ['ghost'] },
    });
    expect(res.statusCode).toBe(400);
    // The identityRef is still free: nothing was written.
    await createMachine(t, { identityRef });
  });

  // Context A3: MACHINE_IDENTITY_EXISTS (409, context B1).
  it('refuses a duplicate identityRef with 409 MACHINE_IDENTITY_EXISTS, on create and on PATCH', async () => {
    const t = get();
    const a = await createMachine(t);
    const dup = await t.inject({
      method: 'POST',
      url: '/api/v1/machines',
      payload: { displayName: 'Twin', identityRef: a.identityRef },
    });
    expect(dup.statusCode).toBe(409);
    expect(json<ErrorBody>(dup).error.code).toBe('MACHINE_IDENTITY_EXISTS');
    const b = await createMachine(t);
    const moved = await patch(t, b.id, { identityRef: a.identityRef });
    expect(moved.statusCode).toBe(409);
    expect(json<ErrorBody>(moved).error.code).toBe('MACHINE_IDENTITY_EXISTS');
    expect((await t.trpc.machines.get({ machineId: b.id })).identityRef).toBe(b.identityRef);
  });

  it('lets an unverified machine change its identityRef to a free one (verification off)', async () => {
    const t = get();
    const m = await createMachine(t);
    const next = `peaqos:machine:${uniq()}`;
    const res = await patch(t, m.id, { identityRef: next });
    expect(res.statusCode).toBe(200);
    expect(json<{ item: MachineView }>(res).item.identityRef).toBe(next);
  });

  it.each([
    ['not-an-identity', 'identityRef'],
    ['did:peaq:xyz', 'identityRef'],
    ['peaqos:machine:', 'identityRef'],
    [`peaqos:machine:${'a'.repeat(260)}`, 'identityRef'],
  ])('refuses identityRef %s with 400 naming the field', async (identityRef, field) => {
    const res = await get().inject({
      method: 'POST',
      url: '/api/v1/machines',
      payload: { displayName: 'Bad', identityRef },
    });
    expect(res.statusCode).toBe(400);
    const body = json<ErrorBody>(res);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.details?.fields).toHaveProperty(field);
    expect(body.error.message).toContain(field);
  });

  it('names every missing required field', async () => {
    const res = await get().inject({ method: 'POST', url: '/api/v1/machines', payload: {} });
    expect(res.statusCode).toBe(400);
    const fields = json<ErrorBody>(res).error.details?.fields ?? {};
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(['displayName', 'identityRef']));
  });

  // Context B7: machine.created / machine.updated, written with the change.
  it('audits machine.created and machine.updated with the machine view and the changed fields', async () => {
    const t = get();
    const m = await createMachine(t, { status: 'draft' });
    await patch(t, m.id, { status: 'active', displayName: 'Arm' });
    const res = await t.inject({ url: `/api/v1/audit-events?resourceType=machine&resourceId=${m.id}` });
    expect(res.statusCode).toBe(200);
    const events = json<Page<AuditEventView>>(res).items;
    expect(events.map((e) => e.type)).toEqual(['machine.updated', 'machine.created']);
    const [updated, created] = events;
    expect(created).toMatchObject({ actor: 'api', resourceType: 'machine', resourceId: m.id, payload: { machine: m } });
    expect(updated?.payload).toMatchObject({ machine: { id: m.id, status: 'active' }, changed: ['status'] });
  });

  it('writes no event for a refused change', async () => {
    const t = get();
    const m = await createMachine(t);
    await patch(t, m.id, { policyIds: ['ghost'] });
    const events = await t.trpc.audit.list({ resourceId: m.id });
    expect(events.items.map((e) => e.type)).toEqual(['machine.created']);
  });

  it('tRPC: create, list, get and update answer the same views as REST', async () => {
    const { trpc, inject } = get();
    const created = await trpc.machines.create({
      displayName: 'Via tRPC',
      identityRef: `peaqos:machine:${uniq()}`,
      status: 'draft',
    });
    expect(created).toMatchObject({ status: 'draft', ownerId: 'local' });
    const updated = await trpc.machines.update({ machineId: created.id, status: 'active' });
    expect(updated.status).toBe('active');
    const rest = json<{ item: MachineView }>(await inject({ url: `/api/v1/machines/${created.id}` })).item;
    expect(rest).toEqual(updated);
    const page = await trpc.machines.list({ limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(typeof page.nextCursor).toBe('string');
    const next = await trpc.machines.list({ limit: 1, cursor: page.nextCursor });
    expect(next.items[0]?.id).not.toBe(page.items[0]?.id);
  });

  it('tRPC: errors carry the tRPC code of the table and the AppError code as cause', async () => {
    const { trpc } = get();
    const m = await trpc.machines.create({ displayName: 'A', identityRef: `peaqos:machine:${uniq()}` });

    const dup = await trpcError(trpc.machines.create({ displayName: 'B', identityRef: m.identityRef }));
    expect(dup.code).toBe('CONFLICT');
    expect(dup.cause).toBeInstanceOf(AppError);
    expect((dup.cause as AppError).code).toBe('MACHINE_IDENTITY_EXISTS');

    const missing = await trpcError(trpc.machines.get({ machineId: 'no-such-machine' }));
    expect(missing.code).toBe('NOT_FOUND');
    expect((missing.cause as AppError).code).toBe('NOT_FOUND');

    const policy = await trpcError(trpc.machines.update({ machineId: m.id, policyIds: ['ghost'] }));
    expect(policy.code).toBe('BAD_REQUEST');
    expect((policy.cause as AppError).code).toBe('VALIDATION_ERROR');
    expect((policy.cause as AppError).details).toMatchObject({ fields: { policyIds: expect.stringMatching(/ghost/) } });

    for (const limit of [0, 501]) {
      const err = await trpcError(trpc.machines.list({ limit }));
      expect(err.code).toBe('BAD_REQUEST');
      // Zod failures reach callers as VALIDATION_ERROR through the one translation (core/errors.ts).
      expect((err.cause as AppError).code).toBe('VALIDATION_ERROR');
    }
    const badRef = await trpcError(trpc.machines.create({ displayName: 'C', identityRef: 'nope' }));
    expect(badRef.code).toBe('BAD_REQUEST');
    expect(Object.keys((badRef.cause as AppError).details?.fields ?? {})).toContain('identityRef');
  });

  it('tRPC over HTTP: the error formatter puts appCode and the HTTP status in data', async () => {
    const { inject } = get();
    const input = encodeURIComponent(JSON.stringify({ machineId: 'no-such-machine' }));
    const res = await inject({ url: `/trpc/machines.get?input=${input}` });
    expect(res.statusCode).toBe(404);
    const body = json<{ error: { message: string; data: { code: string; httpStatus: number; appCode: string } } }>(res);
    expect(body.error.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404, appCode: 'NOT_FOUND' });
    expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts:/);

    const bad = await inject({ url: `/trpc/machines.list?input=${encodeURIComponent(JSON.stringify({ limit: 0 }))}` });
    expect(bad.statusCode).toBe(400);
    const badBody = json<{ error: { data: { appCode: string; details: { fields: Record<string, string> } } } }>(bad);
    expect(badBody.error.data.appCode).toBe('VALIDATION_ERROR');
    expect(badBody.error.data.details.fields).toHaveProperty('limit');
  });
});

describeEachDb('machines under concurrency', (get) => {
  it('answers 409 MACHINE_IDENTITY_EXISTS, never 500, when two creates of one identityRef race', async () => {
    const { inject } = get();
    const identityRef = `peaqos:machine:${uniq()}`;
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        inject({ method: 'POST', url: '/api/v1/machines', payload: { displayName: 'Twin', identityRef } }),
      ),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(3);
    for (const r of results.filter((x) => x.statusCode === 409)) {
      expect(json<{ error: { code: string } }>(r).error.code).toBe('MACHINE_IDENTITY_EXISTS');
    }
  });
});
