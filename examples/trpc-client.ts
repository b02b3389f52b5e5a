/**
 * A TypeScript client of the orchestrator over tRPC: register a machine and its QVAC runtime,
 * then create a task and drive it through discover → resolve → execute.
 *
 *   MM_URL=http://127.0.0.1:3000 RUNTIME_URL=http://127.0.0.1:4010 node --import tsx examples/trpc-client.ts
 */
import type { AppRouter } from '@mm/api';
import { createTRPCClient, httpBatchLink } from '@trpc/client';

const base = process.env.MM_URL ?? 'http://127.0.0.1:3000';
const runtimeUrl = process.env.RUNTIME_URL ?? 'http://127.0.0.1:4010';

const mm = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${base}/trpc` })] });

const machine = await mm.machines.create.mutate({
  displayName: 'Example rover',
  identityRef: `peaqos:machine:example-${Date.now()}`,
});
await mm.runtimeEndpoints.upsert.mutate({ machineId: machine.id, providerKey: 'qvac', endpointBaseUrl: runtimeUrl });

const task = await mm.tasks.create.mutate({
  machineId: machine.id,
  serviceType: 'compute.marketplace',
  taskType: 'inference',
  operation: 'run-private-inference',
  input: { messages: [{ role: 'user', content: 'Where am I?' }] },
});
const discovery = await mm.tasks.discover.mutate({ machineId: machine.id, taskId: task.id });
console.log('candidates:', discovery.candidates.map((c) => `${c.service.id} (${c.score})`).join(', '));

const { item: route } = await mm.tasks.resolve.mutate({ machineId: machine.id, taskId: task.id });
console.log('route:', route.selectedServiceId, route.executionMode, 'fallbacks:', route.fallbackChain.length);

const { item: outcome, run } = await mm.tasks.execute.mutate({ machineId: machine.id, taskId: task.id });
console.log('outcome:', outcome.status, JSON.stringify(outcome.result));
console.log('run:', run.summary);
