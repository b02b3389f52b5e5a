/**
 * The task lifecycle end to end (reference "Tasks", "Routes, outcomes, runs"; context B4–B6, B9)
 * against a real OpenAI-compatible HTTP runtime on loopback, through REST and tRPC, on both databases.
 */
import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb, json, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let runtime: FakeRuntime;
beforeAll(async () => {
  runtime = await startFakeRuntime({ slowMs: 3_000 });
});
afterAll(async () => {
  await runtime.close();
});

async function machine(t: TestApp, status: 'active' | 'draft' = 'active'): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/machines',
    payload: { displayName: 'Rover', identityRef: `peaqos:machine:${uniq()}`, status },
  });
  expect(res.statusCode).toBe(201);
  return json<{ item: { id: string } }>(res).item.id;
}

async function qvac(t: TestApp, machineId: string, baseUrl = runtime.url, extra: Json = {}) {
  const res = await t.inject({
    method: 'PUT',
    url: `/api/v1/machines/${machineId}/runtime-endpoints/qvac`,
    payload: {
      endpointBaseUrl: baseUrl,
      authType: 'bearer',
      authToken: 'tok-secret-123',
      modelAlias: 'llama-local',
      ...extra,
    },
  });
  expect([200, 201]).toContain(res.statusCode);
}

async function task(t: TestApp, machineId: string, body: Json = {}): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: `/api/v1/machines/${machineId}/tasks`,
    payload: {
      serviceType: 'compute.marketplace',
      taskType: 'inference',
      operation: 'run-private-inference',
      input: { messages: [{ role: 'user', content: 'hello robot' }] },
      ...body,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ item: { id: string } }>(res).item.id;
}

const post = (t: TestApp, url: string, payload: Json = {}) => t.inject({ method: 'POST', url, payload });

describeEachDb('task lifecycle', (get) => {
  it('creates a task with every default of the reference', async () => {
    const t = get();
    const m = await machine(t);
    const res = await post(t, `/api/v1/machines/${m}/tasks`, { serviceType: 'storage.object', taskType: 'backup' });
    expect(res.statusCode).toBe(201);
    expect(json<Json>(res).item).toMatchObject({
      status: 'queued',
      input: {},
      constraints: { allowExternalHandoff: true, requireNativeExecution: false, requiredCapabilities: [] },
      discovery: { maxCandidates: 10 },
    });
  });

  it('rejects out-of-range and unknown task inputs with the failing field', async () => {
    const t = get();
    const m = await machine(t);
    const cases: [Json, string][] = [
      [{ serviceType: 'nope', taskType: 'x' }, 'serviceType'],
      [{ serviceType: 'storage.object', taskType: 'x', discovery: { maxCandidates: 0 } }, 'discovery.maxCandidates'],
      [{ serviceType: 'storage.object', taskType: 'x', discovery: { maxCandidates: 26 } }, 'discovery.maxCandidates'],
      [{ serviceType: 'storage.object', taskType: 'x', constraints: { budget: -1 } }, 'constraints.budget'],
      [{ serviceType: 'storage.object', taskType: 'x', constraints: { budget: '5' } }, 'constraints.budget'],
      [
        { serviceType: 'storage.object', taskType: 'x', constraints: { preferredSkillKeys: ['no-such-skill'] } },
        'constraints.preferredSkillKeys',
      ],
      [{ serviceType: 'storage.object' }, 'taskType'],
    ];
    for (const [payload, field] of cases) {
      const res = await post(t, `/api/v1/machines/${m}/tasks`, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const body = json<Json>(res);
      expect(body.error.code).toBe('VALIDATION_ERROR');
      expect(Object.keys(body.error.details.fields)).toContain(field);
    }
  });

  it('discovers, resolves and executes natively on the QVAC runtime (REST)', async () => {
    const t = get();
    const m = await machine(t);
    await qvac(t, m);
    const id = await task(t, m);
    const before = runtime.requests.length;

    const disc = await post(t, `/api/v1/machines/${m}/tasks/${id}/discover`);
    expect(disc.statusCode).toBe(200);
    const d = json<Json>(disc);
    expect(d.resolution.kind).toBe('native');
    expect(d.candidates[0].service.id).toBe('qvac-private-inference');
    expect(d.candidates[0].reasons.join(' ')).toMatch(/runtime endpoint qvac/);
    expect(typeof d.candidates[0].score).toBe('number');
    // discover is read-only on the task (context B4)
    expect(json<Json>(await t.inject({ url: `/api/v1/machines/${m}/tasks/${id}` })).item.status).toBe('queued');

    const resolved = await post(t, `/api/v1/machines/${m}/tasks/${id}/resolve`);
    expect(resolved.statusCode).toBe(201);
    const route = json<Json>(resolved).item;
    expect(route).toMatchObject({
      status: 'selected',
      executionMode: 'native',
      selectedServiceId: 'qvac-private-inference',
    });
    expect(route.fallbackChain.map((h: Json) => h.serviceId)).toContain('akash-compute-handoff');

    const exec = await post(t, `/api/v1/machines/${m}/tasks/${id}/execute`);
    expect(exec.statusCode, exec.body).toBe(200);
    const e = json<Json>(exec);
    expect(e.item).toMatchObject({ status: 'completed', serviceId: 'qvac-private-inference', routeId: route.id });
    expect(e.item.result.choices[0].message.content).toBe('echo: hello robot');
    expect(e.run).toMatchObject({ status: 'completed', outcomeId: e.item.id, serviceId: 'qvac-private-inference' });
    expect(e.run.attempts).toHaveLength(1);
    expect(e.run.summary).toMatch(/served by qvac-private-inference/);
    expect(e.resolution.kind).toBe('native');

    // the runtime got the OpenAI request with the stored credential and the model alias (context B5)
    const sent = runtime.requests.slice(before).find((r) => r.path === '/v1/chat/completions');
    expect(sent?.headers.authorization).toBe('Bearer tok-secret-123');
    expect(sent?.body).toMatchObject({ model: 'llama-local', messages: [{ role: 'user', content: 'hello robot' }] });

    const taskAfter = json<Json>(await t.inject({ url: `/api/v1/machines/${m}/tasks/${id}` })).item;
    expect(taskAfter).toMatchObject({ status: 'completed', routeId: route.id, outcomeId: e.item.id });

    const runs = json<Json>(await t.inject({ url: `/api/v1/runs?machineId=${m}` }));
    expect(runs.items.map((r: Json) => r.id)).toContain(e.run.id);
    // since/until (inclusive) bound when a run started.
    const startedAt = e.run.createdAt as string;
    const inRange = json<Json>(
      await t.inject({ url: `/api/v1/runs?machineId=${m}&since=${startedAt}&until=${startedAt}` }),
    );
    expect(inRange.items.map((r: Json) => r.id)).toEqual([e.run.id]);
    const later = new Date(Date.parse(startedAt) + 1).toISOString();
    const after = json<Json>(await t.inject({ url: `/api/v1/runs?machineId=${m}&since=${later}` }));
    expect(after.items).toEqual([]);
    const earlier = new Date(Date.parse(startedAt) - 1).toISOString();
    expect(json<Json>(await t.inject({ url: `/api/v1/runs?machineId=${m}&until=${earlier}` })).items).toEqual([]);
    expect((await t.inject({ url: `/api/v1/runs?machineId=${m}&since=yesterday` })).statusCode).toBe(400);
    const one = json<Json>(await t.inject({ url: `/api/v1/runs/${e.run.id}` }));
    expect(one.outcome.id).toBe(e.item.id);
    expect(json<Json>(await t.inject({ url: `/api/v1/machines/${m}/routes` })).items[0].status).toBe('completed');
    expect(json<Json>(await t.inject({ url: `/api/v1/machines/${m}/outcomes` })).items[0].id).toBe(e.item.id);

    const again = await post(t, `/api/v1/machines/${m}/tasks/${id}/execute`);
    expect(again.statusCode).toBe(409);
    expect(json<Json>(again).error.code).toBe('TASK_STATE_CONFLICT');
  });

  it('runs the same lifecycle through tRPC', async () => {
    const t = get();
    const m = await machine(t);
    await qvac(t, m);
    const created = await t.trpc.tasks.create({
      machineId: m,
      serviceType: 'compute.marketplace',
      taskType: 'inference',
      input: { messages: [{ role: 'user', content: 'via trpc' }] },
    });
    const disc = await t.trpc.tasks.discover({ machineId: m, taskId: created.id });
    expect(disc.candidates.length).toBeGreaterThan(0);
    const resolved = await t.trpc.tasks.resolve({ machineId: m, taskId: created.id });
    expect(resolved.item.executionMode).toBe('native');
    const executed = await t.trpc.tasks.execute({ machineId: m, taskId: created.id });
    expect(executed.item.status).toBe('completed');
    const runs = await t.trpc.tasks.listRuns({ machineId: m, status: 'completed' });
    expect(runs.items[0]?.id).toBe(executed.run.id);
  });

  it('answers ROUTE_REQUIRED when executing an unresolved task', async () => {
    const t = get();
    const m = await machine(t);
    const id = await task(t, m);
    const res = await post(t, `/api/v1/machines/${m}/tasks/${id}/execute`);
    expect(res.statusCode).toBe(409);
    expect(json<Json>(res).error.code).toBe('ROUTE_REQUIRED');
  });

  it('fails with 502 and the records when the runtime errors, then succeeds on a new run', async () => {
    const t = get();
    const m = await machine(t);
    await qvac(t, m);
    const id = await task(t, m, { constraints: { allowExternalHandoff: false } });
    expect((await post(t, `/api/v1/machines/${m}/tasks/${id}/resolve`)).statusCode).toBe(201);
    runtime.setMode('error');
    try {
      const res = await post(t, `/api/v1/machines/${m}/tasks/${id}/execute`);
      expect(res.statusCode).toBe(502);
      const body = json<Json>(res);
      expect(body.error.code).toBe('RUNTIME_ERROR');
      expect(body.item).toMatchObject({ status: 'failed', errorCode: 'RUNTIME_ERROR' });
      expect(body.run.status).toBe('failed');
      expect(body.run.attempts[0]).toMatchObject({ status: 'failed', errorCode: 'RUNTIME_ERROR', httpStatus: 500 });
      expect(body.resolution.kind).toBe('native');
    } finally {
      runtime.setMode('ok');
    }
    expect(json<Json>(await t.inject({ url: `/api/v1/machines/${m}/tasks/${id}` })).item.status).toBe('failed');
    const retry = await post(t, `/api/v1/machines/${m}/tasks/${id}/execute`);
    expect(retry.statusCode).toBe(200);
    expect(json<Json>(retry).item.status).toBe('completed');
  });

  it('classifies garbage (502), unreachable (503) and timeout (504)', async () => {
    const t = get();
    const m = await machine(t);
    const id1 = await task(t, m, { constraints: { allowExternalHandoff: false } });
    await qvac(t, m);
    await post(t, `/api/v1/machines/${m}/tasks/${id1}/resolve`);
    runtime.setMode('garbage');
    try {
      const r = await post(t, `/api/v1/machines/${m}/tasks/${id1}/execute`);
      expect(r.statusCode).toBe(502);
    } finally {
      runtime.setMode('ok');
    }

    await qvac(t, m, 'http://127.0.0.1:9'); // nothing listens on the discard port
    const id2 = await task(t, m, { constraints: { allowExternalHandoff: false } });
    await post(t, `/api/v1/machines/${m}/tasks/${id2}/resolve`);
    const unreachable = await post(t, `/api/v1/machines/${m}/tasks/${id2}/execute`);
    expect(unreachable.statusCode).toBe(503);
    expect(json<Json>(unreachable).error.code).toBe('RUNTIME_UNREACHABLE');

    await qvac(t, m);
    const id3 = await task(t, m, { constraints: { allowExternalHandoff: false } });
    await post(t, `/api/v1/machines/${m}/tasks/${id3}/resolve`);
    runtime.setMode('slow');
    try {
      const timeout = await post(t, `/api/v1/machines/${m}/tasks/${id3}/execute`);
      expect(timeout.statusCode).toBe(504);
      expect(json<Json>(timeout).item.errorCode).toBe('RUNTIME_TIMEOUT');
    } finally {
      runtime.setMode('ok');
    }
  });

  it('falls back to the handoff hop when every native hop fails', async () => {
    const t = get();
    const m = await machine(t);
    await qvac(t, m, 'http://127.0.0.1:9');
    const id = await task(t, m);
    const route = json<Json>(await post(t, `/api/v1/machines/${m}/tasks/${id}/resolve`)).item;
    expect(route.executionMode).toBe('native');
    const res = await post(t, `/api/v1/machines/${m}/tasks/${id}/execute`);
    expect(res.statusCode).toBe(200);
    const body = json<Json>(res);
    expect(body.item).toMatchObject({
      status: 'external',
      serviceId: 'akash-compute-handoff',
      externalRef: 'https://akash.network',
    });
    // Every native hop failed (other suites may add natives to the shared catalogue), then the handoff.
    const statuses = body.run.attempts.map((a: Json) => a.status);
    expect(statuses.at(-1)).toBe('handed_off');
    expect(statuses.slice(0, -1)).toContain('failed');
    expect(statuses.slice(0, -1).every((s: string) => s === 'failed' || s === 'skipped')).toBe(true);
    expect(json<Json>(await t.inject({ url: `/api/v1/machines/${m}/tasks/${id}` })).item.status).toBe('handed_off');
  });

  it('hands off when only external services match, and refuses when native is required', async () => {
    const t = get();
    const m = await machine(t);
    const id = await task(t, m, { serviceType: 'storage.object', taskType: 'backup', operation: 'put-object' });
    const resolved = json<Json>(await post(t, `/api/v1/machines/${m}/tasks/${id}/resolve`));
    expect(resolved.resolution.kind).toBe('handoff');
    expect(resolved.item).toMatchObject({ executionMode: 'external-handoff', status: 'selected' });
    expect(resolved.item.handoff.url).toBe('https://storacha.network');
    const exec = json<Json>(await post(t, `/api/v1/machines/${m}/tasks/${id}/execute`));
    expect(exec.item).toMatchObject({ status: 'external', externalRef: 'https://storacha.network' });
    expect(exec.run.status).toBe('external');
    const route = json<Json>(await t.inject({ url: `/api/v1/machines/${m}/routes?taskId=${id}` })).items[0];
    expect(route.status).toBe('handed_off');

    const native = await task(t, m, {
      serviceType: 'storage.object',
      taskType: 'backup',
      constraints: { requireNativeExecution: true },
    });
    const res = await post(t, `/api/v1/machines/${m}/tasks/${native}/resolve`);
    expect(res.statusCode).toBe(409);
    const body = json<Json>(res);
    expect(body.error.code).toBe('NO_ROUTE_AVAILABLE');
    expect(body.error.details.resolution.kind).toBe('unavailable');
    expect(json<Json>(await t.inject({ url: `/api/v1/machines/${m}/tasks/${native}` })).item.status).toBe('queued');
  });

  it('excludes services a governing policy denies, naming the policy (context B6)', async () => {
    const t = get();
    const m = await machine(t);
    await qvac(t, m);
    const policy = await t.app.store.policies.create({
      ownerId: 'local',
      name: 'No local LLM',
      allowedSkillKeys: [],
      deniedSkillKeys: ['qvac'],
      budgetCap: null,
      regionRules: [],
      nativeOnly: false,
      handoffAllowed: true,
      requiredCapabilities: [],
    });
    await t.inject({ method: 'PATCH', url: `/api/v1/machines/${m}`, payload: { policyIds: [policy.id] } });
    const id = await task(t, m);
    const d = json<Json>(await post(t, `/api/v1/machines/${m}/tasks/${id}/discover`));
    expect(d.candidates.map((c: Json) => c.service.id)).not.toContain('qvac-private-inference');
    const ex = d.excluded.find((e: Json) => e.serviceId === 'qvac-private-inference');
    expect(ex.reasons.join(' ')).toContain(`policy "No local LLM" (${policy.id}) denies skill qvac`);
    const resolved = json<Json>(await post(t, `/api/v1/machines/${m}/tasks/${id}/resolve`));
    expect(resolved.item.selectedServiceId).not.toBe('qvac-private-inference');
  });

  it('excludes a native service whose endpoint lease lapsed or is unreachable', async () => {
    const t = get();
    const m = await machine(t);
    await qvac(t, m, runtime.url, { leaseExpiresAt: new Date(Date.now() - 1000).toISOString() });
    const id = await task(t, m, { discovery: { maxCandidates: 1 } });
    const d = json<Json>(await post(t, `/api/v1/machines/${m}/tasks/${id}/discover`));
    expect(d.excluded.find((e: Json) => e.serviceId === 'qvac-private-inference').reasons[0]).toMatch(/lease expired/);
    expect(d.candidates).toHaveLength(1);
    await qvac(t, m, runtime.url, { status: 'unreachable' });
    const d2 = json<Json>(
      await post(t, `/api/v1/machines/${m}/tasks/${id}/discover`, { requireNativeExecution: true }),
    );
    expect(d2.resolution.kind).toBe('unavailable');
    expect(d2.candidates).toHaveLength(0);
  });

  it('guards every task route by machine: 404 unknown, 409 not active; runs need machineId', async () => {
    const t = get();
    const draft = await machine(t, 'draft');
    const res = await post(t, `/api/v1/machines/${draft}/tasks`, { serviceType: 'storage.object', taskType: 'x' });
    expect(res.statusCode).toBe(409);
    expect(json<Json>(res).error.code).toBe('MACHINE_NOT_ACTIVE');
    expect((await t.inject({ url: `/api/v1/machines/nope/tasks` })).statusCode).toBe(404);
    expect((await t.inject({ url: `/api/v1/runs?machineId=${draft}` })).statusCode).toBe(409);
    const noMachine = await t.inject({ url: `/api/v1/runs` });
    expect(noMachine.statusCode).toBe(400);
    expect(json<Json>(noMachine).error.details.fields).toHaveProperty('machineId');
    expect((await t.inject({ url: `/api/v1/runs/does-not-exist` })).statusCode).toBe(404);
  });
});
