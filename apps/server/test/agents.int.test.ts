import type { EnrolledMachineAgentView, HeartbeatResponse, MachineAgentView } from '@mm/contracts';
import { createCaller } from '@mm/api';
import { describe, expect, it } from 'vitest';
import { trpcErrorCode } from './app-error.ts';
import { describeEachDb, json, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type ErrorBody = { error: { code: string; message: string; details?: { fields?: Record<string, string> } } };

async function machine(t: TestApp, status: 'active' | 'draft' = 'active'): Promise<string> {
  const m = await t.trpc.machines.create({
    displayName: 'Agent host',
    identityRef: `peaqos:machine:${uniq()}`,
    status,
  });
  return m.id;
}

async function enrolled(t: TestApp, body: Record<string, unknown> = {}) {
  const machineId = await machine(t);
  const res = await t.inject({ method: 'POST', url: `/api/v1/machines/${machineId}/agents/enrollment`, payload: body });
  expect(res.statusCode).toBe(201);
  const { item } = json<{ item: EnrolledMachineAgentView }>(res);
  return { machineId, agentId: item.id, token: item.agentToken, item };
}

const heartbeat = (t: TestApp, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.inject({ method: 'POST', url: '/api/v1/machine-agents/heartbeat', payload, headers });

/** leaseExpiresAt = now + leaseSeconds (reference), where now lies between `before` and the answer. */
function expectLease(iso: string | null | undefined, before: number, seconds: number) {
  const lease = Date.parse(iso ?? '');
  expect(lease).toBeGreaterThanOrEqual(before + seconds * 1000);
  expect(lease).toBeLessThanOrEqual(Date.now() + seconds * 1000);
}

const qvac = { providerKey: 'qvac', endpointBaseUrl: 'http://127.0.0.1:11434/v1/models?x=1' };

describeEachDb('machine agents', (get) => {
  describe('enrollment, list, get', () => {
    it('enrols over REST with the reference defaults and a one-time token (reference: EnrollMachineAgentRequest)', async () => {
      const { item, token } = await enrolled(get());
      expect(item).toMatchObject({
        label: 'Machine runtime agent',
        allowedProviderKeys: ['qvac'],
        status: 'provisioned',
        hasAgentToken: true,
        lastSeenAt: null,
      });
      // context B8: random, at least 32 bytes of entropy.
      expect(token.length).toBeGreaterThanOrEqual(43);
    });

    it('enrols over tRPC; providerKeys is an alias, lowercased and deduplicated', async () => {
      const t = get();
      const machineId = await machine(t);
      const item = await t.trpc.agents.enroll({
        machineId,
        label: 'Edge box',
        providerKeys: ['QVAC', 'Ollama', 'qvac'],
      });
      expect(item).toMatchObject({ machineId, label: 'Edge box', allowedProviderKeys: ['qvac', 'ollama'] });
      expect(typeof item.agentToken).toBe('string');
    });

    it('lists and gets agents through REST and tRPC without the token (context B9: views never carry it)', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      const listRes = await t.inject({ method: 'GET', url: `/api/v1/machines/${machineId}/agents?limit=10` });
      const getRes = await t.inject({ method: 'GET', url: `/api/v1/machines/${machineId}/agents/${agentId}` });
      expect(listRes.statusCode).toBe(200);
      expect(getRes.statusCode).toBe(200);
      expect(json<{ items: MachineAgentView[] }>(listRes).items.map((a) => a.id)).toEqual([agentId]);
      expect(json<{ item: MachineAgentView }>(getRes).item).toMatchObject({ id: agentId, hasAgentToken: true });
      const viaTrpc = [await t.trpc.agents.list({ machineId }), await t.trpc.agents.get({ machineId, agentId })];
      for (const body of [listRes.body, getRes.body, JSON.stringify(viaTrpc)]) {
        expect(body).not.toContain(token);
        expect(body).not.toContain('agentToken');
      }
    });

    it('answers 404 NOT_FOUND for an unknown agent and for an agent of another machine', async () => {
      const t = get();
      const { agentId } = await enrolled(t);
      const other = await machine(t);
      const res = await t.inject({ method: 'GET', url: `/api/v1/machines/${other}/agents/${agentId}` });
      expect(res.statusCode).toBe(404);
      expect(json<ErrorBody>(res).error.code).toBe('NOT_FOUND');
      expect(await trpcErrorCode(t.trpc.agents.get({ machineId: other, agentId: 'nope' }))).toBe('NOT_FOUND');
    });

    it('applies the machine guard: unknown 404, draft 409 MACHINE_NOT_ACTIVE (context B9)', async () => {
      const t = get();
      const draft = await machine(t, 'draft');
      const res = await t.inject({ method: 'POST', url: `/api/v1/machines/${draft}/agents/enrollment`, payload: {} });
      expect(res.statusCode).toBe(409);
      expect(json<ErrorBody>(res).error.code).toBe('MACHINE_NOT_ACTIVE');
      expect(await trpcErrorCode(t.trpc.agents.list({ machineId: draft }))).toBe('MACHINE_NOT_ACTIVE');
      const unknown = await t.inject({ method: 'GET', url: `/api/v1/machines/${uniq('m')}/agents` });
      expect(unknown.statusCode).toBe(404);
    });

    it('rejects a bad list limit with 400 VALIDATION_ERROR (context B9)', async () => {
      const t = get();
      const machineId = await machine(t);
      const res = await t.inject({ method: 'GET', url: `/api/v1/machines/${machineId}/agents?limit=0` });
      expect(res.statusCode).toBe(400);
      expect(json<ErrorBody>(res).error.details?.fields).toHaveProperty('limit');
    });
  });

  describe('heartbeat', () => {
    it('accepts the token in the body, x-agent-pairing-token and Authorization: Bearer (context A1)', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      const viaBody = await heartbeat(t, { machineId, agentId, agentToken: token });
      const viaPairing = await heartbeat(t, { machineId, agentId }, { 'x-agent-pairing-token': token });
      const viaBearer = await heartbeat(t, { machineId, agentId }, { authorization: `Bearer ${token}` });
      for (const res of [viaBody, viaPairing, viaBearer]) expect(res.statusCode).toBe(200);
      const viaTrpc = await t.trpc.agents.heartbeat({ machineId, agentId, agentToken: token });
      expect(viaTrpc.item).toMatchObject({ id: agentId, status: 'active' });
    });

    it('flips the agent to active, sets lastSeenAt and upserts agent endpoints with a lease (reference: side effects)', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      const before = Date.now();
      const res = await heartbeat(t, {
        machineId,
        agentId,
        agentToken: token,
        leaseSeconds: 600,
        endpoints: [{ ...qvac, providerKey: 'QVAC', authType: 'bearer', authToken: 'runtime-secret-xyz' }],
      });
      expect(res.statusCode).toBe(200);
      const body = json<HeartbeatResponse>(res);
      expect(body.item).toMatchObject({ id: agentId, status: 'active' });
      expect(Date.parse(body.item.lastSeenAt ?? '')).toBeGreaterThanOrEqual(before);
      const [endpoint] = body.endpoints;
      expect(endpoint).toMatchObject({
        providerKey: 'qvac',
        source: 'agent',
        agentId,
        endpointBaseUrl: 'http://127.0.0.1:11434',
        hasAuthToken: true,
        status: 'active',
      });
      expectLease(endpoint?.leaseExpiresAt, before, 600);
      expect(res.body).not.toContain('runtime-secret-xyz');
      const stored = await t.trpc.runtimeEndpoints.get({ machineId, providerKey: 'qvac' });
      expect(stored).toMatchObject({ source: 'agent', agentId, leaseExpiresAt: endpoint?.leaseExpiresAt });
    });

    it('defaults the lease to 120 seconds (reference: leaseSeconds default 120)', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      const before = Date.now();
      const body = await t.trpc.agents.heartbeat({ machineId, agentId, agentToken: token, endpoints: [qvac] });
      expectLease(body.endpoints[0]?.leaseExpiresAt, before, 120);
    });

    it('renews the leases of its endpoints when it sends none (context B9)', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      await heartbeat(t, { machineId, agentId, agentToken: token, leaseSeconds: 30, endpoints: [qvac] });
      const before = Date.now();
      const res = await heartbeat(t, { machineId, agentId, agentToken: token, leaseSeconds: 3600 });
      expect(res.statusCode).toBe(200);
      const { endpoints } = json<HeartbeatResponse>(res);
      expect(endpoints).toHaveLength(1);
      expectLease(endpoints[0]?.leaseExpiresAt, before, 3600);
    });

    it('brings back an endpoint whose lapsed lease made it unreachable (context B9)', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      const first = await t.trpc.agents.heartbeat({ machineId, agentId, agentToken: token, endpoints: [qvac] });
      const id = first.endpoints[0]?.id ?? '';
      // Let the lease lapse, then run the sweeper (workers are off in tests).
      await t.app.store.endpoints.renewAgentLeases(agentId, new Date(Date.now() - 60_000));
      await t.app.services.runtimeEndpoints.sweepLapsedLeases();
      expect((await t.trpc.runtimeEndpoints.get({ machineId, providerKey: 'qvac' })).status).toBe('unreachable');
      const next = await t.trpc.agents.heartbeat({ machineId, agentId, agentToken: token });
      expect(next.endpoints[0]).toMatchObject({ id, status: 'active' });
      const events = await t.trpc.audit.list({ resourceId: id, type: 'runtime-endpoint.status-changed' });
      expect(events.items.map((e) => e.payload.to)).toEqual(['active', 'unreachable']);
      expect(events.items[0]).toMatchObject({ actor: `agent:${agentId}`, payload: { from: 'unreachable' } });
    });

    it('audits the heartbeat as the agent, on the agent (context B9 Audit)', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      const res = await heartbeat(t, { machineId, agentId, agentToken: token, endpoints: [qvac] });
      const events = await t.trpc.audit.list({ resourceId: agentId, type: 'machine-agent.heartbeat' });
      expect(events.items).toHaveLength(1);
      expect(events.items[0]).toMatchObject({ actor: `agent:${agentId}`, resourceType: 'machine-agent' });
      const endpointId = json<HeartbeatResponse>(res).endpoints[0]?.id ?? '';
      const upserted = await t.trpc.audit.list({ resourceId: endpointId, type: 'runtime-endpoint.upserted' });
      expect(upserted.items[0]).toMatchObject({ actor: `agent:${agentId}`, resourceType: 'runtime-endpoint' });
    });

    it('never puts the agent token in a response or an audit payload (context B8)', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      await heartbeat(t, { machineId, agentId, agentToken: token, endpoints: [qvac] });
      await heartbeat(t, { machineId, agentId }, { authorization: `Bearer ${token}` });
      await t.inject({ method: 'POST', url: `/api/v1/machines/${machineId}/agents/${agentId}/revoke` });
      const bodies = await Promise.all([
        t.inject({ method: 'GET', url: '/api/v1/audit-events?limit=500' }),
        t.inject({ method: 'GET', url: `/api/v1/audit-events?resourceId=${agentId}` }),
        t.inject({ method: 'GET', url: `/api/v1/machines/${machineId}/agents` }),
        t.inject({ method: 'GET', url: `/api/v1/machines/${machineId}/runtime-endpoints` }),
      ]);
      const agentEvents = json<{ items: { type: string }[] }>(bodies[1] ?? { body: '{}' }).items.map((e) => e.type);
      expect(agentEvents).toEqual(
        expect.arrayContaining(['machine-agent.enrolled', 'machine-agent.heartbeat', 'machine-agent.revoked']),
      );
      for (const res of bodies) {
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toContain(token);
      }
    });
  });

  describe('heartbeat refusals', () => {
    it('asks for a token: none → 401 AGENT_AUTH_REQUIRED (reference: errors)', async () => {
      const t = get();
      const { machineId, agentId } = await enrolled(t);
      const res = await heartbeat(t, { machineId, agentId });
      expect(res.statusCode).toBe(401);
      expect(json<ErrorBody>(res).error.code).toBe('AGENT_AUTH_REQUIRED');
      expect(await trpcErrorCode(t.trpc.agents.heartbeat({ machineId, agentId }))).toBe('AGENT_AUTH_REQUIRED');
    });

    it('refuses a wrong token and disagreeing tokens with 401 AGENT_AUTH_INVALID (context B9)', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      const wrong = await heartbeat(t, { machineId, agentId }, { authorization: `Bearer ${token}x` });
      const disagree = await heartbeat(
        t,
        { machineId, agentId, agentToken: token },
        { 'x-agent-pairing-token': 'other' },
      );
      for (const res of [wrong, disagree]) {
        expect(res.statusCode).toBe(401);
        expect(json<ErrorBody>(res).error.code).toBe('AGENT_AUTH_INVALID');
      }
      expect(await trpcErrorCode(t.trpc.agents.heartbeat({ machineId, agentId, agentToken: 'mma_wrong' }))).toBe(
        'AGENT_AUTH_INVALID',
      );
      // Nothing was renewed by the refused heartbeats.
      expect((await t.trpc.agents.get({ machineId, agentId })).status).toBe('provisioned');
    });

    it('answers 404 NOT_FOUND for an unknown agent or an agent of another machine (context B9)', async () => {
      const t = get();
      const { agentId, token } = await enrolled(t);
      const other = await machine(t);
      const foreign = await heartbeat(t, { machineId: other, agentId, agentToken: token });
      const unknown = await heartbeat(t, { machineId: other, agentId: uniq('a'), agentToken: token });
      for (const res of [foreign, unknown]) {
        expect(res.statusCode).toBe(404);
        expect(json<ErrorBody>(res).error.code).toBe('NOT_FOUND');
      }
    });

    it('bounds leaseSeconds to an integer in [30, 86400]: 29, 86401, "120", 60.5 → 400 (reference, context B10)', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      for (const leaseSeconds of [29, 86401, '120', 60.5]) {
        const res = await heartbeat(t, { machineId, agentId, agentToken: token, leaseSeconds });
        expect(res.statusCode).toBe(400);
        const body = json<ErrorBody>(res);
        expect(body.error.code).toBe('VALIDATION_ERROR');
        expect(body.error.details?.fields).toHaveProperty('leaseSeconds');
      }
      for (const leaseSeconds of [30, 86400]) {
        expect((await heartbeat(t, { machineId, agentId, agentToken: token, leaseSeconds })).statusCode).toBe(200);
      }
      expect(
        await trpcErrorCode(t.trpc.agents.heartbeat({ machineId, agentId, agentToken: token, leaseSeconds: 29 })),
      ).toBe('VALIDATION_ERROR');
    });

    it('validates before it authenticates: a bad body without a token is 400, not 401 (context B9)', async () => {
      const t = get();
      const { machineId, agentId } = await enrolled(t);
      const res = await heartbeat(t, { machineId, agentId, leaseSeconds: 29 });
      expect(res.statusCode).toBe(400);
      const badUrl = await heartbeat(t, {
        machineId,
        agentId,
        endpoints: [{ providerKey: 'qvac', endpointBaseUrl: 'ftp://x' }],
      });
      expect(json<ErrorBody>(badUrl).error.details?.fields).toHaveProperty('endpoints.0.endpointBaseUrl');
    });

    it('refuses a provider key outside allowedProviderKeys with 403 AGENT_POLICY_DENIED and writes nothing', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      const res = await heartbeat(t, {
        machineId,
        agentId,
        agentToken: token,
        endpoints: [qvac, { providerKey: 'Ollama', endpointBaseUrl: 'http://127.0.0.1:8080' }],
      });
      expect(res.statusCode).toBe(403);
      expect(json<ErrorBody>(res).error.code).toBe('AGENT_POLICY_DENIED');
      // Checks run before any write: the allowed qvac endpoint was not upserted either.
      expect((await t.trpc.runtimeEndpoints.list({ machineId })).items).toEqual([]);
      expect((await t.trpc.agents.get({ machineId, agentId })).status).toBe('provisioned');
    });

    it('refuses a revoked agent with 403 AGENT_PAIRING_INACTIVE (reference; context B9)', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      const revoked = await t.inject({ method: 'POST', url: `/api/v1/machines/${machineId}/agents/${agentId}/revoke` });
      expect(revoked.statusCode).toBe(200);
      expect(json<{ item: MachineAgentView }>(revoked).item.status).toBe('revoked');
      const res = await heartbeat(t, { machineId, agentId, agentToken: token });
      expect(res.statusCode).toBe(403);
      expect(json<ErrorBody>(res).error.code).toBe('AGENT_PAIRING_INACTIVE');
      expect(await trpcErrorCode(t.trpc.agents.heartbeat({ machineId, agentId, agentToken: token }))).toBe(
        'AGENT_PAIRING_INACTIVE',
      );
      const again = await t.trpc.agents.revoke({ machineId, agentId });
      expect(again.status).toBe('revoked');
      const events = await t.trpc.audit.list({ resourceId: agentId, type: 'machine-agent.revoked' });
      expect(events.items).toHaveLength(1);
    });

    it('applies the machine guard to the heartbeat: a draft machine → 409 MACHINE_NOT_ACTIVE (context B9)', async () => {
      const t = get();
      const { machineId, agentId, token } = await enrolled(t);
      await t.trpc.machines.update({ machineId, status: 'draft' });
      const res = await heartbeat(t, { machineId, agentId, agentToken: token });
      expect(res.statusCode).toBe(409);
      expect(json<ErrorBody>(res).error.code).toBe('MACHINE_NOT_ACTIVE');
    });
  });
});

describeEachDb(
  'machine agents with API auth on',
  (get) => {
    it('heartbeats without an API key while enrolment needs one (context A1: agents authenticate themselves)', async () => {
      const t = get();
      const withKey = createCaller(t.app.trpcContext({ 'x-api-key': 'k1' }));
      expect(await trpcErrorCode(t.trpc.machines.list({}))).toBe('API_KEY_REQUIRED');
      const m = await withKey.machines.create({ displayName: 'Locked', identityRef: `peaqos:machine:${uniq()}` });
      const noKey = await t.inject({ method: 'POST', url: `/api/v1/machines/${m.id}/agents/enrollment`, payload: {} });
      expect(noKey.statusCode).toBe(401);
      const agent = await withKey.agents.enroll({ machineId: m.id });
      const res = await heartbeat(
        t,
        { machineId: m.id, agentId: agent.id },
        { authorization: `Bearer ${agent.agentToken}` },
      );
      expect(res.statusCode).toBe(200);
      const viaTrpc = await t.trpc.agents.heartbeat({
        machineId: m.id,
        agentId: agent.id,
        agentToken: agent.agentToken,
      });
      expect(viaTrpc.item.status).toBe('active');
    });
  },
  { env: { PEAQOS_REQUIRE_API_AUTH: 'true', MM_API_KEYS: 'ops:k1' } },
);
