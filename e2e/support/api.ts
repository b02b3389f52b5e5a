import { expect } from '@playwright/test';
import type { APIRequestContext } from '@playwright/test';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function uniq(prefix = 'e2e'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Creates an active machine through the REST API and returns it. */
export async function createMachine(request: APIRequestContext, displayName = 'E2E machine'): Promise<Json> {
  const res = await request.post('/api/v1/machines', {
    data: { displayName, identityRef: `peaqos:machine:${uniq()}` },
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { item: Json }).item;
}

export async function putEndpoint(request: APIRequestContext, machineId: string, providerKey: string, data: Json) {
  const res = await request.put(`/api/v1/machines/${machineId}/runtime-endpoints/${providerKey}`, { data });
  expect([200, 201]).toContain(res.status());
  return ((await res.json()) as { item: Json }).item;
}

/** Creates the quick start's inference task (qvac private inference) on a machine and returns it. */
export async function createInferenceTask(
  request: APIRequestContext,
  machineId: string,
  extra: Json = {},
): Promise<Json> {
  const res = await request.post(`/api/v1/machines/${machineId}/tasks`, {
    data: {
      serviceType: 'compute.marketplace',
      taskType: 'inference',
      operation: 'run-private-inference',
      input: { messages: [{ role: 'user', content: 'hello' }] },
      ...extra,
    },
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { item: Json }).item;
}
