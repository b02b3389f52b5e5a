/**
 * The race suite (docs/concurrency.md, context C1): every race the concurrency issue measured,
 * reproduced with real parallel requests and repeated trials. On PostgreSQL two app instances
 * (each with its own connection pool) share one database, as two server processes would; on the
 * embedded database one instance plays both (it serialises statements, so it shows the answers
 * stay the same, not that races are gone).
 */
import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { json, startTestApp, uniq } from './harness.ts';
import type { DbKind, TestApp } from './harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TRIALS = Number(process.env.RACE_TRIALS ?? 3);

let runtime: FakeRuntime;
beforeAll(async () => {
  runtime = await startFakeRuntime({ slowMs: 300 });
});
afterAll(async () => {
  await runtime.close();
});

async function machine(t: TestApp): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/machines',
    payload: { displayName: 'Racer', identityRef: `peaqos:machine:${uniq()}` },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ item: { id: string } }>(res).item.id;
}

async function node(t: TestApp, machineId: string, title = 'n'): Promise<Json> {
  const res = await t.inject({
    method: 'POST',
    url: `/api/v1/machines/${machineId}/graph/nodes`,
    payload: { type: 'skill', title },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ item: Json }>(res).item;
}

async function auditOf(t: TestApp, query: string): Promise<Json[]> {
  const out: Json[] = [];
  let cursor: string | undefined;
  do {
    const res = await t.inject(`/api/v1/audit-events?${query}&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const page = json<{ items: Json[]; nextCursor?: string }>(res);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

function describeRaces(kind: DbKind) {
  const skip = kind === 'postgresql' && !inject('pgUrl');
  (skip ? describe.skip : describe)(`races [${kind}]`, () => {
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      a = await startTestApp(kind, { env: { MM_RUNTIME_TIMEOUT_MS: '5000' } });
      b = kind === 'postgresql' ? await startTestApp(kind, { env: { MM_RUNTIME_TIMEOUT_MS: '5000' } }) : a;
    });
    afterAll(async () => {
      if (b !== a) await b.app.close();
      await a.app.close();
    });
    /** Alternates requests between the two instances. */
    const on = (i: number) => (i % 2 === 0 ? a : b);

    it('keeps every key of 30 parallel node PATCHes that each add one data key (C1: atomic merge)', async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const m = await machine(a);
        const n = await node(a, m);
        const answers = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            on(i).inject({
              method: 'PATCH',
              url: `/api/v1/machines/${m}/graph/nodes/${n.id}`,
              payload: { data: { [`k${i}`]: i } },
            }),
          ),
        );
        expect(answers.map((r) => r.statusCode)).toEqual(Array(30).fill(200));
        const graph = json<{ nodes: Json[] }>(await b.inject(`/api/v1/machines/${m}/graph`));
        const stored = graph.nodes.find((x) => x.id === n.id);
        expect(Object.keys(stored?.data ?? {}).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `k${i}`).sort());
        expect(stored?.version).toBe(31);
      }
    });

    it('applies exactly one of several PATCHes that name the same version; the others get 409 with the current record', async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const m = await machine(a);
        const n = await node(a, m);
        const answers = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            on(i).inject({
              method: 'PATCH',
              url: `/api/v1/machines/${m}/graph/nodes/${n.id}`,
              headers: { 'if-match': `"${n.version}"` },
              payload: { title: `writer ${i}` },
            }),
          ),
        );
        const codes = answers.map((r) => r.statusCode).sort();
        expect(codes).toEqual([200, 409, 409, 409, 409, 409]);
        const conflict = json<{ error: Json }>(answers.find((r) => r.statusCode === 409)!);
        expect(conflict.error.code).toBe('VERSION_CONFLICT');
        expect(conflict.error.details.current.version).toBe(2);
      }
    });

    it('serialises bulk moves (auto-layout) racing single PATCHes across instances: every write is one version, each audited once', async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const m = await machine(a);
        const nodes: Json[] = [];
        for (let i = 0; i < 10; i++) nodes.push(await node(a, m, `n${i}`));
        const moves = Array.from({ length: 4 }, (_, k) =>
          on(k).inject({
            method: 'PATCH',
            url: `/api/v1/machines/${m}/graph/nodes`,
            // Opposite orders on alternate calls: locks are taken in id order, so no deadlock.
            payload: {
              positions: (k % 2 ? [...nodes].reverse() : nodes).map((n, i) => ({
                nodeId: n.id,
                x: 100 * k + i,
                y: k + 1,
              })),
            },
          }),
        );
        const patches = nodes.map((n, i) =>
          on(i + 1).inject({
            method: 'PATCH',
            url: `/api/v1/machines/${m}/graph/nodes/${n.id}`,
            payload: { data: { [`k${i}`]: i } },
          }),
        );
        const answers = await Promise.all([...moves, ...patches]);
        expect(answers.map((r) => r.statusCode)).toEqual(Array(answers.length).fill(200));
        const graph = json<{ nodes: Json[] }>(await b.inject(`/api/v1/machines/${m}/graph`));
        for (const [i, n] of nodes.entries()) {
          const stored = graph.nodes.find((x) => x.id === n.id);
          // 1 (created) + 4 moves + 1 PATCH, none lost; the PATCH's key kept beside the moves.
          expect(stored?.version).toBe(6);
          expect(stored?.data).toMatchObject({ [`k${i}`]: i });
          const events = await auditOf(a, `type=graph.node.updated&resourceId=${n.id}`);
          expect(events.map((e) => (e.payload as { node: Json }).node.version).sort()).toEqual([2, 3, 4, 5, 6]);
        }
      }
    });

    it('leaves no edge pointing at a node deleted while 20 edges were being created from it; each removed edge is audited', async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const m = await machine(a);
        const source = await node(a, m, 'source');
        const targets = await Promise.all(Array.from({ length: 4 }, (_, i) => node(a, m, `t${i}`)));
        const creates = Array.from({ length: 20 }, (_, i) =>
          on(i).inject({
            method: 'POST',
            url: `/api/v1/machines/${m}/graph/edges`,
            payload: { sourceNodeId: source.id, targetNodeId: targets[i % 4]!.id, type: 'connects' },
          }),
        );
        const del = on(1).inject({ method: 'DELETE', url: `/api/v1/machines/${m}/graph/nodes/${source.id}` });
        const [deleted, ...created] = await Promise.all([del, ...creates]);
        expect(deleted.statusCode, deleted.body).toBe(204);
        for (const r of created) expect([201, 400], r.body).toContain(r.statusCode);
        const graph = json<{ nodes: Json[]; edges: Json[] }>(await b.inject(`/api/v1/machines/${m}/graph`));
        expect(graph.edges.filter((e) => e.sourceNodeId === source.id)).toEqual([]);
        // Every edge that was created (201) was removed with its node and has its deleted event.
        const createdIds = created.filter((r) => r.statusCode === 201).map((r) => json<{ item: Json }>(r).item.id);
        const deletedEvents = await auditOf(a, `type=graph.edge.deleted&resourceType=graph-edge`);
        const deletedIds = new Set(deletedEvents.map((e) => e.resourceId));
        for (const id of createdIds)
          expect(deletedIds.has(id), `edge ${id} has no graph.edge.deleted event`).toBe(true);
      }
    });

    it('runs a task once when 8 executes race 4 resolves: one 200, the runtime called once, one run (C1: claims)', async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const m = await machine(a);
        const put = await a.inject({
          method: 'PUT',
          url: `/api/v1/machines/${m}/runtime-endpoints/qvac`,
          payload: { endpointBaseUrl: runtime.url },
        });
        expect([200, 201]).toContain(put.statusCode);
        const marker = `race-${uniq()}`;
        const created = await a.inject({
          method: 'POST',
          url: `/api/v1/machines/${m}/tasks`,
          payload: {
            serviceType: 'compute.marketplace',
            taskType: 'inference',
            operation: 'run-private-inference',
            input: { messages: [{ role: 'user', content: marker }] },
          },
        });
        const taskId = json<{ item: Json }>(created).item.id as string;
        const first = await a.inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${taskId}/resolve` });
        expect(first.statusCode, first.body).toBe(201);
        const calls = [
          ...Array.from({ length: 8 }, (_, i) => ({ i, path: 'execute' })),
          ...Array.from({ length: 4 }, (_, i) => ({ i: i + 8, path: 'resolve' })),
        ].map(({ i, path }) => on(i).inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${taskId}/${path}` }));
        const answers = await Promise.all(calls);
        const executes = answers.slice(0, 8).map((r) => r.statusCode);
        const resolves = answers.slice(8).map((r) => r.statusCode);
        for (const code of [...executes, ...resolves]) expect([200, 201, 409]).toContain(code);
        expect(executes.filter((c) => c === 200)).toHaveLength(1);
        const served = runtime.requests.filter(
          (r) => r.path === '/v1/chat/completions' && JSON.stringify(r.body).includes(marker),
        );
        expect(served).toHaveLength(1);
        const runs = json<{ items: Json[] }>(await b.inject(`/api/v1/runs?machineId=${m}&taskId=${taskId}`));
        expect(runs.items).toHaveLength(1);
        const t = json<{ item: Json }>(await b.inject(`/api/v1/machines/${m}/tasks/${taskId}`));
        expect(t.item.status).toBe('completed');
      }
    });

    it('claims a task once when 16 executes race on both instances: one 200, fifteen 409, one run, one run.started (C1: the claim as one statement)', async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const m = await machine(a);
        const put = await a.inject({
          method: 'PUT',
          url: `/api/v1/machines/${m}/runtime-endpoints/qvac`,
          payload: { endpointBaseUrl: runtime.url },
        });
        expect([200, 201]).toContain(put.statusCode);
        const created = await a.inject({
          method: 'POST',
          url: `/api/v1/machines/${m}/tasks`,
          payload: {
            serviceType: 'compute.marketplace',
            taskType: 'inference',
            operation: 'run-private-inference',
            input: { messages: [{ role: 'user', content: `claim-${uniq()}` }] },
          },
        });
        const taskId = json<{ item: Json }>(created).item.id as string;
        const resolved = await a.inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${taskId}/resolve` });
        expect(resolved.statusCode, resolved.body).toBe(201);
        const answers = await Promise.all(
          Array.from({ length: 16 }, (_, i) =>
            on(i).inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${taskId}/execute` }),
          ),
        );
        const codes = answers.map((r) => r.statusCode);
        expect(codes.filter((c) => c === 200)).toHaveLength(1);
        expect(codes.filter((c) => c === 409)).toHaveLength(15);
        for (const r of answers.filter((x) => x.statusCode === 409)) {
          expect(json<Json>(r).error.code).toBe('TASK_STATE_CONFLICT');
        }
        const runs = json<{ items: Json[] }>(await b.inject(`/api/v1/runs?machineId=${m}&taskId=${taskId}`));
        expect(runs.items).toHaveLength(1);
        const started = await auditOf(a, `type=run.started&machineId=${m}`);
        expect(started).toHaveLength(1);
        expect(started[0]?.resourceId).toBe(runs.items[0]?.id);
      }
    });

    it("never lets heartbeats undo a revoke; the revoked agent's endpoints turn unreachable (C1: final revokes)", async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const m = await machine(a);
        const enrolled = json<{ item: Json }>(
          await a.inject({ method: 'POST', url: `/api/v1/machines/${m}/agents/enrollment`, payload: {} }),
        ).item;
        const beat = (t: TestApp) =>
          t.inject({
            method: 'POST',
            url: '/api/v1/machine-agents/heartbeat',
            payload: {
              machineId: m,
              agentId: enrolled.id,
              agentToken: enrolled.agentToken,
              endpoints: [{ providerKey: 'qvac', endpointBaseUrl: runtime.url }],
            },
          });
        expect((await beat(a)).statusCode).toBe(200);
        const racing = Array.from({ length: 12 }, (_, i) => beat(on(i)));
        const revoke = on(1).inject({
          method: 'POST',
          url: `/api/v1/machines/${m}/agents/${enrolled.id}/revoke`,
        });
        const [revoked, ...beats] = await Promise.all([revoke, ...racing]);
        expect(revoked.statusCode, revoked.body).toBe(200);
        for (const r of beats) expect([200, 403]).toContain(r.statusCode);
        const agent = json<{ item: Json }>(await b.inject(`/api/v1/machines/${m}/agents/${enrolled.id}`)).item;
        expect(agent.status).toBe('revoked');
        expect((await beat(b)).statusCode).toBe(403);
        const endpoint = json<{ item: Json }>(await a.inject(`/api/v1/machines/${m}/runtime-endpoints/qvac`)).item;
        expect(endpoint.status).toBe('unreachable');
        const changes = await auditOf(a, `type=runtime-endpoint.status-changed&resourceId=${endpoint.id}`);
        expect(changes.filter((e) => e.payload.reason === 'agent revoked')).toHaveLength(1);
      }
    });

    it('turns and audits each lapsed lease once when both instances sweep at the same time (C1: background passes)', async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const m = await machine(a);
        const past = new Date(Date.now() - 60_000).toISOString();
        const keys = Array.from({ length: 60 }, (_, i) => `p${i}${uniq('k')}`.toLowerCase().slice(0, 40));
        for (const key of keys) {
          const r = await a.inject({
            method: 'PUT',
            url: `/api/v1/machines/${m}/runtime-endpoints/${key}`,
            payload: { endpointBaseUrl: runtime.url, leaseExpiresAt: past },
          });
          expect([200, 201], r.body).toContain(r.statusCode);
        }
        await Promise.all([
          a.app.services.runtimeEndpoints.sweepLapsedLeases(7),
          b.app.services.runtimeEndpoints.sweepLapsedLeases(7),
          a.app.services.runtimeEndpoints.sweepLapsedLeases(11),
          b.app.services.runtimeEndpoints.sweepLapsedLeases(11),
        ]);
        const list = json<{ items: Json[] }>(await a.inject(`/api/v1/machines/${m}/runtime-endpoints?limit=500`));
        expect(list.items.filter((e) => e.status !== 'unreachable')).toEqual([]);
        const events = await auditOf(a, `type=runtime-endpoint.status-changed`);
        const ids = new Set(list.items.map((e) => e.id as string));
        const mine = events.filter((e) => ids.has(e.resourceId as string));
        expect(mine).toHaveLength(60);
        expect(new Set(mine.map((e) => e.resourceId)).size).toBe(60);
      }
    });

    it('settles each lapsed execution once when both instances run recovery at the same time (C1: recovery)', async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const m = await machine(a);
        await a.inject({
          method: 'PUT',
          url: `/api/v1/machines/${m}/runtime-endpoints/qvac`,
          payload: { endpointBaseUrl: runtime.url },
        });
        const taskIds: string[] = [];
        for (let i = 0; i < 6; i++) {
          const created = await a.inject({
            method: 'POST',
            url: `/api/v1/machines/${m}/tasks`,
            payload: { serviceType: 'compute.marketplace', taskType: 'inference', operation: 'run-private-inference' },
          });
          const id = json<{ item: Json }>(created).item.id as string;
          await a.inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${id}/resolve` });
          taskIds.push(id);
        }
        // What a killed process leaves behind: the task claimed, its run running, the claim lapsed.
        const prisma = a.app.db.prisma;
        for (const id of taskIds) {
          const t = await prisma.task.findUniqueOrThrow({ where: { id } });
          const run = await prisma.run.create({
            data: {
              machineId: m,
              taskId: id,
              routeId: t.routeId,
              status: 'running',
              attempts: [],
              leaseExpiresAt: new Date(Date.now() - 1000),
            },
          });
          await prisma.task.update({ where: { id }, data: { status: 'executing', claimRunId: run.id } });
        }
        const settled = await Promise.all([
          a.app.services.tasks.recoverInterrupted(),
          b.app.services.tasks.recoverInterrupted(),
        ]);
        expect(settled[0] + settled[1]).toBeGreaterThanOrEqual(6);
        for (const id of taskIds) {
          const t = json<{ item: Json }>(await b.inject(`/api/v1/machines/${m}/tasks/${id}`)).item;
          expect(t.status).toBe('failed');
          const failed = await auditOf(a, `type=task.failed&resourceId=${id}`);
          expect(failed).toHaveLength(1);
          const runs = json<{ items: Json[] }>(await a.inject(`/api/v1/runs?machineId=${m}&taskId=${id}`)).items;
          expect(runs.map((r) => r.status)).toEqual(['failed']);
          const outcome = json<{ items: Json[] }>(await a.inject(`/api/v1/machines/${m}/outcomes?taskId=${id}`))
            .items[0];
          expect(outcome?.errorCode).toBe('RUNTIME_ERROR');
          expect(outcome?.errorMessage).toMatch(/interrupted/);
        }
        // Executable again, with a new run.
        const again = await a.inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${taskIds[0]}/execute` });
        expect(again.statusCode, again.body).toBe(200);
      }
    });
  });
}

describeRaces('postgresql');
describeRaces('pglite');
