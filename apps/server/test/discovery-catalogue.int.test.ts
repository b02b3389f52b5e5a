/**
 * Discovery reads the catalogue from the process's copy (docs/api.md "Discovery at catalogue
 * scale"), which must never be stale: every write, on any instance and by any route (the admin API,
 * plain SQL), is seen by the next discovery; and the answer stays bounded (excludedTotal).
 */
import { expect, it } from 'vitest';
import { describeEachDb, json, startTestApp, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

const TYPE = 'data.location';

async function discoverIds(t: TestApp, machineId: string, taskId: string) {
  const res = await t.inject({ method: 'POST', url: `/api/v1/machines/${machineId}/tasks/${taskId}/discover` });
  expect(res.statusCode, res.body).toBe(200);
  const body = json<{ candidates: { service: { id: string } }[]; excludedTotal: number }>(res);
  return { candidates: body.candidates.map((c) => c.service.id), excludedTotal: body.excludedTotal };
}

describeEachDb('discovery over the catalogue copy', (get) => {
  it('sees every catalogue write at once, from another instance and by plain SQL', async () => {
    const t = get();
    // On PostgreSQL the writes come from a second app instance on the same database.
    const other = t.kind === 'postgresql' ? await startTestApp('postgresql') : t;
    try {
      const id = uniq('dc-svc-');
      const m = json<{ item: { id: string } }>(
        await t.inject({
          method: 'POST',
          url: '/api/v1/machines',
          payload: { displayName: 'D', identityRef: `peaqos:machine:${uniq()}` },
        }),
      ).item.id;
      const task = json<{ item: { id: string } }>(
        await t.inject({
          method: 'POST',
          url: `/api/v1/machines/${m}/tasks`,
          payload: { serviceType: TYPE, taskType: 'lookup', discovery: { maxCandidates: 25 } },
        }),
      ).item.id;
      const before = await discoverIds(t, m, task);
      expect(before.candidates).not.toContain(id);

      const skill = await other.inject({
        method: 'PUT',
        url: '/api/v1/skills/dc-skill',
        payload: {
          providerKey: 'dc-provider',
          label: 'DC',
          serviceTypes: [TYPE],
          executionMode: 'external-handoff',
          integrationStatus: 'handoff-only',
        },
      });
      expect(skill.statusCode, skill.body).toBeLessThan(300);
      const put = await other.inject({
        method: 'PUT',
        url: `/api/v1/market/services/${id}`,
        payload: {
          skillKey: 'dc-skill',
          providerKey: 'dc-provider',
          companyName: 'Co',
          serviceType: TYPE,
          name: 'Cached?',
          executionMode: 'external-handoff',
          integrationStatus: 'handoff-only',
          maturity: 'production',
          handoff: { label: 'Go', url: 'https://example.com/go', notes: [] },
        },
      });
      expect(put.statusCode, put.body).toBe(201);
      expect((await discoverIds(t, m, task)).candidates).toContain(id);

      await other.app.db.prisma
        .$executeRaw`UPDATE "MarketService" SET "integrationStatus" = 'planned' WHERE "id" = ${id}`;
      const planned = await discoverIds(t, m, task);
      expect(planned.candidates).not.toContain(id);
      expect(planned.excludedTotal).toBe(before.excludedTotal + 1);

      await other.app.db.prisma.$executeRaw`DELETE FROM "MarketService" WHERE "id" = ${id}`;
      const gone = await discoverIds(t, m, task);
      expect(gone.candidates).not.toContain(id);
      expect(gone.excludedTotal).toBe(before.excludedTotal);
    } finally {
      if (other !== t) await other.app.close();
    }
  });

  it('lists the first 50 excluded services by id and counts them all (excludedTotal)', async () => {
    const t = get();
    const prefix = uniq('dx');
    await t.app.db.prisma.skill.create({
      data: {
        key: `${prefix}-skill`,
        providerKey: 'x',
        label: 'x',
        description: '',
        serviceTypes: ['device.control'],
        operations: [],
        executionMode: 'native',
        integrationStatus: 'integrated',
      },
    });
    const before = await t.app.store.catalogue.listServices({ serviceType: 'device.control' });
    await t.app.db.prisma.marketService.createMany({
      data: Array.from({ length: 80 }, (_, i) => ({
        id: `${prefix}-svc-${String(i).padStart(2, '0')}`,
        skillKey: `${prefix}-skill`,
        providerKey: `${prefix}-none`,
        providerId: 'p',
        providerLabel: 'P',
        companyName: 'Co',
        serviceType: 'device.control',
        name: `S${i}`,
        description: '',
        operations: [],
        executionMode: 'native',
        integrationStatus: 'integrated',
        region: 'global',
        capabilities: [],
        pricing: { mode: 'provider-defined', notes: [] },
        metadata: {},
        authType: 'none',
        accessMode: 'public',
        distribution: 'docs-only',
        maturity: 'beta',
        kind: 'runtime',
        freshnessSeconds: 60,
        requiresHumanEnablement: false,
      })),
    });
    const m = json<{ item: { id: string } }>(
      await t.inject({
        method: 'POST',
        url: '/api/v1/machines',
        payload: { displayName: 'D', identityRef: `peaqos:machine:${uniq()}` },
      }),
    ).item.id;
    const task = json<{ item: { id: string } }>(
      await t.inject({
        method: 'POST',
        url: `/api/v1/machines/${m}/tasks`,
        payload: { serviceType: 'device.control', taskType: 'control' },
      }),
    ).item.id;
    const res = await t.inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${task}/discover` });
    expect(res.statusCode).toBe(200);
    const body = json<{ excluded: { serviceId: string; reasons: string[] }[]; excludedTotal: number }>(res);
    expect(body.excluded).toHaveLength(50);
    // This machine has no runtime endpoint: every native service of the type is excluded, ours too.
    expect(body.excludedTotal).toBeGreaterThanOrEqual(80 + before.filter((s) => s.executionMode === 'native').length);
    const ids = body.excluded.map((e) => e.serviceId);
    expect(ids).toEqual([...ids].sort());
    for (const e of body.excluded) expect(e.reasons.length).toBeGreaterThan(0);
    const event = await t.trpc.audit.list({ type: 'task.discovered', resourceId: task });
    expect(event.items[0]?.payload).toMatchObject({ excludedTotal: body.excludedTotal });
  });
});
