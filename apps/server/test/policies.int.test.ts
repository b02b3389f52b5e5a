import type { PolicyView } from '@mm/contracts';
import { expect, it } from 'vitest';
import { trpcErrorCode } from './app-error.ts';
import { describeEachDb, json, uniq } from './harness.ts';

type ErrorBody = { error: { code: string; message: string; details?: { fields?: Record<string, string> } } };

describeEachDb('policies', (get) => {
  it('creates a policy over REST with the reference defaults (201 {item})', async () => {
    const { inject } = get();
    const res = await inject({ method: 'POST', url: '/api/v1/policies', payload: { name: 'Default' } });
    expect(res.statusCode).toBe(201);
    const { item } = json<{ item: PolicyView }>(res);
    expect(item).toMatchObject({
      name: 'Default',
      allowedSkillKeys: [],
      deniedSkillKeys: [],
      budgetCap: null,
      regionRules: [],
      nativeOnly: false,
      handoffAllowed: true,
      requiredCapabilities: [],
    });
  });

  it('creates over tRPC with every field, gets it over REST and tRPC, and audits policy.created', async () => {
    const { inject, trpc } = get();
    const created = await trpc.policies.create({
      name: 'Strict',
      allowedSkillKeys: ['qvac', 'qvac'],
      deniedSkillKeys: ['storage.object'],
      budgetCap: { amount: 0, currency: 'USD' },
      regionRules: ['eu'],
      nativeOnly: true,
      handoffAllowed: false,
      requiredCapabilities: ['gpu'],
    });
    expect(created).toMatchObject({
      allowedSkillKeys: ['qvac'],
      budgetCap: { amount: 0, currency: 'USD' },
      nativeOnly: true,
    });
    const res = await inject({ method: 'GET', url: `/api/v1/policies/${created.id}` });
    expect(res.statusCode).toBe(200);
    expect(json<{ item: PolicyView }>(res).item).toEqual(created);
    expect(await trpc.policies.get({ policyId: created.id })).toEqual(created);
    const events = await trpc.audit.list({ resourceId: created.id });
    expect(events.items).toHaveLength(1);
    expect(events.items[0]).toMatchObject({ type: 'policy.created', resourceType: 'policy', actor: 'api' });
  });

  it('lists newest first and pages with limit/cursor (context A2, B9)', async () => {
    const { inject, trpc } = get();
    const names = [uniq('p'), uniq('p'), uniq('p')];
    for (const name of names) await trpc.policies.create({ name });
    const first = await inject({ method: 'GET', url: '/api/v1/policies?limit=2' });
    expect(first.statusCode).toBe(200);
    let page = json<{ items: PolicyView[]; nextCursor?: string }>(first);
    // Other suites may add policies to a shared database; only the relative order of ours is asserted.
    const seen: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p) => p.name).filter((n) => names.includes(n)));
      if (seen.length === names.length || !page.nextCursor) break;
      page = await trpc.policies.list({ limit: 2, cursor: page.nextCursor });
    }
    expect(seen).toEqual([...names].reverse());
    const bad = await inject({ method: 'GET', url: '/api/v1/policies?limit=501' });
    expect(bad.statusCode).toBe(400);
    expect(json<ErrorBody>(bad).error.details?.fields).toHaveProperty('limit');
  });

  it('PATCH replaces the arrays it names and leaves the rest (context B9)', async () => {
    const { inject, trpc } = get();
    const created = await trpc.policies.create({ name: 'P', allowedSkillKeys: ['a', 'b'], regionRules: ['eu'] });
    const res = await inject({
      method: 'PATCH',
      url: `/api/v1/policies/${created.id}`,
      payload: { allowedSkillKeys: ['c'], budgetCap: { amount: 5, currency: 'USD' } },
    });
    expect(res.statusCode).toBe(200);
    const { item } = json<{ item: PolicyView }>(res);
    expect(item).toMatchObject({
      allowedSkillKeys: ['c'],
      regionRules: ['eu'],
      budgetCap: { amount: 5, currency: 'USD' },
    });
    const viaTrpc = await trpc.policies.update({ policyId: created.id, budgetCap: null, handoffAllowed: false });
    expect(viaTrpc).toMatchObject({ budgetCap: null, handoffAllowed: false, allowedSkillKeys: ['c'] });
    const events = await trpc.audit.list({ resourceId: created.id, type: 'policy.updated' });
    expect(events.items).toHaveLength(2);
    expect(events.items[0]?.payload).toMatchObject({ changed: ['budgetCap', 'handoffAllowed'] });
  });

  it('refuses invalid input with 400 VALIDATION_ERROR: negative budgetCap, missing name, "5" for a number', async () => {
    const { inject, trpc } = get();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', budgetCap: { amount: -1, currency: 'USD' } }, 'budgetCap.amount'],
      [{ name: 'x', budgetCap: { amount: '5', currency: 'USD' } }, 'budgetCap.amount'],
      [{}, 'name'],
      [{ name: 'x', nativeOnly: 'yes' }, 'nativeOnly'],
    ];
    for (const [payload, field] of cases) {
      const res = await inject({ method: 'POST', url: '/api/v1/policies', payload });
      expect(res.statusCode).toBe(400);
      const body = json<ErrorBody>(res);
      expect(body.error.code).toBe('VALIDATION_ERROR');
      expect(body.error.details?.fields).toHaveProperty([field]);
    }
    const created = await trpc.policies.create({ name: 'ok' });
    const patch = await inject({
      method: 'PATCH',
      url: `/api/v1/policies/${created.id}`,
      payload: { budgetCap: { amount: -0.01, currency: 'USD' } },
    });
    expect(patch.statusCode).toBe(400);
    expect(
      await trpcErrorCode(trpc.policies.update({ policyId: created.id, budgetCap: { amount: -5, currency: 'USD' } })),
    ).toBe('VALIDATION_ERROR');
  });

  it('answers 404 NOT_FOUND for an unknown policy on get, patch and delete', async () => {
    const { inject, trpc } = get();
    const id = uniq('policy');
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await inject({
        method,
        url: `/api/v1/policies/${id}`,
        ...(method === 'PATCH' && { payload: { name: 'x' } }),
      });
      expect(res.statusCode).toBe(404);
      expect(json<ErrorBody>(res).error.code).toBe('NOT_FOUND');
    }
    expect(await trpcErrorCode(trpc.policies.get({ policyId: id }))).toBe('NOT_FOUND');
  });

  it('DELETE answers 204 and removes the id from every machine policyIds (context B9, our addition)', async () => {
    const { inject, trpc } = get();
    const doomed = await trpc.policies.create({ name: 'Doomed' });
    const kept = await trpc.policies.create({ name: 'Kept' });
    const governed = await trpc.machines.create({
      displayName: 'Governed',
      identityRef: `peaqos:machine:${uniq()}`,
      policyIds: [doomed.id, kept.id],
    });
    const alsoGoverned = await trpc.machines.create({
      displayName: 'Also',
      identityRef: `peaqos:machine:${uniq()}`,
      status: 'draft',
      policyIds: [doomed.id],
    });
    const res = await inject({ method: 'DELETE', url: `/api/v1/policies/${doomed.id}` });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await trpc.machines.get({ machineId: governed.id })).policyIds).toEqual([kept.id]);
    expect((await trpc.machines.get({ machineId: alsoGoverned.id })).policyIds).toEqual([]);
    expect(await trpcErrorCode(trpc.policies.get({ policyId: doomed.id }))).toBe('NOT_FOUND');
    const machineEvents = await trpc.audit.list({ resourceId: governed.id, type: 'machine.updated' });
    expect(machineEvents.items[0]?.payload).toMatchObject({ changed: ['policyIds'] });
    const deleted = await trpc.audit.list({ resourceId: doomed.id, type: 'policy.deleted' });
    expect(deleted.items).toHaveLength(1);
    // A machine may no longer name the deleted policy (context B9: unknown policy id is 400).
    const patch = await inject({
      method: 'PATCH',
      url: `/api/v1/machines/${governed.id}`,
      payload: { policyIds: [doomed.id] },
    });
    expect(patch.statusCode).toBe(400);
    expect(await trpc.policies.delete({ policyId: kept.id })).toBeUndefined();
    expect((await trpc.machines.get({ machineId: governed.id })).policyIds).toEqual([]);
  });
});
