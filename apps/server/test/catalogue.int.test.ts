/**
 * The catalogue (context A4, B3; B9 "Catalogue administration"): the shipped defaults, the read
 * routes and the admin upserts, over REST and tRPC, on both databases.
 * Catalogue rows are global and the PostgreSQL database is shared by every test file: this file only
 * writes skills and services under unique keys, and only service types other suites do not use.
 */
import { SERVICE_TYPES } from '@mm/contracts';
import type { AuditEventView, CatalogServiceView, SkillView } from '@mm/contracts';
import { DEFAULT_SERVICES } from '@mm/core';
import type { AppError } from '@mm/core';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import { describeEachDb, json, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type ErrorBody = { error: { code: string; message: string; details?: { fields?: Record<string, string> } } };

const skillBody = (overrides: Record<string, unknown> = {}) => ({
  providerKey: 'Acme',
  label: 'Acme partner console',
  serviceTypes: ['network.partner-console'],
  operations: ['open-console'],
  executionMode: 'external-handoff',
  integrationStatus: 'handoff-only',
  ...overrides,
});

const serviceBody = (skillKey: string, overrides: Record<string, unknown> = {}) => ({
  skillKey,
  providerKey: 'acme',
  companyName: 'Acme Robotics',
  serviceType: 'network.partner-console',
  name: 'Acme console',
  executionMode: 'external-handoff',
  integrationStatus: 'handoff-only',
  handoff: { label: 'Continue at Acme', url: 'https://acme.example.com/console', notes: ['Sign in first.'] },
  ...overrides,
});

async function putSkill(t: TestApp, key: string, body: Record<string, unknown> = skillBody()) {
  return t.inject({ method: 'PUT', url: `/api/v1/skills/${key}`, payload: body });
}

describeEachDb('catalogue', (get) => {
  // Context B3: the exact QVAC skill and service.
  it('ships the QVAC skill and service with the fields of context B3', async () => {
    const t = get();
    const skills = json<{ items: SkillView[] }>(await t.inject({ url: '/api/v1/skills?limit=500' })).items;
    expect(skills.find((s) => s.key === 'qvac')).toMatchObject({
      key: 'qvac',
      providerKey: 'qvac',
      serviceTypes: ['compute.marketplace'],
      operations: ['run-private-inference'],
      executionMode: 'native',
    });
    const res = await t.inject({ url: '/api/v1/market/services/qvac-private-inference' });
    expect(res.statusCode).toBe(200);
    expect(json<{ item: CatalogServiceView }>(res).item).toMatchObject({
      id: 'qvac-private-inference',
      skillKey: 'qvac',
      providerKey: 'qvac',
      serviceType: 'compute.marketplace',
      operations: ['run-private-inference'],
      executionMode: 'native',
      kind: 'runtime',
      region: 'local',
    });
  });

  // Context B3: every ServiceType has at least one external-handoff service with a handoff.
  it('has an external-handoff service with label, url and notes for every one of the 8 service types', async () => {
    const t = get();
    expect(SERVICE_TYPES).toHaveLength(8);
    for (const serviceType of SERVICE_TYPES) {
      const res = await t.inject({
        url: `/api/v1/market/services?serviceType=${serviceType}&executionMode=external-handoff`,
      });
      expect(res.statusCode).toBe(200);
      const items = json<{ items: CatalogServiceView[] }>(res).items;
      const shipped = items.filter((s) => DEFAULT_SERVICES.some((d) => d.id === s.id));
      expect(shipped.length, serviceType).toBeGreaterThanOrEqual(1);
      for (const s of shipped) {
        expect(s.executionMode).toBe('external-handoff');
        expect(s.handoff?.label).toBeTruthy();
        expect(s.handoff?.url).toMatch(/^https?:\/\//);
        expect(Array.isArray(s.handoff?.notes)).toBe(true);
      }
    }
  });

  it('every listed service names a skill that is listed', async () => {
    const t = get();
    const skills = new Set(
      json<{ items: SkillView[] }>(await t.inject({ url: '/api/v1/skills?limit=500' })).items.map((s) => s.key),
    );
    const services = json<{ items: CatalogServiceView[] }>(
      await t.inject({ url: '/api/v1/market/services?limit=500' }),
    ).items;
    expect(services.length).toBeGreaterThanOrEqual(DEFAULT_SERVICES.length);
    for (const s of services) expect(skills.has(s.skillKey), s.id).toBe(true);
  });

  // Context B9: every list accepts limit and cursor; the catalogue's natural order is by key.
  it('pages skills and services in key order with limit and cursor', async () => {
    const t = get();
    const all = json<{ items: SkillView[] }>(await t.inject({ url: '/api/v1/skills?limit=500' })).items.map(
      (s) => s.key,
    );
    expect(all).toEqual([...all].sort());
    const walked: string[] = [];
    let url = '/api/v1/skills?limit=3';
    for (let i = 0; i < 200; i++) {
      const page = json<{ items: SkillView[]; nextCursor?: string }>(await t.inject({ url }));
      expect(page.items.length).toBeLessThanOrEqual(3);
      walked.push(...page.items.map((s) => s.key));
      if (!page.nextCursor) break;
      url = `/api/v1/skills?limit=3&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    // Skills other suites add concurrently may appear; the shipped ones all do, once each, in order.
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual([...walked].sort());
    expect(walked).toEqual(
      expect.arrayContaining(all.filter((k) => ['qvac', 'akash.compute', 'pyth.price-feed'].includes(k))),
    );
    const first = json<{ items: CatalogServiceView[]; nextCursor?: string }>(
      await t.inject({ url: '/api/v1/market/services?limit=1' }),
    );
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toBeTruthy();
    const bad = await t.inject({ url: '/api/v1/market/services?limit=501' });
    expect(bad.statusCode).toBe(400);
  });

  it('filters services by serviceType and refuses an unknown one', async () => {
    const t = get();
    const res = await t.inject({ url: '/api/v1/market/services?serviceType=storage.object' });
    expect(res.statusCode).toBe(200);
    const items = json<{ items: CatalogServiceView[] }>(res).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((s) => s.serviceType === 'storage.object')).toBe(true);
    expect(items.map((s) => s.id)).toContain('storacha-object-handoff');
    const bad = await t.inject({ url: '/api/v1/market/services?serviceType=storage.blob' });
    expect(bad.statusCode).toBe(400);
    expect(json<ErrorBody>(bad).error.details?.fields).toHaveProperty('serviceType');
  });

  it('answers 404 NOT_FOUND for an unknown service', async () => {
    const res = await get().inject({ url: '/api/v1/market/services/no-such-service' });
    expect(res.statusCode).toBe(404);
    expect(json<ErrorBody>(res).error.code).toBe('NOT_FOUND');
  });

  // Context B9: PUT creates (201) or replaces (200).
  it('PUT /skills/:key answers 201 on create and 200 on replace, and lists the result', async () => {
    const t = get();
    const key = uniq('acme.console-');
    const created = await putSkill(t, key);
    expect(created.statusCode, created.body).toBe(201);
    expect(json<{ item: SkillView }>(created).item).toEqual({
      key,
      providerKey: 'acme', // lowercased
      label: 'Acme partner console',
      description: '',
      serviceTypes: ['network.partner-console'],
      operations: ['open-console'],
      executionMode: 'external-handoff',
      integrationStatus: 'handoff-only',
    });
    const replaced = await putSkill(t, key, skillBody({ label: 'Renamed', operations: [] }));
    expect(replaced.statusCode).toBe(200);
    expect(json<{ item: SkillView }>(replaced).item).toMatchObject({ label: 'Renamed', operations: [] });
    const listed = json<{ items: SkillView[] }>(await t.inject({ url: '/api/v1/skills?limit=500' })).items;
    expect(listed.filter((s) => s.key === key)).toEqual([json<{ item: SkillView }>(replaced).item]);
    const events = await t.trpc.audit.list({ resourceType: 'skill', resourceId: key });
    expect(events.items.map((e) => [e.type, (e.payload as { created: boolean }).created])).toEqual([
      ['skill.upserted', false],
      ['skill.upserted', true],
    ]);
  });

  it('PUT /skills/:key refuses a bad body with the failing fields', async () => {
    const res = await putSkill(get(), uniq('bad-'), skillBody({ serviceTypes: [], executionMode: 'remote' }));
    expect(res.statusCode).toBe(400);
    expect(Object.keys(json<ErrorBody>(res).error.details?.fields ?? {})).toEqual(
      expect.arrayContaining(['serviceTypes', 'executionMode']),
    );
  });

  it('PUT /market/services/:id answers 201 then 200, replaces the whole record and audits both', async () => {
    const t = get();
    const key = uniq('acme.console-');
    expect((await putSkill(t, key)).statusCode).toBe(201);
    const id = uniq('acme-console-');
    const created = await t.inject({
      method: 'PUT',
      url: `/api/v1/market/services/${id}`,
      payload: serviceBody(key, { capabilities: ['sso'] }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const item = json<{ item: CatalogServiceView }>(created).item;
    // Defaults of the admin request, and providerId/providerLabel derived from the provider.
    expect(item).toMatchObject({
      id,
      skillKey: key,
      region: 'global',
      capabilities: ['sso'],
      pricing: { mode: 'provider-defined', notes: [] },
      metadata: {},
      providerId: 'acme',
      providerLabel: 'Acme Robotics',
      authType: 'none',
      accessMode: 'public',
      distribution: 'docs-only',
      maturity: 'reference',
      kind: 'reference',
      requiresHumanEnablement: false,
    });
    const replaced = await t.inject({
      method: 'PUT',
      url: `/api/v1/market/services/${id}`,
      payload: serviceBody(key, { name: 'Acme console v2' }),
    });
    expect(replaced.statusCode).toBe(200);
    const after = json<{ item: CatalogServiceView }>(replaced).item;
    expect(after.name).toBe('Acme console v2');
    // Replace, not merge: capabilities not sent are back to the default.
    expect(after.capabilities).toEqual([]);
    const got = await t.inject({ url: `/api/v1/market/services/${id}` });
    expect(json<{ item: CatalogServiceView }>(got).item).toEqual(after);
    const events = json<{ items: AuditEventView[] }>(
      await t.inject({ url: `/api/v1/audit-events?resourceType=market-service&resourceId=${id}` }),
    ).items;
    expect(events.map((e) => e.type)).toEqual(['market-service.upserted', 'market-service.upserted']);
    expect(events[0]?.payload).toMatchObject({ created: false, service: { name: 'Acme console v2' } });
  });

  it('PUT /market/services/:id with an unknown skillKey is 400 and creates nothing', async () => {
    const t = get();
    const id = uniq('orphan-');
    const res = await t.inject({
      method: 'PUT',
      url: `/api/v1/market/services/${id}`,
      payload: serviceBody('no.such-skill'),
    });
    expect(res.statusCode).toBe(400);
    const body = json<ErrorBody>(res);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.details?.fields).toHaveProperty('skillKey');
    expect((await t.inject({ url: `/api/v1/market/services/${id}` })).statusCode).toBe(404);
  });

  it('PUT /market/services/:id refuses an external-handoff service without handoff details', async () => {
    const t = get();
    const key = uniq('acme.console-');
    await putSkill(t, key);
    const res = await t.inject({
      method: 'PUT',
      url: `/api/v1/market/services/${uniq('nohandoff-')}`,
      payload: serviceBody(key, { handoff: null }),
    });
    expect(res.statusCode).toBe(400);
    expect(json<ErrorBody>(res).error.details?.fields).toHaveProperty('handoff');
  });

  it('PUT /market/services/:id refuses a handoff URL that is not http(s) and 33-deep metadata', async () => {
    const t = get();
    const key = uniq('acme.console-');
    await putSkill(t, key);
    const ftp = await t.inject({
      method: 'PUT',
      url: `/api/v1/market/services/${uniq('ftp-')}`,
      payload: serviceBody(key, { handoff: { label: 'x', url: 'ftp://acme.example.com', notes: [] } }),
    });
    expect(ftp.statusCode).toBe(400);
    expect(json<ErrorBody>(ftp).error.details?.fields).toHaveProperty('handoff.url');
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 1; i < 33; i++) deep = { a: deep };
    const tooDeep = await t.inject({
      method: 'PUT',
      url: `/api/v1/market/services/${uniq('deep-')}`,
      payload: serviceBody(key, { metadata: deep }),
    });
    expect(tooDeep.statusCode).toBe(400);
  });

  // Context B9: "Discovery sees changes at once".
  it('a new service is discoverable immediately', async () => {
    const t = get();
    const key = uniq('acme.console-');
    await putSkill(t, key);
    const id = uniq('acme-now-');
    expect(
      (await t.inject({ method: 'PUT', url: `/api/v1/market/services/${id}`, payload: serviceBody(key) })).statusCode,
    ).toBe(201);
    const machine = await t.trpc.machines.create({
      displayName: 'Console user',
      identityRef: `peaqos:machine:${uniq()}`,
    });
    const task = await t.inject({
      method: 'POST',
      url: `/api/v1/machines/${machine.id}/tasks`,
      payload: {
        serviceType: 'network.partner-console',
        taskType: 'open',
        constraints: { preferredSkillKeys: [key] },
        discovery: { maxCandidates: 25 },
      },
    });
    expect(task.statusCode, task.body).toBe(201);
    const taskId = json<{ item: { id: string } }>(task).item.id;
    const disc = await t.inject({
      method: 'POST',
      url: `/api/v1/machines/${machine.id}/tasks/${taskId}/discover`,
      payload: {},
    });
    expect(disc.statusCode, disc.body).toBe(200);
    const candidates = json<{ candidates: { service: { id: string } }[] }>(disc).candidates.map((c) => c.service.id);
    expect(candidates[0]).toBe(id);
  });

  // Context B3: loaded at start-up and idempotently upserted.
  it('loadDefaults() writes nothing when the catalogue is already current, and restores a changed default', async () => {
    const t = get();
    const catalogue = t.app.services.catalogue;
    expect(await catalogue.loadDefaults()).toEqual({ written: 0 });
    expect(await catalogue.loadDefaults()).toEqual({ written: 0 });

    const shipped = await catalogue.getService('storacha-object-handoff');
    const { id: _id, ...rest } = shipped;
    await catalogue.upsertService(
      'storacha-object-handoff',
      { ...rest, description: 'edited by an operator' },
      { actor: 'api', ownerId: 'local' },
    );
    expect(await catalogue.loadDefaults()).toEqual({ written: 1 });
    expect(await catalogue.getService('storacha-object-handoff')).toEqual(shipped);
    expect(await catalogue.loadDefaults()).toEqual({ written: 0 });
    const events = await t.trpc.audit.list({
      resourceId: 'storacha-object-handoff',
      type: 'market-service.upserted',
      limit: 1,
    });
    expect(events.items[0]?.actor).toBe('system:machine-markets');
  });

  it('tRPC: lists, reads, upserts and maps errors like REST', async () => {
    const { trpc } = get();
    const skills = (await trpc.catalogue.listSkills()).items;
    expect(skills.map((s) => s.key)).toContain('qvac');
    const compute = (await trpc.catalogue.listServices({ serviceType: 'compute.marketplace' })).items;
    expect(compute.map((s) => s.id)).toContain('qvac-private-inference');
    expect(compute.every((s) => s.serviceType === 'compute.marketplace')).toBe(true);
    expect((await trpc.catalogue.getService({ serviceId: 'qvac-private-inference' })).kind).toBe('runtime');

    const key = uniq('acme.trpc-');
    const skill = await trpc.catalogue.upsertSkill({ skillKey: key, ...skillBody() } as Parameters<
      typeof trpc.catalogue.upsertSkill
    >[0]);
    expect(skill).toMatchObject({ key });
    const again = await trpc.catalogue.upsertSkill({ skillKey: key, ...skillBody() } as Parameters<
      typeof trpc.catalogue.upsertSkill
    >[0]);
    expect(again).toEqual(skill);

    try {
      await trpc.catalogue.getService({ serviceId: 'no-such-service' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe('NOT_FOUND');
      expect(((err as TRPCError).cause as AppError).code).toBe('NOT_FOUND');
    }
    try {
      await trpc.catalogue.upsertService({ serviceId: uniq('x-'), ...serviceBody('no.such-skill') } as Parameters<
        typeof trpc.catalogue.upsertService
      >[0]);
      expect.unreachable();
    } catch (err) {
      expect((err as TRPCError).code).toBe('BAD_REQUEST');
      expect(((err as TRPCError).cause as AppError).code).toBe('VALIDATION_ERROR');
    }
  });
});
