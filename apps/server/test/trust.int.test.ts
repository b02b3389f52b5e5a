/**
 * The trust suite, "who may do what" (context C3, docs/trust.md): two owners and an administrator
 * against one server with API auth on. Every machine-scoped REST route of the route table and every
 * tRPC procedure of the router is listed programmatically, so a new route is covered without
 * editing this file: another owner gets 404 NOT_FOUND on all of them (existence is not revealed).
 * A marker token stored by one owner never appears in any response, audit payload or log line of the
 * suite (the app logs at `trace` into a buffer, so request logs, warnings and errors are all scanned),
 * and neither do the API keys or the agent's token outside the one answer that hands it out.
 */
import { createCaller } from '@mm/api';
import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exampleOf, pathWith, queryString, restTargets, trpcTargets } from './contract-inputs.ts';
import type { Fixtures } from './contract-inputs.ts';
import { describeEachDb, json, uniq } from './harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KEYS = { alice: 'alice-key-0123456789', bob: 'bob-key-0123456789', root: 'root-key-0123456789' };
const MARKER = `MARKER-${Math.random().toString(36).slice(2)}-TOKEN`;

let runtime: FakeRuntime;
beforeAll(async () => {
  runtime = await startFakeRuntime();
});
afterAll(async () => {
  await runtime.close();
});

/** The inputs that name something belonging to a machine (or a policy). */
const SCOPED_KEYS = ['machineId', 'runId', 'policyId', 'nodeId', 'edgeId', 'taskId', 'agentId'];
const scoped = (keys: string[]) => keys.some((k) => SCOPED_KEYS.includes(k));
/** Lists that merely filter by machine: they answer 200 with what the caller may see (tested below). */
const FILTERED_LISTS = new Set(['GET /audit-events', 'audit.list']);
/** Every line the app logged during the suite, on both databases. */
const logLines: string[] = [];
/** Secrets handed out during the suite (the agent's token), scanned for in logs and audit payloads. */
const issued: string[] = [];

describeEachDb(
  'trust: owners and administrators',
  (get) => {
    const seen: string[] = [];
    const as = (who: keyof typeof KEYS) => async (opts: Json) => {
      const res = await get().inject({ ...opts, headers: { ...opts.headers, 'x-api-key': KEYS[who] } });
      seen.push(res.body);
      return res;
    };
    const alice = as('alice');
    const bob = as('bob');
    const root = as('root');
    let fixtures: Fixtures = {};

    beforeAll(async () => {
      const m = json<{ item: Json }>(
        await alice({
          method: 'POST',
          url: '/api/v1/machines',
          payload: { displayName: 'Alice rover', identityRef: `peaqos:machine:${uniq()}` },
        }),
      ).item;
      await alice({
        method: 'PUT',
        url: `/api/v1/machines/${m.id}/runtime-endpoints/qvac`,
        payload: { endpointBaseUrl: runtime.url, authType: 'bearer', authToken: MARKER },
      });
      const n1 = json<{ item: Json }>(
        await alice({
          method: 'POST',
          url: `/api/v1/machines/${m.id}/graph/nodes`,
          payload: { type: 'skill', title: 'a' },
        }),
      ).item;
      const n2 = json<{ item: Json }>(
        await alice({
          method: 'POST',
          url: `/api/v1/machines/${m.id}/graph/nodes`,
          payload: { type: 'task', title: 'b' },
        }),
      ).item;
      const edge = json<{ item: Json }>(
        await alice({
          method: 'POST',
          url: `/api/v1/machines/${m.id}/graph/edges`,
          payload: { sourceNodeId: n1.id, targetNodeId: n2.id, type: 'connects' },
        }),
      ).item;
      const agent = json<{ item: Json }>(
        await alice({ method: 'POST', url: `/api/v1/machines/${m.id}/agents/enrollment`, payload: {} }),
      ).item;
      issued.push(agent.agentToken as string);
      // One heartbeat, so the agent's token also travels in a header the request log sees.
      const hb = await get().inject({
        method: 'POST',
        url: '/api/v1/machine-agents/heartbeat',
        headers: { authorization: `Bearer ${agent.agentToken}` },
        payload: { machineId: m.id, agentId: agent.id },
      });
      expect(hb.statusCode, hb.body).toBe(200);
      const task = json<{ item: Json }>(
        await alice({
          method: 'POST',
          url: `/api/v1/machines/${m.id}/tasks`,
          payload: {
            serviceType: 'compute.marketplace',
            taskType: 'inference',
            operation: 'run-private-inference',
            input: { messages: [{ role: 'user', content: 'hi' }] },
          },
        }),
      ).item;
      await alice({ method: 'POST', url: `/api/v1/machines/${m.id}/tasks/${task.id}/resolve` });
      const executed = await alice({ method: 'POST', url: `/api/v1/machines/${m.id}/tasks/${task.id}/execute` });
      expect(executed.statusCode, executed.body).toBe(200);
      const run = json<{ run: Json }>(executed).run;
      const policy = json<{ item: Json }>(
        await alice({ method: 'POST', url: '/api/v1/policies', payload: { name: 'Alice policy' } }),
      ).item;
      fixtures = {
        machineId: [m.id],
        nodeId: [n1.id],
        edgeId: [edge.id],
        agentId: [agent.id],
        taskId: [task.id],
        runId: [run.id],
        policyId: [policy.id],
        providerKey: ['qvac'],
        sourceNodeId: [n1.id],
        targetNodeId: [n2.id],
      };
    });

    it('answers another owner 404 NOT_FOUND on every machine-scoped REST route (from the route table)', async () => {
      const targets = restTargets().filter(
        (t) =>
          t.route.auth !== 'agent' &&
          !FILTERED_LISTS.has(t.name) &&
          scoped([
            ...(t.route.path.match(/:[A-Za-z]+/g) ?? []).map((p) => p.slice(1)),
            ...Object.keys(t.query?.properties ?? {}),
          ]),
      );
      expect(targets.length).toBeGreaterThan(20);
      const leaks: string[] = [];
      for (const t of targets) {
        const params = t.params ? exampleOf(t.params, '', fixtures, uniq()) : {};
        const query = t.query ? exampleOf(t.query, '', fixtures, uniq()) : {};
        const body = t.body ? exampleOf(t.body, '', fixtures, uniq()) : undefined;
        const res = await bob({
          method: t.route.method,
          url: `/api/v1${pathWith(t.route.path, params)}${queryString(query)}`,
          ...(body !== undefined && { payload: body }),
        });
        const code =
          res.statusCode === 404
            ? json<{ error: Json }>(res).error.code
            : `${res.statusCode} ${res.body.slice(0, 120)}`;
        if (code !== 'NOT_FOUND') leaks.push(`${t.name}: ${code}`);
      }
      expect(leaks).toEqual([]);
    });

    it('answers another owner NOT_FOUND on every machine-scoped tRPC procedure (from the router)', async () => {
      const caller = createCaller(get().app.trpcContext({ 'x-api-key': KEYS.bob }));
      const targets = trpcTargets().filter(
        (t) => t.input && !FILTERED_LISTS.has(t.path) && scoped(Object.keys(t.input.properties ?? {})),
      );
      expect(targets.length).toBeGreaterThan(20);
      const leaks: string[] = [];
      for (const t of targets) {
        if (t.path === 'agents.heartbeat') continue; // authenticates with the agent token, not an owner
        const input = exampleOf(t.input!, '', fixtures, uniq());
        const fn = t.path.split('.').reduce<any>((o, k: string) => o[k], caller); // eslint-disable-line @typescript-eslint/no-explicit-any
        try {
          await fn(input);
          leaks.push(`${t.path}: succeeded`);
        } catch (err) {
          const data = (err as { cause?: { code?: string } }).cause;
          if (data?.code !== 'NOT_FOUND') leaks.push(`${t.path}: ${data?.code ?? String(err).slice(0, 100)}`);
        }
      }
      expect(leaks).toEqual([]);
    });

    it("does not stream another owner's change feed (REST SSE and the tRPC subscription)", async () => {
      const m = fixtures.machineId![0]!;
      const res = await bob({ method: 'GET', url: `/api/v1/events?machineId=${m}` });
      expect(res.statusCode).toBe(404);
      const caller = createCaller(get().app.trpcContext({ 'x-api-key': KEYS.bob }));
      const stream = await caller.events.onMachine({ machineId: m });
      const err = await (async () => {
        for await (const _ of stream as AsyncIterable<unknown>) break;
      })().then(
        () => null,
        (e: { code?: string; cause?: { code?: string } }) => e,
      );
      expect(err?.cause?.code ?? err?.code).toBe('NOT_FOUND');
    });

    it('lets the owner and the administrator read what another owner may not', async () => {
      const m = fixtures.machineId![0]!;
      for (const url of [
        `/api/v1/machines/${m}`,
        `/api/v1/machines/${m}/graph`,
        `/api/v1/runs/${fixtures.runId![0]}`,
      ]) {
        expect((await alice({ method: 'GET', url })).statusCode, url).toBe(200);
        expect((await root({ method: 'GET', url })).statusCode, url).toBe(200);
        expect((await bob({ method: 'GET', url })).statusCode, url).toBe(404);
      }
      const bobList = json<{ items: Json[] }>(await bob({ method: 'GET', url: '/api/v1/machines?limit=500' })).items;
      expect(bobList.some((x) => x.id === m)).toBe(false);
      const rootList = json<{ items: Json[] }>(await root({ method: 'GET', url: '/api/v1/machines?limit=500' })).items;
      expect(rootList.some((x) => x.id === m)).toBe(true);
      const bobPolicies = json<{ items: Json[] }>(
        await bob({ method: 'GET', url: '/api/v1/policies?limit=500' }),
      ).items;
      expect(bobPolicies.some((p) => p.id === fixtures.policyId![0])).toBe(false);
    });

    it("does not let an owner attach another owner's policy to its own machine", async () => {
      const mine = json<{ item: Json }>(
        await bob({
          method: 'POST',
          url: '/api/v1/machines',
          payload: { displayName: 'Bob', identityRef: `peaqos:machine:${uniq()}` },
        }),
      ).item;
      const res = await bob({
        method: 'PATCH',
        url: `/api/v1/machines/${mine.id}`,
        payload: { policyIds: fixtures.policyId },
      });
      expect(res.statusCode).toBe(400);
      expect(json<{ error: Json }>(res).error.code).toBe('VALIDATION_ERROR');
    });

    it('refuses catalogue and identity-registry writes to non-administrators with 403 FORBIDDEN', async () => {
      const skill = {
        providerKey: 'acme',
        label: 'Acme',
        description: 'x',
        serviceTypes: ['storage.object'],
        operations: ['put'],
        executionMode: 'native',
        integrationStatus: 'planned',
      };
      const key = `trust-${uniq()}`.toLowerCase();
      for (const who of [alice, bob]) {
        const put = await who({ method: 'PUT', url: `/api/v1/skills/${key}`, payload: skill });
        expect(put.statusCode, put.body).toBe(403);
        expect(json<{ error: Json }>(put).error.code).toBe('FORBIDDEN');
      }
      expect((await root({ method: 'PUT', url: `/api/v1/skills/${key}`, payload: skill })).statusCode).toBe(201);
      const aliceCaller = createCaller(get().app.trpcContext({ 'x-api-key': KEYS.alice }));
      await expect(
        aliceCaller.identity.putController({
          identityRef: `peaqos:machine:${uniq()}`,
          controllerAddresses: [`0x${'ab'.repeat(20)}`],
        }),
      ).rejects.toMatchObject({ cause: { code: 'FORBIDDEN' } });
    });

    it('records the principal on audit events and shows an owner only the events of its own resources', async () => {
      const m = fixtures.machineId![0]!;
      const aliceEvents = json<{ items: Json[] }>(
        await alice({ method: 'GET', url: `/api/v1/audit-events?resourceId=${m}` }),
      ).items;
      expect(aliceEvents.length).toBeGreaterThan(0);
      expect(aliceEvents.every((e) => e.principal === 'alice')).toBe(true);
      const bobEvents = json<{ items: Json[] }>(
        await bob({ method: 'GET', url: `/api/v1/audit-events?resourceId=${m}` }),
      ).items;
      expect(bobEvents).toEqual([]);
      const rootEvents = json<{ items: Json[] }>(
        await root({ method: 'GET', url: `/api/v1/audit-events?resourceId=${m}` }),
      ).items;
      expect(rootEvents.length).toBe(aliceEvents.length);
    });

    it('never shows the stored token in a response, an audit payload or a log line', async () => {
      const all = JSON.stringify(await get().app.db.prisma.auditEvent.findMany({ select: { payload: true } }));
      for (const secret of [MARKER, ...issued]) expect(all).not.toContain(secret);
      for (const body of seen)
        for (const secret of [MARKER, ...Object.values(KEYS)]) expect(body).not.toContain(secret);
      expect(seen.length).toBeGreaterThan(40);
      // The log saw every request (with its headers: x-api-key, the agent's bearer token) and every error.
      expect(logLines.length).toBeGreaterThan(seen.length);
      expect(logLines.some((l) => l.includes('"statusCode":404'))).toBe(true);
      const log = logLines.join('');
      for (const secret of [MARKER, ...issued, ...Object.values(KEYS)]) expect(log).not.toContain(secret);
    });
  },
  {
    env: {
      PEAQOS_REQUIRE_API_AUTH: 'true',
      MM_API_KEYS: `alice:${KEYS.alice},bob:${KEYS.bob},root:${KEYS.root}`,
      MM_ADMIN_KEY_OWNERS: 'root',
    },
    logLines,
  },
);
