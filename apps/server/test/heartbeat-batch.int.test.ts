/**
 * The heartbeat group commit and auth cache (docs/liveness.md "Heartbeats in batches") keep the
 * heartbeat's semantics: real parallel HTTP heartbeats of many agents, on PostgreSQL through two
 * app instances sharing one database (on the embedded database one instance plays both), are each
 * acknowledged, renewed and audited once; refusals keep their codes inside a batch; a revoke in one
 * instance refuses the agent in the other at once; a failed batch falls back, an outage is a 503.
 */
import type { LeaseRenewal } from '@mm/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { json, startTestApp, uniq } from './harness.ts';
import type { DbKind, TestApp } from './harness.ts';
import { startPgProxy } from './processes.ts';
import type { PgProxy } from './processes.ts';
import { isolatedPostgres } from './support/pg.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Agent {
  machineId: string;
  agentId: string;
  agentToken: string;
  endpointId: string;
}

async function enrolled(t: TestApp, enrolment: Json = {}): Promise<Agent> {
  const m = await t.inject({
    method: 'POST',
    url: '/api/v1/machines',
    payload: { displayName: 'Beater', identityRef: `peaqos:machine:${uniq()}` },
  });
  expect(m.statusCode, m.body).toBe(201);
  const machineId = json<{ item: { id: string } }>(m).item.id;
  const e = await t.inject({
    method: 'POST',
    url: `/api/v1/machines/${machineId}/agents/enrollment`,
    payload: enrolment,
  });
  expect(e.statusCode, e.body).toBe(201);
  const { id: agentId, agentToken } = json<{ item: { id: string; agentToken: string } }>(e).item;
  // The first heartbeat names its endpoint (the full path); the ones under test renew it.
  const first = await t.inject({
    method: 'POST',
    url: '/api/v1/machine-agents/heartbeat',
    payload: {
      machineId,
      agentId,
      agentToken,
      endpoints: [{ providerKey: 'qvac', endpointBaseUrl: 'http://127.0.0.1:9' }],
    },
  });
  expect(first.statusCode, first.body).toBe(200);
  return { machineId, agentId, agentToken, endpointId: json<{ endpoints: Json[] }>(first).endpoints[0]?.id as string };
}

function beat(t: TestApp, a: Agent, over: Partial<Json> = {}) {
  return fetch(`${t.baseUrl}/api/v1/machine-agents/heartbeat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ machineId: a.machineId, agentId: a.agentId, agentToken: a.agentToken, ...over }),
  });
}

async function heartbeatEvents(t: TestApp, agentId: string): Promise<Json[]> {
  const res = await t.inject(`/api/v1/audit-events?type=machine-agent.heartbeat&resourceId=${agentId}&limit=500`);
  expect(res.statusCode, res.body).toBe(200);
  return json<{ items: Json[] }>(res).items;
}

/** Counts the heartbeats with declared endpoints that the instance's batches renewed. */
function spyDeclaredRenewals(t: TestApp): { count: number } {
  const seen = { count: 0 };
  const orig = t.app.store.heartbeats.renewMany.bind(t.app.store.heartbeats);
  t.app.store.heartbeats.renewMany = async (items: LeaseRenewal[]) => {
    const out = await orig(items);
    seen.count += items.filter((i) => i.declared && out.get(i.agentId)?.complete).length;
    return out;
  };
  return seen;
}

/** Records the size of every batch the instance writes (behaviour unchanged). */
function spyBatches(t: TestApp): number[] {
  const sizes: number[] = [];
  const orig = t.app.store.heartbeats.renewMany.bind(t.app.store.heartbeats);
  t.app.store.heartbeats.renewMany = (items: LeaseRenewal[]) => {
    sizes.push(items.length);
    return orig(items);
  };
  return sizes;
}

function describeBatches(kind: DbKind) {
  const skip = kind === 'postgresql' && !inject('pgUrl');
  (skip ? describe.skip : describe)(`heartbeat group commit [${kind}]`, () => {
    let a: TestApp;
    let b: TestApp;
    const on = (i: number) => (i % 2 ? b : a);
    beforeAll(async () => {
      a = await startTestApp(kind, { listen: true });
      b = kind === 'postgresql' ? await startTestApp(kind, { listen: true }) : a;
    });
    afterAll(async () => {
      await a?.app.close();
      if (b !== a) await b?.app.close();
    });

    it('acknowledges, renews and audits every one of many concurrent heartbeats once, in batches', async () => {
      const agents = await Promise.all(Array.from({ length: 40 }, () => enrolled(a)));
      const sizes = spyBatches(a);
      const sizesB = b === a ? sizes : spyBatches(b);
      const before = Date.now();
      // Three rounds of one heartbeat per agent, all in flight at once, alternating instances.
      const calls = [0, 1, 2].flatMap((round) => agents.map((ag, i) => ({ ag, t: on(i + round), round })));
      const answers = await Promise.all(
        calls.map(async ({ ag, t }) => {
          const res = await beat(t, ag, { leaseSeconds: 300 });
          return { ag, status: res.status, body: (await res.json()) as Json };
        }),
      );
      for (const { status, body } of answers) expect(status, JSON.stringify(body)).toBe(200);
      // The embedded database runs each statement at once, so its batches may all be of one.
      if (kind === 'postgresql') expect(Math.max(...sizes, ...sizesB)).toBeGreaterThan(1);
      for (const ag of agents) {
        const mine = answers.filter((x) => x.ag === ag);
        for (const { body } of mine) {
          expect(body.item).toMatchObject({ id: ag.agentId, machineId: ag.machineId, status: 'active' });
          expect(body.nextHeartbeatInSeconds).toBe(100);
          expect(body.endpoints).toHaveLength(1);
          expect(body.endpoints[0]).toMatchObject({ id: ag.endpointId, providerKey: 'qvac', status: 'active' });
          expect(new Date(body.endpoints[0].leaseExpiresAt).getTime()).toBeGreaterThanOrEqual(before + 299_000);
        }
        const agent = json<{ item: Json }>(
          await b.inject(`/api/v1/machines/${ag.machineId}/agents/${ag.agentId}`),
        ).item;
        const latest = Math.max(...mine.map((x) => new Date(x.body.item.lastSeenAt as string).getTime()));
        expect(new Date(agent.lastSeenAt as string).getTime()).toBe(latest);
        // The first heartbeat plus the three under test, each audited once, as the full path does.
        const events = await heartbeatEvents(b, ag.agentId);
        expect(events).toHaveLength(4);
        for (const event of events.filter((e) => e.payload.leaseSeconds === 300)) {
          expect(event).toMatchObject({
            actor: `agent:${ag.agentId}`,
            principal: ag.agentId,
            machineId: ag.machineId,
            resourceType: 'machine-agent',
          });
          expect(Object.keys(event.payload).sort()).toEqual(['agent', 'endpoints', 'leaseExpiresAt', 'leaseSeconds']);
          expect(event.payload.endpoints).toEqual([{ id: ag.endpointId, providerKey: 'qvac', status: 'active' }]);
          const view = mine.find((x) => x.body.item.lastSeenAt === event.payload.agent.lastSeenAt)?.body.item;
          expect(event.payload.agent).toEqual(view);
        }
      }
    });

    it('batches heartbeats that repeat their endpoints unchanged; any change still takes effect and is audited', async () => {
      const QVAC = { providerKey: 'qvac', endpointBaseUrl: 'http://127.0.0.1:9' };
      const agents = await Promise.all(
        Array.from({ length: 30 }, () => enrolled(a, { allowedProviderKeys: ['qvac', 'ollama'] })),
      );
      const renewedA = spyDeclaredRenewals(a);
      const renewedB = b === a ? { count: 0 } : spyDeclaredRenewals(b);
      const before = Date.now();
      // What mm-agent sends: its endpoints on every heartbeat. Two rounds in flight at once.
      const calls = [0, 1].flatMap((round) => agents.map((ag, i) => ({ ag, t: on(i + round) })));
      const answers = await Promise.all(
        calls.map(async ({ ag, t }) => {
          const res = await beat(t, ag, { leaseSeconds: 300, endpoints: [QVAC] });
          return { ag, status: res.status, body: (await res.json()) as Json };
        }),
      );
      for (const { status, body } of answers) expect(status, JSON.stringify(body)).toBe(200);
      // Repeats are answered by batches (an agent twice in one batch goes the full path once).
      expect(renewedA.count + renewedB.count).toBeGreaterThanOrEqual(agents.length);
      for (const ag of agents) {
        for (const { body } of answers.filter((x) => x.ag === ag)) {
          expect(body.endpoints).toHaveLength(1);
          expect(body.endpoints[0]).toMatchObject({ id: ag.endpointId, source: 'agent', status: 'active' });
          expect(new Date(body.endpoints[0].leaseExpiresAt).getTime()).toBeGreaterThanOrEqual(before + 299_000);
        }
        expect(await heartbeatEvents(b, ag.agentId)).toHaveLength(3);
        // A repeat changes nothing but the lease: only the first registration is an upsert event.
        const upserts = json<{ items: Json[] }>(
          await b.inject(`/api/v1/audit-events?type=runtime-endpoint.upserted&resourceId=${ag.endpointId}`),
        ).items;
        expect(upserts).toHaveLength(1);
      }

      const [moved, subset, taken] = agents;
      if (!moved || !subset || !taken) throw new Error('agents');
      // A changed declaration is written and audited (whichever instance answers).
      const res = await beat(b, moved, { endpoints: [{ ...QVAC, endpointBaseUrl: 'http://127.0.0.1:10' }] });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Json).endpoints[0].endpointBaseUrl).toBe('http://127.0.0.1:10');
      const movedUpserts = json<{ items: Json[] }>(
        await a.inject(`/api/v1/audit-events?type=runtime-endpoint.upserted&resourceId=${moved.endpointId}`),
      ).items;
      expect(movedUpserts).toHaveLength(2);
      // A second endpoint, then a heartbeat declaring only the first: the other's lease is not renewed.
      const two = await beat(a, subset, {
        leaseSeconds: 300,
        endpoints: [QVAC, { providerKey: 'ollama', endpointBaseUrl: 'http://127.0.0.1:11' }],
      });
      expect(two.status).toBe(200);
      const ollama = ((await two.json()) as Json).endpoints.find((e: Json) => e.providerKey === 'ollama');
      const one = await beat(b, subset, { leaseSeconds: 600, endpoints: [QVAC] });
      expect(one.status).toBe(200);
      const listed = json<{ items: Json[] }>(
        await a.inject(`/api/v1/machines/${subset.machineId}/runtime-endpoints`),
      ).items;
      const byKey = new Map(listed.map((e) => [e.providerKey, e]));
      expect(byKey.get('ollama')?.leaseExpiresAt).toBe(ollama.leaseExpiresAt);
      expect(new Date(byKey.get('qvac')?.leaseExpiresAt).getTime()).toBeGreaterThan(
        new Date(ollama.leaseExpiresAt).getTime() + 200_000,
      );
      // An operator's PUT takes the endpoint over (manual); the agent's next heartbeat takes it back, audited.
      const put = await a.inject({
        method: 'PUT',
        url: `/api/v1/machines/${taken.machineId}/runtime-endpoints/qvac`,
        payload: { endpointBaseUrl: 'http://127.0.0.1:9' },
      });
      expect(put.statusCode, put.body).toBe(200);
      const back = await beat(b, taken, { endpoints: [QVAC] });
      expect(back.status).toBe(200);
      expect(((await back.json()) as Json).endpoints[0]).toMatchObject({ source: 'agent', agentId: taken.agentId });
      const takenUpserts = json<{ items: Json[] }>(
        await a.inject(`/api/v1/audit-events?type=runtime-endpoint.upserted&resourceId=${taken.endpointId}`),
      ).items;
      expect(takenUpserts).toHaveLength(3);
    });

    it('keeps each refusal of a batch its own: 404, 401, 403 beside acknowledged heartbeats', async () => {
      const good = await Promise.all(Array.from({ length: 10 }, () => enrolled(a)));
      const [revoked, other] = await Promise.all([enrolled(a), enrolled(a)]);
      if (!revoked || !other) throw new Error('enrolment failed');
      const r = await a.inject({
        method: 'POST',
        url: `/api/v1/machines/${revoked.machineId}/agents/${revoked.agentId}/revoke`,
      });
      expect(r.statusCode, r.body).toBe(200);
      const bad = [
        { call: beat(a, revoked), status: 403, code: 'AGENT_PAIRING_INACTIVE' },
        { call: beat(a, { ...other, agentToken: `${other.agentToken}x` }), status: 401, code: 'AGENT_AUTH_INVALID' },
        {
          call: beat(a, { ...other, agentId: '00000000-0000-4000-8000-000000000000' }),
          status: 404,
          code: 'NOT_FOUND',
        },
        { call: beat(a, { ...other, machineId: good[0]?.machineId ?? '' }), status: 404, code: 'NOT_FOUND' },
      ];
      const oks = good.map((ag) => beat(a, ag));
      const [badAnswers, okAnswers] = await Promise.all([Promise.all(bad.map((x) => x.call)), Promise.all(oks)]);
      for (const [i, res] of badAnswers.entries()) {
        const body = (await res.json()) as Json;
        expect(res.status, JSON.stringify(body)).toBe(bad[i]?.status);
        expect(body.error.code).toBe(bad[i]?.code);
      }
      for (const res of okAnswers) expect(res.status).toBe(200);
      expect(await heartbeatEvents(a, revoked.agentId)).toHaveLength(1);
    });

    it('refuses an agent in the other instance right after a revoke commits (its cache holds no status)', async () => {
      for (let trial = 0; trial < 3; trial++) {
        const ag = await enrolled(a);
        // Warm both instances' caches.
        expect((await beat(a, ag)).status).toBe(200);
        expect((await beat(b, ag)).status).toBe(200);
        const r = await a.inject({
          method: 'POST',
          url: `/api/v1/machines/${ag.machineId}/agents/${ag.agentId}/revoke`,
        });
        expect(r.statusCode, r.body).toBe(200);
        const res = await beat(b, ag);
        const body = (await res.json()) as Json;
        expect(res.status, JSON.stringify(body)).toBe(403);
        expect(body.error.code).toBe('AGENT_PAIRING_INACTIVE');
        const endpoint = json<{ item: Json }>(
          await b.inject(`/api/v1/machines/${ag.machineId}/runtime-endpoints/qvac`),
        );
        expect(endpoint.item.status).toBe('unreachable');
      }
    });

    it('revives a lapsed lease through the full path (audited) and renews the others in the same burst', async () => {
      const [lapsed, ...rest] = await Promise.all(Array.from({ length: 6 }, () => enrolled(a)));
      if (!lapsed) throw new Error('enrolment failed');
      await a.app.db.prisma.runtimeEndpoint.update({
        where: { id: lapsed.endpointId },
        data: { status: 'unreachable', leaseExpiresAt: new Date(Date.now() - 60_000) },
      });
      const answers = await Promise.all([lapsed, ...rest].map((ag, i) => beat(on(i), ag)));
      for (const res of answers) expect(res.status).toBe(200);
      const body = (await answers[0]?.json()) as Json;
      expect(body.endpoints[0]).toMatchObject({ id: lapsed.endpointId, status: 'active' });
      const changes = await a.inject(
        `/api/v1/audit-events?type=runtime-endpoint.status-changed&resourceId=${lapsed.endpointId}`,
      );
      expect(json<{ items: Json[] }>(changes).items.filter((e) => e.payload.reason === 'lease renewed')).toHaveLength(
        1,
      );
      expect(await heartbeatEvents(a, lapsed.agentId)).toHaveLength(2);
    });

    it('falls back to one write per caller when a batch fails for another reason than an outage', async () => {
      const agents = await Promise.all(Array.from({ length: 8 }, () => enrolled(a)));
      const repo = a.app.store.heartbeats;
      const orig = repo.renewMany.bind(repo);
      let failed = 0;
      repo.renewMany = () => {
        failed += 1;
        repo.renewMany = orig;
        return Promise.reject(new Error('a bad row failed the statement'));
      };
      const answers = await Promise.all(agents.map((ag) => beat(a, ag)));
      expect(failed).toBe(1);
      for (const res of answers) expect(res.status).toBe(200);
      for (const ag of agents) expect(await heartbeatEvents(a, ag.agentId)).toHaveLength(2);
    });
  });
}

describeBatches('pglite');
describeBatches('postgresql');

const pgUrl = inject('pgUrl');
(pgUrl ? describe : describe.skip)('heartbeat group commit during an outage [postgresql]', () => {
  let db: { url: string; drop(): Promise<void> };
  let proxy: PgProxy;
  let t: TestApp;
  beforeAll(async () => {
    db = await isolatedPostgres(pgUrl as string);
    proxy = await startPgProxy();
    t = await startTestApp('postgresql', {
      listen: true,
      databaseUrl: proxy.url(new URL(db.url).pathname.slice(1)),
      pool: { statementTimeoutMs: 1_000, connectTimeoutMs: 500 },
    });
  });
  afterAll(async () => {
    await t?.app.close();
    await proxy?.close();
    await db?.drop();
  });

  it('answers every caller of a batch 503 DATABASE_UNAVAILABLE when the database hangs, then recovers', async () => {
    const agents = await Promise.all(Array.from({ length: 12 }, () => enrolled(t)));
    for (const ag of agents) expect((await beat(t, ag)).status).toBe(200); // caches warm
    const sizes = spyBatches(t);
    proxy.hang();
    const started = Date.now();
    const answers = await Promise.all(
      agents.map(async (ag) => {
        const res = await beat(t, ag);
        return { status: res.status, body: (await res.json()) as Json };
      }),
    );
    const tookMs = Date.now() - started;
    proxy.resume();
    for (const { status, body } of answers) {
      expect(status, JSON.stringify(body)).toBe(503);
      expect(body.error.code).toBe('DATABASE_UNAVAILABLE');
    }
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    // Bounded by the client-side read timeout (statement + 1 s) and a connect timeout, not hanging.
    expect(tookMs).toBeLessThan(6_000);
    let ok = 0;
    for (let i = 0; i < 50 && ok === 0; i++) {
      if ((await beat(t, agents[0] as Agent)).status === 200) ok += 1;
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(ok).toBe(1);
  });
});
