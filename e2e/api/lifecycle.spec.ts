import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { expect, test } from '@playwright/test';
import { createMachine, putEndpoint } from '../support/api.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let runtime: FakeRuntime;
test.beforeAll(async () => {
  runtime = await startFakeRuntime();
});
test.afterAll(async () => {
  await runtime.close();
});

test('health answers at the host root', async ({ request }) => {
  const res = await request.get('/health');
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ok', database: 'ok' });
});

test('a machine and its QVAC endpoint, as the quick start shows', async ({ request }) => {
  const machine = await createMachine(request);
  const res = await request.put(`/api/v1/machines/${machine.id}/runtime-endpoints/QVAC`, {
    data: { endpointBaseUrl: `${runtime.url}/some/path?x=1`, authToken: 'e2e-secret' },
  });
  expect(res.status()).toBe(201);
  const { item } = (await res.json()) as { item: Json };
  expect(item).toMatchObject({
    providerKey: 'qvac',
    source: 'manual',
    endpointBaseUrl: runtime.url,
    label: 'QVAC runtime',
    probePath: '/v1/models',
    networkScope: 'loopback',
    hasAuthToken: true,
  });
  expect(JSON.stringify(item)).not.toContain('e2e-secret');
  const again = await request.put(`/api/v1/machines/${machine.id}/runtime-endpoints/qvac`, {
    data: { endpointBaseUrl: runtime.url },
  });
  expect(again.status()).toBe(200);
});

test('discover → resolve → execute over HTTP against a real OpenAI-compatible runtime', async ({ request }) => {
  const machine = await createMachine(request);
  await putEndpoint(request, machine.id, 'qvac', { endpointBaseUrl: runtime.url, modelAlias: 'tiny' });
  const created = await request.post(`/api/v1/machines/${machine.id}/tasks`, {
    data: {
      serviceType: 'compute.marketplace',
      taskType: 'inference',
      operation: 'run-private-inference',
      input: { messages: [{ role: 'user', content: 'ping' }] },
    },
  });
  expect(created.status()).toBe(201);
  const task = ((await created.json()) as { item: Json }).item;

  const disc = await request.post(`/api/v1/machines/${machine.id}/tasks/${task.id}/discover`, { data: {} });
  expect(disc.status()).toBe(200);
  const d = (await disc.json()) as Json;
  expect(d.resolution.kind).toBe('native');
  expect(d.candidates[0].service.id).toBe('qvac-private-inference');

  const res = await request.post(`/api/v1/machines/${machine.id}/tasks/${task.id}/resolve`, { data: {} });
  expect(res.status()).toBe(201);
  const route = ((await res.json()) as Json).item;
  expect(route.status).toBe('selected');

  const exec = await request.post(`/api/v1/machines/${machine.id}/tasks/${task.id}/execute`, { data: {} });
  expect(exec.status()).toBe(200);
  const e = (await exec.json()) as Json;
  expect(e.item.status).toBe('completed');
  expect(e.item.result.choices[0].message.content).toBe('echo: ping');
  expect(e.run.status).toBe('completed');

  const run = await request.get(`/api/v1/runs/${e.run.id}`);
  expect(((await run.json()) as Json).outcome.id).toBe(e.item.id);
});

test('errors come in the envelope: unknown route, bad JSON, wrong method, wrong media type', async ({ request }) => {
  const unknown = await request.get('/api/v1/no-such-thing');
  expect(unknown.status()).toBe(404);
  expect(((await unknown.json()) as Json).error.code).toBe('NOT_FOUND');
  const bad = await request.post('/api/v1/machines', {
    headers: { 'content-type': 'application/json' },
    data: '{nope',
  });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as Json).error.code).toBe('VALIDATION_ERROR');
  const method = await request.delete('/api/v1/machines');
  expect(method.status()).toBe(405);
  const media = await request.post('/api/v1/machines', { headers: { 'content-type': 'text/plain' }, data: 'hi' });
  expect(media.status()).toBe(415);
});
