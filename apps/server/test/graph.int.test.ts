import type { GraphEdgeView, GraphNodeView, GraphView } from '@mm/contracts';
import { describe, expect, it } from 'vitest';
import { trpcErrorCode } from './app-error.ts';
import { describeEachDb, json, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type ErrorBody = { error: { code: string; message: string; details?: { fields?: Record<string, string> } } };

async function machine(t: TestApp, status: 'active' | 'draft' = 'active'): Promise<string> {
  const m = await t.trpc.machines.create({
    displayName: 'Graph host',
    identityRef: `peaqos:machine:${uniq()}`,
    status,
  });
  return m.id;
}

const base = (machineId: string) => `/api/v1/machines/${machineId}/graph`;

async function node(t: TestApp, machineId: string, body: Record<string, unknown> = {}): Promise<GraphNodeView> {
  const res = await t.inject({
    method: 'POST',
    url: `${base(machineId)}/nodes`,
    payload: { type: 'skill', title: 'N', ...body },
  });
  expect(res.statusCode).toBe(201);
  return json<{ item: GraphNodeView }>(res).item;
}

async function edge(t: TestApp, machineId: string, from: string, to: string, extra: Record<string, unknown> = {}) {
  const res = await t.inject({
    method: 'POST',
    url: `${base(machineId)}/edges`,
    payload: { sourceNodeId: from, targetNodeId: to, type: 'connects', ...extra },
  });
  expect(res.statusCode).toBe(201);
  return json<{ item: GraphEdgeView }>(res).item;
}

describeEachDb('graph', (get) => {
  describe('nodes', () => {
    it('creates a node over REST with the defaults of context B9 (draft, {x:0,y:0}, {})', async () => {
      const t = get();
      const machineId = await machine(t);
      const item = await node(t, machineId, { type: 'machine', title: 'Arm' });
      expect(item).toMatchObject({
        machineId,
        type: 'machine',
        title: 'Arm',
        status: 'draft',
        position: { x: 0, y: 0 },
        data: {},
      });
    });

    it('creates a node over tRPC; a missing coordinate is 0', async () => {
      const t = get();
      const machineId = await machine(t);
      const item = await t.trpc.graph.createNode({
        machineId,
        type: 'task',
        title: 'T',
        refId: 'task-1',
        position: { x: 40 },
        data: { a: 1 },
      });
      expect(item).toMatchObject({ refId: 'task-1', position: { x: 40, y: 0 }, data: { a: 1 } });
    });

    it('PATCH shallow-merges data and merges position (reference: "data is shallow-merged")', async () => {
      const t = get();
      const machineId = await machine(t);
      const created = await node(t, machineId, { position: { x: 5, y: 6 }, data: { keep: 1, nested: { a: 1, b: 2 } } });
      const res = await t.inject({
        method: 'PATCH',
        url: `${base(machineId)}/nodes/${created.id}`,
        payload: { status: 'active', position: { y: 9 }, data: { nested: { a: 3 }, added: true } },
      });
      expect(res.statusCode).toBe(200);
      const { item } = json<{ item: GraphNodeView }>(res);
      // Shallow: `nested` is replaced as a whole, `keep` survives.
      expect(item).toMatchObject({ status: 'active', title: 'N', position: { x: 5, y: 9 } });
      expect(item.data).toEqual({ keep: 1, nested: { a: 3 }, added: true });
      const viaTrpc = await t.trpc.graph.updateNode({ machineId, nodeId: created.id, title: 'Renamed' });
      expect(viaTrpc).toMatchObject({ title: 'Renamed', status: 'active', data: item.data });
      const events = await t.trpc.audit.list({ resourceId: created.id, type: 'graph.node.updated' });
      expect(events.items).toHaveLength(2);
      expect(events.items[0]).toMatchObject({
        actor: 'api',
        resourceType: 'graph-node',
        payload: { changed: ['title'] },
      });
    });

    it('refuses invalid node input with 400 VALIDATION_ERROR naming the field', async () => {
      const t = get();
      const machineId = await machine(t);
      const cases: [Record<string, unknown>, string][] = [
        [{ type: 'robot', title: 'x' }, 'type'],
        [{ type: 'skill', title: '' }, 'title'],
        [{ type: 'skill', title: 'x', position: { x: '1' } }, 'position.x'],
        [{ type: 'skill', title: 'x', data: { constructor: 1 } }, 'data.constructor'],
      ];
      for (const [payload, field] of cases) {
        const res = await t.inject({ method: 'POST', url: `${base(machineId)}/nodes`, payload });
        expect(res.statusCode).toBe(400);
        expect(json<ErrorBody>(res).error.details?.fields).toHaveProperty([field]);
      }
      const created = await node(t, machineId);
      const badStatus = await t.inject({
        method: 'PATCH',
        url: `${base(machineId)}/nodes/${created.id}`,
        payload: { status: 'archived' },
      });
      expect(badStatus.statusCode).toBe(400);
      expect(await trpcErrorCode(t.trpc.graph.createNode({ machineId, type: 'skill', title: 'x'.repeat(257) }))).toBe(
        'VALIDATION_ERROR',
      );
    });

    it('answers 404 NOT_FOUND for an unknown node and for a node of another machine', async () => {
      const t = get();
      const machineId = await machine(t);
      const other = await machine(t);
      const created = await node(t, other);
      const res = await t.inject({
        method: 'PATCH',
        url: `${base(machineId)}/nodes/${created.id}`,
        payload: { title: 'x' },
      });
      expect(res.statusCode).toBe(404);
      expect(json<ErrorBody>(res).error.code).toBe('NOT_FOUND');
      const del = await t.inject({ method: 'DELETE', url: `${base(machineId)}/nodes/${uniq('n')}` });
      expect(del.statusCode).toBe(404);
      expect(await trpcErrorCode(t.trpc.graph.deleteNode({ machineId, nodeId: created.id }))).toBe('NOT_FOUND');
    });

    it('deletes a node with its edges, each edge audited (context B9)', async () => {
      const t = get();
      const machineId = await machine(t);
      const [a, b, c] = [await node(t, machineId), await node(t, machineId), await node(t, machineId)];
      const ab = await edge(t, machineId, a.id, b.id);
      const ca = await edge(t, machineId, c.id, a.id);
      const bc = await edge(t, machineId, b.id, c.id);
      const res = await t.inject({ method: 'DELETE', url: `${base(machineId)}/nodes/${a.id}` });
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      const graph = await t.trpc.graph.get({ machineId });
      expect(graph.nodes.map((n) => n.id).sort()).toEqual([b.id, c.id].sort());
      expect(graph.edges.map((e) => e.id)).toEqual([bc.id]);
      for (const gone of [ab, ca]) {
        const events = await t.trpc.audit.list({ resourceId: gone.id, type: 'graph.edge.deleted' });
        expect(events.items).toHaveLength(1);
        expect(events.items[0]?.resourceType).toBe('graph-edge');
      }
      const nodeEvents = await t.trpc.audit.list({ resourceId: a.id, type: 'graph.node.deleted' });
      expect(nodeEvents.items).toHaveLength(1);
      await t.trpc.graph.deleteNode({ machineId, nodeId: b.id });
      expect((await t.trpc.graph.get({ machineId })).edges).toEqual([]);
    });
  });

  describe('edges', () => {
    it('creates edges over REST and tRPC; label is omitted when unset (context B9)', async () => {
      const t = get();
      const machineId = await machine(t);
      const [a, b] = [await node(t, machineId), await node(t, machineId)];
      const plain = await edge(t, machineId, a.id, b.id);
      expect(plain).toMatchObject({ machineId, sourceNodeId: a.id, targetNodeId: b.id, type: 'connects', data: {} });
      expect(plain).not.toHaveProperty('label');
      const labelled = await t.trpc.graph.createEdge({
        machineId,
        sourceNodeId: b.id,
        targetNodeId: a.id,
        type: 'route-select',
        label: 'best',
      });
      expect(labelled).toMatchObject({ type: 'route-select', label: 'best' });
      const res = await t.inject({ method: 'GET', url: base(machineId) });
      expect(res.statusCode).toBe(200);
      const graph = json<GraphView>(res);
      expect(graph.nodes).toHaveLength(2);
      expect(graph.edges.map((e) => e.id)).toEqual([plain.id, labelled.id]);
      const events = await t.trpc.audit.list({ resourceId: plain.id });
      expect(events.items.map((e) => e.type)).toEqual(['graph.edge.created']);
    });

    it('refuses an edge whose ends are not nodes of the machine: 400 naming the field (context B9)', async () => {
      const t = get();
      const machineId = await machine(t);
      const other = await machine(t);
      const mine = await node(t, machineId);
      const theirs = await node(t, other);
      const res = await t.inject({
        method: 'POST',
        url: `${base(machineId)}/edges`,
        payload: { sourceNodeId: mine.id, targetNodeId: theirs.id, type: 'connects' },
      });
      expect(res.statusCode).toBe(400);
      const body = json<ErrorBody>(res);
      expect(body.error.code).toBe('VALIDATION_ERROR');
      expect(Object.keys(body.error.details?.fields ?? {})).toEqual(['targetNodeId']);
      const code = await trpcErrorCode(
        t.trpc.graph.createEdge({ machineId, sourceNodeId: uniq('n'), targetNodeId: mine.id, type: 'connects' }),
      );
      expect(code).toBe('VALIDATION_ERROR');
      const badType = await t.inject({
        method: 'POST',
        url: `${base(machineId)}/edges`,
        payload: { sourceNodeId: mine.id, targetNodeId: mine.id, type: 'links' },
      });
      expect(json<ErrorBody>(badType).error.details?.fields).toHaveProperty('type');
      expect((await t.trpc.graph.get({ machineId })).edges).toEqual([]);
    });

    it('PATCH changes type, label and data (shallow-merged); the ends may not change (context B9)', async () => {
      const t = get();
      const machineId = await machine(t);
      const [a, b, c] = [await node(t, machineId), await node(t, machineId), await node(t, machineId)];
      const created = await edge(t, machineId, a.id, b.id, { label: 'x', data: { keep: 1, w: 1 } });
      const res = await t.inject({
        method: 'PATCH',
        url: `${base(machineId)}/edges/${created.id}`,
        payload: { type: 'execute', data: { w: 2 }, sourceNodeId: a.id },
      });
      expect(res.statusCode).toBe(200);
      expect(json<{ item: GraphEdgeView }>(res).item).toMatchObject({
        type: 'execute',
        label: 'x',
        data: { keep: 1, w: 2 },
      });
      const cleared = await t.trpc.graph.updateEdge({ machineId, edgeId: created.id, label: null });
      expect(cleared).not.toHaveProperty('label');
      const moved = await t.inject({
        method: 'PATCH',
        url: `${base(machineId)}/edges/${created.id}`,
        payload: { targetNodeId: c.id },
      });
      expect(moved.statusCode).toBe(400);
      expect(json<ErrorBody>(moved).error.details?.fields).toHaveProperty('targetNodeId');
      const after = await t.trpc.graph.get({ machineId });
      expect(after.edges[0]).toMatchObject({ sourceNodeId: a.id, targetNodeId: b.id });
      const events = await t.trpc.audit.list({ resourceId: created.id, type: 'graph.edge.updated' });
      expect(events.items).toHaveLength(2);
    });

    it('deletes an edge (204, audited) and answers 404 for an unknown one', async () => {
      const t = get();
      const machineId = await machine(t);
      const [a, b] = [await node(t, machineId), await node(t, machineId)];
      const first = await edge(t, machineId, a.id, b.id);
      const second = await edge(t, machineId, b.id, a.id);
      const res = await t.inject({ method: 'DELETE', url: `${base(machineId)}/edges/${first.id}` });
      expect(res.statusCode).toBe(204);
      expect(await t.trpc.graph.deleteEdge({ machineId, edgeId: second.id })).toBeUndefined();
      const again = await t.inject({ method: 'DELETE', url: `${base(machineId)}/edges/${first.id}` });
      expect(again.statusCode).toBe(404);
      expect(json<ErrorBody>(again).error.code).toBe('NOT_FOUND');
      const patch = await t.inject({
        method: 'PATCH',
        url: `${base(machineId)}/edges/${second.id}`,
        payload: { type: 'sync' },
      });
      expect(patch.statusCode).toBe(404);
      const events = await t.trpc.audit.list({ resourceId: first.id, type: 'graph.edge.deleted' });
      expect(events.items).toHaveLength(1);
      expect((await t.trpc.graph.get({ machineId })).nodes).toHaveLength(2);
    });
  });

  describe('machine guard', () => {
    it('answers 404 for an unknown machine and 409 MACHINE_NOT_ACTIVE for a draft one (context B9)', async () => {
      const t = get();
      const unknown = await t.inject({ method: 'GET', url: base(uniq('m')) });
      expect(unknown.statusCode).toBe(404);
      expect(json<ErrorBody>(unknown).error.code).toBe('NOT_FOUND');
      const draft = await machine(t, 'draft');
      const res = await t.inject({
        method: 'POST',
        url: `${base(draft)}/nodes`,
        payload: { type: 'skill', title: 'x' },
      });
      expect(res.statusCode).toBe(409);
      expect(json<ErrorBody>(res).error.code).toBe('MACHINE_NOT_ACTIVE');
      expect(await trpcErrorCode(t.trpc.graph.get({ machineId: draft }))).toBe('MACHINE_NOT_ACTIVE');
    });
  });
});

describeEachDb('graph bulk moves (our addition for auto-layout)', (get) => {
  it('moves many nodes in one call, audits each moved node, and refuses foreign nodes', async () => {
    const t = get();
    const m = await machine(t);
    const a = await node(t, m);
    const b = await node(t, m);
    const res = await t.inject({
      method: 'PATCH',
      url: `${base(m)}/nodes`,
      payload: {
        positions: [
          { nodeId: a.id, x: 100, y: 200 },
          { nodeId: b.id, x: -50, y: 0 },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const graph = json<GraphView>(await t.inject({ url: base(m) }));
    expect(graph.nodes.find((n) => n.id === a.id)?.position).toEqual({ x: 100, y: 200 });
    expect(graph.nodes.find((n) => n.id === b.id)?.position).toEqual({ x: -50, y: 0 });
    const events = await t.trpc.audit.list({ type: 'graph.node.updated', resourceId: a.id });
    expect(events.items[0]?.payload).toMatchObject({ changed: ['position'] });

    const other = await machine(t);
    const foreign = await t.inject({
      method: 'PATCH',
      url: `${base(other)}/nodes`,
      payload: { positions: [{ nodeId: a.id, x: 1, y: 1 }] },
    });
    expect(foreign.statusCode).toBe(404);
    const empty = await t.inject({ method: 'PATCH', url: `${base(m)}/nodes`, payload: { positions: [] } });
    expect(empty.statusCode).toBe(400);
    const moved = await t.trpc.graph.moveNodes({ machineId: m, positions: [{ nodeId: b.id, x: 7, y: 8 }] });
    expect(moved.items[0]?.position).toEqual({ x: 7, y: 8 });
  });

  it('is set-based yet keeps per-node versions and events: moved nodes +1 and audited, still nodes untouched', async () => {
    const t = get();
    const m = await machine(t);
    const a = await node(t, m, { position: { x: 1, y: 1 } });
    const b = await node(t, m, { position: { x: 2, y: 2 } });
    const c = await node(t, m, { position: { x: 3, y: 3 } });
    const moved = await t.trpc.graph.moveNodes({
      machineId: m,
      positions: [
        { nodeId: c.id, x: 30, y: 30 },
        { nodeId: b.id, x: 2, y: 2 },
        { nodeId: a.id, x: 10, y: 10 },
        { nodeId: a.id, x: 11, y: 11 },
      ],
    });
    // One answer per node, in the order first named; a node named twice ends at its last position.
    expect(moved.items.map((n) => [n.id, n.position, n.version])).toEqual([
      [c.id, { x: 30, y: 30 }, 2],
      [b.id, { x: 2, y: 2 }, 1],
      [a.id, { x: 11, y: 11 }, 2],
    ]);
    for (const [n, count] of [
      [a, 1],
      [b, 0],
      [c, 1],
    ] as const) {
      const events = await t.trpc.audit.list({ type: 'graph.node.updated', resourceId: n.id });
      expect(events.items).toHaveLength(count);
      if (count)
        expect(events.items[0]?.payload).toMatchObject({ changed: ['position'], node: { id: n.id, version: 2 } });
    }
    // The move bumped the version, so a write that read the node before it is stale.
    const stale = await t.inject({
      method: 'PATCH',
      url: `${base(m)}/nodes/${a.id}`,
      headers: { 'if-match': '1' },
      payload: { title: 'late' },
    });
    expect(stale.statusCode).toBe(409);
    expect(json<ErrorBody>(stale).error.code).toBe('VERSION_CONFLICT');
  });

  it('moves nothing when one named node is missing (404, no event, no version bump)', async () => {
    const t = get();
    const m = await machine(t);
    const a = await node(t, m);
    const res = await t.inject({
      method: 'PATCH',
      url: `${base(m)}/nodes`,
      payload: {
        positions: [
          { nodeId: a.id, x: 5, y: 5 },
          { nodeId: 'no-such-node', x: 1, y: 1 },
        ],
      },
    });
    expect(res.statusCode).toBe(404);
    const graph = json<GraphView>(await t.inject({ url: base(m) }));
    expect(graph.nodes[0]).toMatchObject({ id: a.id, position: { x: 0, y: 0 }, version: 1 });
    expect((await t.trpc.audit.list({ type: 'graph.node.updated', resourceId: a.id })).items).toHaveLength(0);
  });

  it('serialises concurrent bulk moves of the same nodes: every move is one version', async () => {
    const t = get();
    const m = await machine(t);
    const nodes = await Promise.all(Array.from({ length: 20 }, () => node(t, m)));
    await Promise.all(
      Array.from({ length: 5 }, (_, k) =>
        t.trpc.graph.moveNodes({
          machineId: m,
          // Opposite orders: the locks are taken in id order, so these cannot deadlock.
          positions: (k % 2 ? [...nodes].reverse() : nodes).map((n, i) => ({ nodeId: n.id, x: 100 * k + i, y: k + 1 })),
        }),
      ),
    );
    const graph = json<GraphView>(await t.inject({ url: base(m) }));
    for (const n of graph.nodes) expect(n.version).toBe(6);
    const events = await t.trpc.audit.list({ type: 'graph.node.updated', resourceId: nodes[0]?.id ?? '' });
    expect(events.items.map((e) => (e.payload as { node: GraphNodeView }).node.version).sort()).toEqual([
      2, 3, 4, 5, 6,
    ]);
  });

  it('GET graph (JSON built in the database) answers the same view as tRPC, field for field', async () => {
    const t = get();
    const m = await machine(t);
    const a = await node(t, m, {
      refId: 'ref-1',
      position: { x: 0.1, y: -2500.75 },
      data: { s: 'é "q"', n: [1, 'two', { k: true }] },
    });
    const b = await node(t, m, { type: 'machine', title: 'B' });
    await edge(t, m, a.id, b.id, { label: 'L', data: { w: 1.5 } });
    await edge(t, m, b.id, a.id);
    const res = await t.inject({ url: base(m) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const rest = json<GraphView>(res);
    const trpc = await t.trpc.graph.get({ machineId: m });
    expect(rest).toEqual(trpc);
    // Same keys in the same order, `label` absent (not null) when unset.
    expect(rest.nodes.map((n) => Object.keys(n))).toEqual(trpc.nodes.map((n) => Object.keys(n)));
    expect(rest.edges.map((e) => Object.keys(e))).toEqual(trpc.edges.map((e) => Object.keys(e)));
    expect('label' in (rest.edges[1] ?? {})).toBe(false);
    const empty = await machine(t);
    expect(json(await t.inject({ url: base(empty) }))).toEqual({ nodes: [], edges: [] });
  });
});
