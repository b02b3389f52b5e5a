/**
 * Every state-changing tRPC procedure writes its audit event (context B7). The table below must
 * name every mutation of the router: a new procedure without an entry fails the first test, and an
 * entry whose procedure does not write the expected event fails the second.
 */
import { appRouter } from '@mm/api';
import { startFakeRuntime } from '@mm/fake-runtime';
import { expect, it } from 'vitest';
import { describeEachDb, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

interface Fixture {
  machineId: string;
  runtimeUrl: string;
}
type Step = (t: TestApp, f: Fixture) => Promise<{ resourceId: string }>;

/** One entry per mutation: how to call it, and the event type it must write for which resource. */
const MUTATIONS: Record<string, { event: string; run: Step }> = {
  'machines.create': {
    event: 'machine.created',
    run: async (t) => ({
      resourceId: (await t.trpc.machines.create({ displayName: 'A', identityRef: `peaqos:machine:${uniq()}` })).id,
    }),
  },
  'machines.update': {
    event: 'machine.updated',
    run: async (t, f) => ({
      resourceId: (await t.trpc.machines.update({ machineId: f.machineId, displayName: 'B' })).id,
    }),
  },
  'identity.putController': {
    event: 'machine-identity.controllers-set',
    run: async (t) => {
      const identityRef = `peaqos:machine:${uniq()}`;
      await t.trpc.identity.putController({ identityRef, controllerAddresses: [`0x${'ab'.repeat(20)}`] });
      return { resourceId: identityRef };
    },
  },
  'identity.createChallenge': {
    event: 'machine-identity.challenge-created',
    run: async (t) => {
      const identityRef = `peaqos:machine:${uniq()}`;
      await t.trpc.identity.putController({ identityRef, controllerAddresses: [`0x${'cd'.repeat(20)}`] });
      await t.trpc.identity.createChallenge({ identityRef });
      return { resourceId: identityRef };
    },
  },
  'catalogue.upsertSkill': {
    event: 'skill.upserted',
    run: async (t) => {
      const key = uniq('skill');
      await t.trpc.catalogue.upsertSkill({
        skillKey: key,
        providerKey: 'acme',
        label: 'Acme',
        serviceTypes: ['network.partner-console'],
        executionMode: 'native',
        integrationStatus: 'integrated',
      });
      return { resourceId: key };
    },
  },
  'catalogue.upsertService': {
    event: 'market-service.upserted',
    run: async (t) => {
      const id = uniq('svc');
      await t.trpc.catalogue.upsertService({
        serviceId: id,
        // A handoff service of a type other suites do not discover on: tests share one database.
        skillKey: 'peaq.partner-console',
        providerKey: 'peaq',
        companyName: 'Acme',
        serviceType: 'network.partner-console',
        name: 'Acme console',
        executionMode: 'external-handoff',
        integrationStatus: 'handoff-only',
        handoff: { label: 'Open', url: 'https://example.com/acme', notes: [] },
      });
      return { resourceId: id };
    },
  },
  'runtimeEndpoints.upsert': {
    event: 'runtime-endpoint.upserted',
    run: async (t, f) => ({
      resourceId: (
        await t.trpc.runtimeEndpoints.upsert({
          machineId: f.machineId,
          providerKey: 'qvac',
          endpointBaseUrl: f.runtimeUrl,
        })
      ).id,
    }),
  },
  'runtimeEndpoints.delete': {
    event: 'runtime-endpoint.deleted',
    run: async (t, f) => {
      const item = await t.trpc.runtimeEndpoints.upsert({
        machineId: f.machineId,
        providerKey: 'tmp',
        endpointBaseUrl: f.runtimeUrl,
      });
      await t.trpc.runtimeEndpoints.delete({ machineId: f.machineId, providerKey: 'tmp' });
      return { resourceId: item.id };
    },
  },
  'agents.enroll': {
    event: 'machine-agent.enrolled',
    run: async (t, f) => ({ resourceId: (await t.trpc.agents.enroll({ machineId: f.machineId })).id }),
  },
  'agents.revoke': {
    event: 'machine-agent.revoked',
    run: async (t, f) => {
      const agent = await t.trpc.agents.enroll({ machineId: f.machineId });
      await t.trpc.agents.revoke({ machineId: f.machineId, agentId: agent.id });
      return { resourceId: agent.id };
    },
  },
  'agents.heartbeat': {
    event: 'machine-agent.heartbeat',
    run: async (t, f) => {
      const agent = await t.trpc.agents.enroll({ machineId: f.machineId, allowedProviderKeys: ['edge-agent'] });
      await t.trpc.agents.heartbeat({
        machineId: f.machineId,
        agentId: agent.id,
        agentToken: agent.agentToken,
        endpoints: [{ providerKey: 'edge-agent', endpointBaseUrl: f.runtimeUrl }],
      });
      return { resourceId: agent.id };
    },
  },
  'graph.createNode': {
    event: 'graph.node.created',
    run: async (t, f) => ({
      resourceId: (await t.trpc.graph.createNode({ machineId: f.machineId, type: 'task', title: 'N' })).id,
    }),
  },
  'graph.updateNode': {
    event: 'graph.node.updated',
    run: async (t, f) => {
      const n = await t.trpc.graph.createNode({ machineId: f.machineId, type: 'task', title: 'N' });
      await t.trpc.graph.updateNode({ machineId: f.machineId, nodeId: n.id, title: 'M' });
      return { resourceId: n.id };
    },
  },
  'graph.moveNodes': {
    event: 'graph.node.updated',
    run: async (t, f) => {
      const n = await t.trpc.graph.createNode({ machineId: f.machineId, type: 'task', title: 'N' });
      await t.trpc.graph.moveNodes({ machineId: f.machineId, positions: [{ nodeId: n.id, x: 40, y: 80 }] });
      return { resourceId: n.id };
    },
  },
  'graph.deleteNode': {
    event: 'graph.node.deleted',
    run: async (t, f) => {
      const n = await t.trpc.graph.createNode({ machineId: f.machineId, type: 'task', title: 'N' });
      await t.trpc.graph.deleteNode({ machineId: f.machineId, nodeId: n.id });
      return { resourceId: n.id };
    },
  },
  'graph.createEdge': {
    event: 'graph.edge.created',
    run: async (t, f) => ({ resourceId: (await edge(t, f)).id }),
  },
  'graph.updateEdge': {
    event: 'graph.edge.updated',
    run: async (t, f) => {
      const e = await edge(t, f);
      await t.trpc.graph.updateEdge({ machineId: f.machineId, edgeId: e.id, label: 'x' });
      return { resourceId: e.id };
    },
  },
  'graph.deleteEdge': {
    event: 'graph.edge.deleted',
    run: async (t, f) => {
      const e = await edge(t, f);
      await t.trpc.graph.deleteEdge({ machineId: f.machineId, edgeId: e.id });
      return { resourceId: e.id };
    },
  },
  'policies.create': {
    event: 'policy.created',
    run: async (t) => ({ resourceId: (await t.trpc.policies.create({ name: 'P' })).id }),
  },
  'policies.update': {
    event: 'policy.updated',
    run: async (t) => {
      const p = await t.trpc.policies.create({ name: 'P' });
      await t.trpc.policies.update({ policyId: p.id, nativeOnly: true });
      return { resourceId: p.id };
    },
  },
  'policies.delete': {
    event: 'policy.deleted',
    run: async (t) => {
      const p = await t.trpc.policies.create({ name: 'P' });
      await t.trpc.policies.delete({ policyId: p.id });
      return { resourceId: p.id };
    },
  },
  'tasks.create': {
    event: 'task.created',
    run: async (t, f) => ({ resourceId: (await task(t, f)).id }),
  },
  'tasks.discover': {
    event: 'task.discovered',
    run: async (t, f) => {
      const k = await task(t, f);
      await t.trpc.tasks.discover({ machineId: f.machineId, taskId: k.id });
      return { resourceId: k.id };
    },
  },
  'tasks.resolve': {
    event: 'task.resolved',
    run: async (t, f) => {
      const k = await task(t, f);
      await t.trpc.tasks.resolve({ machineId: f.machineId, taskId: k.id });
      return { resourceId: k.id };
    },
  },
  'tasks.execute': {
    event: 'task.executed',
    run: async (t, f) => {
      const k = await task(t, f);
      await t.trpc.tasks.resolve({ machineId: f.machineId, taskId: k.id });
      await t.trpc.tasks.execute({ machineId: f.machineId, taskId: k.id });
      return { resourceId: k.id };
    },
  },
};

async function edge(t: TestApp, f: Fixture) {
  const a = await t.trpc.graph.createNode({ machineId: f.machineId, type: 'trigger', title: 'A' });
  const b = await t.trpc.graph.createNode({ machineId: f.machineId, type: 'task', title: 'B' });
  return t.trpc.graph.createEdge({ machineId: f.machineId, sourceNodeId: a.id, targetNodeId: b.id, type: 'request' });
}

function task(t: TestApp, f: Fixture) {
  return t.trpc.tasks.create({ machineId: f.machineId, serviceType: 'storage.object', taskType: 'backup' });
}

it('names every mutation of the router', () => {
  const procedures = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })._def
    .procedures;
  const mutations = Object.entries(procedures)
    .filter(([, p]) => p._def.type === 'mutation')
    .map(([path]) => path)
    .sort();
  expect(mutations).toEqual(Object.keys(MUTATIONS).sort());
});

describeEachDb('audit coverage', (get) => {
  for (const [procedure, { event, run }] of Object.entries(MUTATIONS)) {
    it(`${procedure} writes ${event}`, async () => {
      const t = get();
      const runtime = await startFakeRuntime();
      try {
        const machine = await t.trpc.machines.create({
          displayName: 'Audited',
          identityRef: `peaqos:machine:${uniq()}`,
        });
        const { resourceId } = await run(t, { machineId: machine.id, runtimeUrl: runtime.url });
        const events = await t.trpc.audit.list({ type: event, resourceId });
        expect(events.items.length, `${procedure} → ${event} for ${resourceId}`).toBeGreaterThanOrEqual(1);
        // Events of a machine's resources carry its id, so its change feed and machine filter
        // show them (context C7); the catalogue, identity registry and policies belong to none.
        const machineless = /^(skill|market-service|policy|machine-identity)\./.test(event);
        const owner = event.startsWith('machine.') ? resourceId : machine.id;
        expect(events.items[0]?.machineId, `${event} machineId`).toBe(machineless ? null : owner);
      } finally {
        await runtime.close();
      }
    });
  }
});
