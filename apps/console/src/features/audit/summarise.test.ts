import type { AuditEventView } from '@mm/contracts';
import { describe, expect, it } from 'vitest';
import { resourceLinkOf, summarise } from './summarise.ts';

function ev(type: string, resourceType: string, payload: Record<string, unknown>, extra: Partial<AuditEventView> = {}) {
  return {
    id: '1',
    actor: 'api',
    principal: 'alice',
    machineId: 'm1',
    type,
    resourceType,
    resourceId: 'r1',
    payload,
    createdAt: '2026-01-02T10:00:00.000Z',
    ...extra,
  } satisfies AuditEventView;
}

describe('summarise', () => {
  it('says what happened to a graph node, and by whom', () => {
    const node = { title: 'Camera', type: 'skill' };
    expect(summarise(ev('graph.node.updated', 'graph-node', { node, changed: ['position'] }))).toBe(
      'node ‘Camera’ moved by alice',
    );
    expect(summarise(ev('graph.node.updated', 'graph-node', { node, changed: ['title'] }))).toBe(
      'node ‘Camera’ renamed by alice',
    );
    expect(summarise(ev('graph.node.updated', 'graph-node', { node, changed: ['status', 'data'] }))).toBe(
      'node ‘Camera’ updated (status, data) by alice',
    );
    expect(summarise(ev('graph.node.created', 'graph-node', { node }))).toBe('node ‘Camera’ (skill) added by alice');
    expect(summarise(ev('graph.node.deleted', 'graph-node', { node }))).toBe('node ‘Camera’ deleted by alice');
  });

  it('names edges by label, else by type, and says why one went with its node', () => {
    expect(summarise(ev('graph.edge.created', 'graph-edge', { edge: { label: 'feeds', type: 'data' } }))).toBe(
      'edge ‘feeds’ created by alice',
    );
    expect(
      summarise(ev('graph.edge.deleted', 'graph-edge', { edge: { type: 'depends-on' }, reason: 'node n1 deleted' })),
    ).toBe('edge depends-on deleted (node n1 deleted) by alice');
  });

  it('reads machine, endpoint and agent events', () => {
    expect(
      summarise(
        ev(
          'machine.updated',
          'machine',
          { machine: { displayName: 'Rover', status: 'degraded' }, changed: ['status'] },
          { principal: 'bob' },
        ),
      ),
    ).toBe('machine ‘Rover’ updated: status → degraded by bob');
    expect(
      summarise(
        ev(
          'runtime-endpoint.status-changed',
          'runtime-endpoint',
          { endpoint: { providerKey: 'qvac' }, from: 'active', to: 'unreachable', reason: 'probe failed' },
          { principal: 'system' },
        ),
      ),
    ).toBe('endpoint ‘qvac’ active → unreachable (probe failed) by system');
    expect(
      summarise(
        ev('runtime-endpoint.upserted', 'runtime-endpoint', { endpoint: { providerKey: 'qvac' }, created: true }),
      ),
    ).toBe('endpoint ‘qvac’ added by alice');
    expect(
      summarise(
        ev('machine-agent.heartbeat', 'machine-agent', { agent: { label: 'Rover agent' }, endpoints: [{}, {}] }),
      ),
    ).toBe('agent ‘Rover agent’ heartbeat (2 endpoints) by alice');
  });

  it('tells a task’s story: resolved, completed, handed off, failed, interrupted', () => {
    const task = { taskType: 'inference' };
    expect(
      summarise(ev('task.resolved', 'task', { task, route: { selectedServiceId: 'qvac-private-inference' } })),
    ).toBe('task ‘inference’ resolved to qvac-private-inference by alice');
    expect(
      summarise(
        ev('task.executed', 'task', { task, outcome: { status: 'completed', serviceId: 'qvac-private-inference' } }),
      ),
    ).toBe('task ‘inference’ completed via qvac-private-inference by alice');
    expect(summarise(ev('task.executed', 'task', { task, outcome: { status: 'external', serviceId: 'akash' } }))).toBe(
      'task ‘inference’ handed off via akash by alice',
    );
    expect(
      summarise(ev('task.failed', 'task', { task, outcome: { errorCode: 'RUNTIME_TIMEOUT', serviceId: 'qvac' } })),
    ).toBe('task ‘inference’ failed: RUNTIME_TIMEOUT at qvac by alice');
    expect(summarise(ev('task.failed', 'task', { task, reason: 'interrupted' }, { principal: 'system' }))).toBe(
      'task ‘inference’ failed: interrupted by system',
    );
    expect(summarise(ev('task.discovered', 'task', { candidates: [{}, {}], excludedTotal: 7 }))).toBe(
      'task discovery: 2 candidates, 7 excluded by alice',
    );
    expect(summarise(ev('run.hop-started', 'run', { hop: { hop: 2, of: 3, serviceId: 'ollama-chat' } }))).toBe(
      'run trying hop 2 of 3: ollama-chat by alice',
    );
  });

  it('still reads as a sentence for an unknown type or a payload of another shape', () => {
    expect(summarise(ev('market.order.created', 'order', {}))).toBe('market.order.created on order r1 by alice');
    expect(summarise(ev('graph.node.updated', 'graph-node', { node: 'garbage', changed: 'x' }))).toBe(
      'node r1 updated by alice',
    );
  });
});

describe('resourceLinkOf', () => {
  it('links each resource to its page in the console', () => {
    expect(resourceLinkOf(ev('machine.created', 'machine', {}, { resourceId: 'm1' }))?.to).toBe('/machines/m1');
    expect(resourceLinkOf(ev('graph.node.updated', 'graph-node', {}, { resourceId: 'n1' }))?.to).toBe(
      '/machines/m1/graph?node=n1',
    );
    expect(resourceLinkOf(ev('graph.node.deleted', 'graph-node', {}))?.to).toBe('/machines/m1/graph');
    expect(resourceLinkOf(ev('graph.edge.created', 'graph-edge', { edge: { sourceNodeId: 'n2' } }))?.to).toBe(
      '/machines/m1/graph?node=n2',
    );
    expect(resourceLinkOf(ev('task.created', 'task', {}, { resourceId: 't1' }))?.to).toBe('/machines/m1/tasks/t1');
    expect(resourceLinkOf(ev('run.started', 'run', {}, { resourceId: 'u1' }))?.to).toBe('/machines/m1/runs/u1');
    expect(resourceLinkOf(ev('runtime-endpoint.deleted', 'runtime-endpoint', {}))?.to).toBe('/machines/m1/endpoints');
    expect(resourceLinkOf(ev('machine-agent.revoked', 'machine-agent', {}))?.to).toBe('/machines/m1/agents');
    expect(resourceLinkOf(ev('policy.updated', 'policy', {}, { resourceId: 'p1', machineId: null }))?.to).toBe(
      '/policies/p1',
    );
  });

  it('has no link where the console has no page, or the resource is gone', () => {
    expect(resourceLinkOf(ev('skill.upserted', 'skill', {}, { machineId: null }))).toBeNull();
    expect(resourceLinkOf(ev('policy.deleted', 'policy', {}, { machineId: null }))).toBeNull();
    expect(resourceLinkOf(ev('task.created', 'task', {}, { machineId: null }))).toBeNull();
  });
});
