/**
 * Discovery filters in the database and scores what passes (engine/prefilter.ts, docs/api.md
 * "Discovery at catalogue scale"). The filter must agree with scoring.ts on every rule: over a
 * varied catalogue and many requests, the database path answers exactly what scoring every
 * service answers.
 */
import type { PolicyView, RuntimeEndpointView, TaskConstraints } from '@mm/contracts';
import { discover, discoverFiltered, serviceFilterOf } from '@mm/core';
import type { ScoringInput } from '@mm/core';
import { expect, it } from 'vitest';
import { describeEachDb, json, uniq } from './harness.ts';

const TYPE = 'data.location';

function endpoint(
  providerKey: string,
  status: RuntimeEndpointView['status'],
  leaseMs: number | null,
): RuntimeEndpointView {
  const now = new Date().toISOString();
  return {
    id: `ep-${providerKey}`,
    machineId: 'm',
    providerKey,
    source: 'manual',
    agentId: null,
    label: providerKey,
    endpointBaseUrl: 'http://127.0.0.1:1',
    authType: 'none',
    hasAuthToken: false,
    modelAlias: null,
    networkScope: 'loopback',
    probePath: '/health',
    status,
    leaseExpiresAt: leaseMs === null ? null : new Date(Date.now() + leaseMs).toISOString(),
    lastCheckedAt: null,
    lastHealthyAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

function policy(p: Partial<PolicyView>): PolicyView {
  return {
    id: uniq('pol'),
    name: 'P',
    allowedSkillKeys: [],
    deniedSkillKeys: [],
    budgetCap: null,
    regionRules: [],
    nativeOnly: false,
    handoffAllowed: true,
    requiredCapabilities: [],
    createdAt: '',
    updatedAt: '',
    ...p,
  };
}

describeEachDb('discovery filtered in the database', (get) => {
  it('answers what scoring every service answers, for every rule and combination', async () => {
    const t = get();
    const prefix = uniq('df');
    const skills = [0, 1, 2].map((i) => `${prefix}-skill-${i}`);
    await t.app.db.prisma.skill.createMany({
      data: skills.map((key) => ({
        key,
        providerKey: 'x',
        label: key,
        description: '',
        serviceTypes: [TYPE],
        operations: [],
        executionMode: 'native',
        integrationStatus: 'integrated',
      })),
    });
    const pricings = [
      { mode: 'fixed', amount: 5, currency: 'USD', notes: [] },
      { mode: 'fixed', amount: 50, currency: 'USD', notes: [] },
      { mode: 'fixed', amount: 5, currency: 'EUR', notes: [] },
      { mode: 'fixed', amount: 20, notes: [] },
      { mode: 'fixed', notes: [] },
      { mode: 'provider-defined', notes: [] },
    ];
    const regions = ['global', 'local', 'eu', 'us'];
    await t.app.db.prisma.marketService.createMany({
      data: Array.from({ length: 240 }, (_, i) => {
        const native = i % 2 === 0;
        return {
          id: `${prefix}-svc-${String(i).padStart(3, '0')}`,
          skillKey: skills[i % 3] ?? '',
          providerKey: native ? `${prefix}-p${i % 4}` : `${prefix}-ext`,
          providerId: 'p',
          providerLabel: 'P',
          companyName: 'Co',
          serviceType: TYPE,
          name: `S${i}`,
          description: '',
          operations: i % 5 === 0 ? [] : ['read', i % 2 ? 'write' : 'scan'],
          executionMode: native ? 'native' : 'external-handoff',
          integrationStatus: i % 11 === 0 ? 'planned' : native ? 'integrated' : 'handoff-only',
          region: regions[i % 4] ?? 'global',
          capabilities: i % 3 === 0 ? ['gps'] : ['gps', 'rtk'],
          handoff: native ? undefined : { label: 'Go', url: 'https://example.com', notes: [] },
          pricing: pricings[i % pricings.length] ?? {},
          metadata: {},
          authType: 'none',
          accessMode: 'public',
          distribution: 'docs-only',
          maturity: i % 7 === 0 ? 'production' : 'beta',
          kind: native ? 'runtime' : 'reference',
          freshnessSeconds: 60,
          requiresHumanEnablement: false,
        };
      }),
    });
    const endpoints = new Map([
      [`${prefix}-p0`, endpoint(`${prefix}-p0`, 'active', 60_000)],
      [`${prefix}-p1`, endpoint(`${prefix}-p1`, 'degraded', null)],
      [`${prefix}-p2`, endpoint(`${prefix}-p2`, 'unreachable', 60_000)],
      [`${prefix}-p3`, endpoint(`${prefix}-p3`, 'active', -1_000)],
    ]);
    const base: TaskConstraints = {
      allowExternalHandoff: true,
      requireNativeExecution: false,
      requiredCapabilities: [],
    };
    const constraintSets: TaskConstraints[] = [
      base,
      { ...base, region: 'eu' },
      { ...base, budget: 10 },
      { ...base, requiredCapabilities: ['rtk'] },
      { ...base, allowExternalHandoff: false },
      { ...base, requireNativeExecution: true, region: 'us', budget: 30, requiredCapabilities: ['gps'] },
    ];
    const policySets: PolicyView[][] = [
      [],
      [policy({ deniedSkillKeys: [skills[0] ?? ''] })],
      [policy({ allowedSkillKeys: [skills[1] ?? '', skills[2] ?? ''], regionRules: ['eu'] })],
      [policy({ budgetCap: { amount: 10, currency: 'USD' } }), policy({ requiredCapabilities: ['rtk'] })],
      [policy({ nativeOnly: true })],
      [policy({ handoffAllowed: false, budgetCap: { amount: 100, currency: 'EUR' } })],
    ];
    const ours = (id: string) => id.startsWith(prefix);
    const all = 100_000;
    let compared = 0;
    for (const operation of [undefined, 'write', 'scan']) {
      for (const constraints of constraintSets) {
        for (const policies of policySets) {
          const input: ScoringInput = {
            task: { serviceType: TYPE, operation, constraints },
            endpoints,
            policies,
            now: new Date(),
          };
          const everything = discover(await t.app.store.catalogue.listServices({ serviceType: TYPE }), input, 25, all);
          const filtered = discoverFiltered(
            await t.app.store.catalogue.filterServices(serviceFilterOf(input), all),
            input,
            25,
            all,
          );
          // Other test files may add services of this type meanwhile: compare ours.
          const mine = (r: typeof everything) => ({
            candidates: r.candidates.filter((c) => ours(c.service.id)),
            excluded: r.excluded.filter((e) => ours(e.serviceId)),
          });
          expect(mine(filtered), JSON.stringify({ operation, constraints, policies })).toEqual(mine(everything));
          compared += 1;
        }
      }
    }
    expect(compared).toBe(108);
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
