/**
 * The lifecycle's one-statement writes (docs/concurrency.md "The claim as one statement") build
 * their views and audit payloads in SQL: field for field they must be what GET answers (the views
 * in packages/db/src/repos/tasks.ts), nulls and omitted fields included, timestamps with milliseconds.
 */
import { HOP_PROGRESS_DELAY_MS } from '@mm/core';
import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb, json, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let runtime: FakeRuntime;
beforeAll(async () => {
  runtime = await startFakeRuntime();
});
afterAll(async () => {
  await runtime.close();
});

async function eventsOf(t: TestApp, query: string): Promise<Json[]> {
  const res = await t.inject(`/api/v1/audit-events?${query}&limit=500`);
  expect(res.statusCode, res.body).toBe(200);
  return json<{ items: Json[] }>(res).items.reverse();
}

async function machineWithQvac(t: TestApp, url: string): Promise<string> {
  const m = json<Json>(
    await t.inject({
      method: 'POST',
      url: '/api/v1/machines',
      payload: { displayName: 'SQL views', identityRef: `peaqos:machine:${uniq()}` },
    }),
  ).item.id as string;
  const put = await t.inject({
    method: 'PUT',
    url: `/api/v1/machines/${m}/runtime-endpoints/qvac`,
    payload: { endpointBaseUrl: url },
  });
  expect([200, 201]).toContain(put.statusCode);
  return m;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describeEachDb('lifecycle statements: views and audit payloads equal GET', (get) => {
  it('create, resolve and execute (served): every answer and event payload is the GET view', async () => {
    const t = get();
    const m = await machineWithQvac(t, runtime.url);
    // No `operation`: taskView omits it, and so must the statement.
    const created = await t.inject({
      method: 'POST',
      url: `/api/v1/machines/${m}/tasks`,
      payload: { serviceType: 'compute.marketplace', taskType: 'inference', input: { messages: [] } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const task0 = json<Json>(created).item;
    expect(task0).not.toHaveProperty('operation');
    const getTask = async () => json<Json>(await t.inject(`/api/v1/machines/${m}/tasks/${task0.id}`)).item;
    expect(task0).toEqual(await getTask());
    const [createdEvent] = await eventsOf(t, `type=task.created&resourceId=${task0.id}`);
    expect(createdEvent?.payload).toEqual({ task: task0 });
    expect(createdEvent).toMatchObject({ machineId: m, resourceType: 'task', principal: 'local' });

    const resolved = await t.inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${task0.id}/resolve` });
    expect(resolved.statusCode, resolved.body).toBe(201);
    const route = json<Json>(resolved).item;
    const routes = json<Json>(await t.inject(`/api/v1/machines/${m}/routes?taskId=${task0.id}`)).items;
    expect(routes).toEqual([route]);
    const task1 = await getTask();
    expect(task1).toMatchObject({ status: 'resolved', routeId: route.id, outcomeId: null });
    const [resolvedEvent] = await eventsOf(t, `type=task.resolved&resourceId=${task0.id}`);
    expect(resolvedEvent?.payload).toEqual({ task: task1, route });

    // A hop that is still running after HOP_PROGRESS_DELAY_MS writes its run.hop-started (checked below).
    runtime.setSlowMs(HOP_PROGRESS_DELAY_MS * 4);
    runtime.setMode('slow');
    const executed = await t
      .inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${task0.id}/execute` })
      .finally(() => runtime.setMode('ok'));
    expect(executed.statusCode, executed.body).toBe(200);
    const answer = json<Json>(executed);
    const got = json<Json>(await t.inject(`/api/v1/runs/${answer.run.id}`));
    expect(answer.run).toEqual(got.run);
    expect(answer.item).toEqual(got.outcome);
    expect(answer.item.result).not.toBeNull();
    const outcomes = json<Json>(await t.inject(`/api/v1/machines/${m}/outcomes?taskId=${task0.id}`)).items;
    expect(outcomes).toEqual([answer.item]);
    const task2 = await getTask();
    expect(task2).toMatchObject({ status: 'completed', outcomeId: answer.item.id, routeId: route.id });
    const route2 = json<Json>(await t.inject(`/api/v1/machines/${m}/routes?taskId=${task0.id}`)).items[0];
    expect(route2.status).toBe('completed');

    const [executedEvent] = await eventsOf(t, `type=task.executed&resourceId=${task0.id}`);
    const { result: _result, ...outcomeWithoutResult } = answer.item;
    expect(executedEvent?.payload).toEqual({ task: task2, route: route2, run: got.run, outcome: outcomeWithoutResult });
    expect(executedEvent?.payload.outcome).not.toHaveProperty('result');

    // run.started: the run as it was opened (running, no attempts), same id and creation time as GET.
    const [started] = await eventsOf(t, `type=run.started&resourceId=${answer.run.id}`);
    expect(started?.payload).toEqual({
      taskId: task0.id,
      routeId: route.id,
      run: {
        ...got.run,
        status: 'running',
        outcomeId: null,
        summary: null,
        attempts: [],
        skillKey: route.selectedSkillKey,
        serviceId: route.selectedServiceId,
        executionMode: route.executionMode,
        updatedAt: started?.payload.run.updatedAt,
      },
    });
    expect(started?.payload.run.updatedAt).toMatch(ISO_MS);
    expect(Object.keys(started?.payload.run ?? {}).sort()).toEqual(Object.keys(got.run).sort());

    // run.hop-started: the run with the attempts before the hop, and the hop itself.
    const [hop] = await eventsOf(t, `type=run.hop-started&resourceId=${answer.run.id}`);
    expect(Object.keys(hop?.payload.run ?? {}).sort()).toEqual(Object.keys(got.run).sort());
    expect(hop?.payload).toMatchObject({
      taskId: task0.id,
      run: { id: got.run.id, status: 'running', attempts: [] },
      hop: { hop: 1, providerKey: 'qvac', endpointBaseUrl: runtime.url, serviceId: route.selectedServiceId },
    });
    expect(hop?.payload.hop).not.toHaveProperty('attempts');

    // The endpoint that served is marked checked and healthy.
    const ep = json<Json>(await t.inject(`/api/v1/machines/${m}/runtime-endpoints/qvac`)).item;
    expect(ep.lastHealthyAt).toMatch(ISO_MS);
    expect(ep.lastCheckedAt).toBe(ep.lastHealthyAt);
  });

  it('a failed execution without a failed attempt (no usable endpoint): task.failed equals GET', async () => {
    const t = get();
    const m = await machineWithQvac(t, runtime.url);
    const created = await t.inject({
      method: 'POST',
      url: `/api/v1/machines/${m}/tasks`,
      payload: {
        serviceType: 'compute.marketplace',
        taskType: 'inference',
        operation: 'run-private-inference',
        input: { messages: [{ role: 'user', content: 'x' }] },
        constraints: { requireNativeExecution: true },
      },
    });
    const taskId = json<Json>(created).item.id as string;
    expect(json<Json>(created).item.operation).toBe('run-private-inference');
    const resolved = await t.inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${taskId}/resolve` });
    expect(resolved.statusCode, resolved.body).toBe(201);
    // The endpoint goes away between resolve and execute: every hop is skipped, none failed.
    const del = await t.inject({ method: 'DELETE', url: `/api/v1/machines/${m}/runtime-endpoints/qvac` });
    expect(del.statusCode).toBe(204);
    const executed = await t.inject({ method: 'POST', url: `/api/v1/machines/${m}/tasks/${taskId}/execute` });
    expect(executed.statusCode, executed.body).toBe(503);
    const body = json<Json>(executed);
    expect(body.error.code).toBe('RUNTIME_UNREACHABLE');
    const got = json<Json>(await t.inject(`/api/v1/runs/${body.run.id}`));
    expect(body.run).toEqual(got.run);
    expect(body.item).toEqual(got.outcome);
    expect(got.outcome).toMatchObject({ status: 'failed', result: null, externalRef: null });
    const task = json<Json>(await t.inject(`/api/v1/machines/${m}/tasks/${taskId}`)).item;
    expect(task.status).toBe('failed');
    const route = json<Json>(await t.inject(`/api/v1/machines/${m}/routes?taskId=${taskId}`)).items[0];
    expect(route.status).toBe('failed');
    const [failed] = await eventsOf(t, `type=task.failed&resourceId=${taskId}`);
    const { result: _result, ...outcome } = got.outcome;
    expect(failed?.payload).toEqual({ task, route, run: got.run, outcome });
  });
});
