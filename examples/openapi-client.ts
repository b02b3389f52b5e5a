/**
 * A TypeScript client of the orchestrator generated from its OpenAPI document (openapi-typescript
 * types + openapi-fetch): register a machine and its QVAC runtime, then create a task and drive it
 * through discover → resolve → execute. Nothing here imports the server's code.
 *
 *   pnpm openapi:types   # regenerates examples/openapi-types.ts from the document
 *   MM_URL=http://127.0.0.1:3000 RUNTIME_URL=http://127.0.0.1:4010 node --import tsx examples/openapi-client.ts
 */
import createClient from 'openapi-fetch';
import type { Client } from 'openapi-fetch';
import type { paths } from './openapi-types.ts';

export type MachineMarkets = Client<paths>;

export function connect(baseUrl: string, apiKey?: string): MachineMarkets {
  return createClient<paths>({ baseUrl, ...(apiKey && { headers: { 'x-api-key': apiKey } }) });
}

function must<T>(res: { data?: T; error?: unknown; response: Response }): T {
  if (res.data === undefined) throw new Error(`${res.response.status}: ${JSON.stringify(res.error)}`);
  return res.data;
}

export async function lifecycle(mm: MachineMarkets, runtimeUrl: string) {
  const machine = must(
    await mm.POST('/api/v1/machines', {
      body: { displayName: 'Example rover', identityRef: `peaqos:machine:example-${Date.now()}` },
    }),
  ).item;
  const machineId = machine.id;
  const endpoint = must(
    await mm.PUT('/api/v1/machines/{machineId}/runtime-endpoints/{providerKey}', {
      params: { path: { machineId, providerKey: 'qvac' } },
      body: { endpointBaseUrl: runtimeUrl },
    }),
  ).item;
  const task = must(
    await mm.POST('/api/v1/machines/{machineId}/tasks', {
      params: { path: { machineId } },
      body: {
        serviceType: 'compute.marketplace',
        taskType: 'inference',
        operation: 'run-private-inference',
        input: { messages: [{ role: 'user', content: 'Where am I?' }] },
      },
    }),
  ).item;
  const path = { machineId, taskId: task.id };
  // Discover, resolve and execute take optional bodies: no `body: {}` needed.
  const discovery = must(await mm.POST('/api/v1/machines/{machineId}/tasks/{taskId}/discover', { params: { path } }));
  const resolved = must(await mm.POST('/api/v1/machines/{machineId}/tasks/{taskId}/resolve', { params: { path } }));
  const executed = await mm.POST('/api/v1/machines/{machineId}/tasks/{taskId}/execute', { params: { path } });
  if (!executed.data) {
    // 502/503/504 carry the settled records beside the error (ExecuteTaskFailure).
    const failure = executed.error;
    throw new Error(`execute failed: ${'run' in failure ? failure.run.summary : failure.error.message}`);
  }
  return {
    machine,
    endpoint,
    task,
    discovery,
    route: resolved.item,
    outcome: executed.data.item,
    run: executed.data.run,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mm = connect(process.env.MM_URL ?? 'http://127.0.0.1:3000', process.env.MM_API_KEY);
  const r = await lifecycle(mm, process.env.RUNTIME_URL ?? 'http://127.0.0.1:4010');
  console.log('candidates:', r.discovery.candidates.map((c) => `${c.service.id} (${c.score})`).join(', '));
  console.log('route:', r.route.selectedServiceId, r.route.executionMode, 'fallbacks:', r.route.fallbackChain.length);
  console.log('outcome:', r.outcome.status, JSON.stringify(r.outcome.result));
  console.log('run:', r.run.summary);
}
