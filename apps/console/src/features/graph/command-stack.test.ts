import { describe, expect, it } from 'vitest';
import { CommandStack, IdMap, invert } from './command-stack.ts';
import type { EdgePatch, GraphApi, GraphCommand, NodePatch, NodeSnapshot } from './command-stack.ts';

/** An in-memory graph that behaves like the server: fresh ids, cascading node deletes. */
function fakeServer() {
  let seq = 0;
  const nodes = new Map<
    string,
    { type: string; title: string; status: string; position: { x: number; y: number }; data: Record<string, unknown> }
  >();
  const edges = new Map<string, { source: string; target: string; type: string; label?: string }>();
  // Answers like the network would: asynchronously, and rejections instead of throws.
  const api: GraphApi = {
    createNode(input) {
      const id = `n${++seq}`;
      nodes.set(id, {
        type: input.type,
        title: input.title,
        status: 'draft',
        position: input.position,
        data: input.data,
      });
      return Promise.resolve({ id });
    },
    updateNode(id, patch: NodePatch) {
      const n = nodes.get(id);
      if (!n) return Promise.reject(new Error(`NOT_FOUND node ${id}`));
      Object.assign(n, { ...patch, data: patch.data ? { ...n.data, ...patch.data } : n.data });
      return Promise.resolve(n);
    },
    moveNodes(moves) {
      for (const m of moves) {
        const n = nodes.get(m.nodeId);
        if (!n) return Promise.reject(new Error(`NOT_FOUND node ${m.nodeId}`));
        n.position = { x: m.x, y: m.y };
      }
      return Promise.resolve(moves.length);
    },
    deleteNode(id) {
      if (!nodes.delete(id)) return Promise.resolve(false);
      for (const [eid, e] of edges) if (e.source === id || e.target === id) edges.delete(eid);
      return Promise.resolve(true);
    },
    createEdge(input) {
      if (!nodes.has(input.sourceNodeId) || !nodes.has(input.targetNodeId))
        return Promise.reject(new Error('VALIDATION_ERROR ends'));
      const id = `e${++seq}`;
      edges.set(id, {
        source: input.sourceNodeId,
        target: input.targetNodeId,
        type: input.type,
        ...(input.label !== undefined && { label: input.label }),
      });
      return Promise.resolve({ id });
    },
    updateEdge(id, patch: EdgePatch) {
      const e = edges.get(id);
      if (!e) return Promise.reject(new Error(`NOT_FOUND edge ${id}`));
      Object.assign(e, patch);
      return Promise.resolve(e);
    },
    deleteEdge(id) {
      return Promise.resolve(edges.delete(id));
    },
  };
  const titles = () => [...nodes.values()].map((n) => n.title).sort();
  const edgeTitles = () =>
    [...edges.values()].map((e) => `${nodes.get(e.source)?.title}->${nodes.get(e.target)?.title}:${e.type}`).sort();
  return { api, nodes, edges, titles, edgeTitles };
}

const snap = (id: string, title: string, over: Partial<NodeSnapshot> = {}): NodeSnapshot => ({
  id,
  type: 'skill',
  title,
  refId: null,
  status: 'draft',
  position: { x: 0, y: 0 },
  data: {},
  ...over,
});

describe('IdMap', () => {
  it('maps every id a record ever had to its live id', () => {
    const ids = new IdMap();
    ids.set('tmp', 'n1');
    ids.set('n1', 'n2'); // recreated after a deletion recorded with the server id
    ids.set('tmp', 'n3'); // recreated again by replaying the original command
    expect(ids.resolve('tmp')).toBe('n3');
    expect(ids.resolve('n1')).toBe('n3');
    expect(ids.resolve('n2')).toBe('n3');
    expect(ids.resolve('x')).toBe('x');
  });
});

describe('invert', () => {
  it('turns create into delete and swaps update before/after', () => {
    const create: GraphCommand = { kind: 'create', label: 'Add', nodes: [snap('t', 'A')], edges: [] };
    expect(invert(create).kind).toBe('delete');
    expect(invert(invert(create))).toEqual(create);
    const upd: GraphCommand = {
      kind: 'update',
      label: 'Move',
      nodes: [{ id: 'a', before: { title: 'x' }, after: { title: 'y' } }],
      edges: [],
    };
    expect(invert(upd)).toMatchObject({ nodes: [{ id: 'a', before: { title: 'y' }, after: { title: 'x' } }] });
  });
});

describe('CommandStack', () => {
  it('undoing a node deletion recreates the node and its edges, with new ids', async () => {
    const s = fakeServer();
    const stack = new CommandStack();
    await stack.run(
      {
        kind: 'create',
        label: 'Seed',
        nodes: [snap('t1', 'A'), snap('t2', 'B', { status: 'active' }), snap('t3', 'C')],
        edges: [
          { id: 'te1', source: 't1', target: 't2', type: 'request', data: {} },
          { id: 'te2', source: 't2', target: 't3', type: 'execute', label: 'go', data: {} },
        ],
      },
      s.api,
    );
    expect(s.titles()).toEqual(['A', 'B', 'C']);
    const bId = stack.ids.resolve('t2');
    expect(s.nodes.get(bId)?.status).toBe('active');

    // Delete B as the user would: the node plus both edges touching it.
    await stack.run(
      {
        kind: 'delete',
        label: 'Delete B',
        nodes: [snap(bId, 'B', { status: 'active' })],
        edges: [
          { id: stack.ids.resolve('te1'), source: stack.ids.resolve('t1'), target: bId, type: 'request', data: {} },
          {
            id: stack.ids.resolve('te2'),
            source: bId,
            target: stack.ids.resolve('t3'),
            type: 'execute',
            label: 'go',
            data: {},
          },
        ],
      },
      s.api,
    );
    expect(s.titles()).toEqual(['A', 'C']);
    expect(s.edges.size).toBe(0);

    await stack.undo(s.api);
    expect(s.titles()).toEqual(['A', 'B', 'C']);
    expect(s.edgeTitles()).toEqual(['A->B:request', 'B->C:execute']);
    const newB = stack.ids.resolve('t2');
    expect(newB).not.toBe(bId);
    expect(s.nodes.get(newB)?.status).toBe('active');

    // Undo the seed too: the original command must reach the recreated B through the id map.
    await stack.undo(s.api);
    expect(s.titles()).toEqual([]);
    await stack.redo(s.api);
    await stack.redo(s.api);
    expect(s.titles()).toEqual(['A', 'C']);
    expect(stack.canRedo).toBe(false);
  });

  it('undo/redo of a move replays positions', async () => {
    const s = fakeServer();
    const stack = new CommandStack();
    await stack.run({ kind: 'create', label: 'Add', nodes: [snap('t', 'A')], edges: [] }, s.api);
    const id = stack.ids.resolve('t');
    await stack.run(
      {
        kind: 'update',
        label: 'Move',
        nodes: [{ id, before: { position: { x: 0, y: 0 } }, after: { position: { x: 50, y: 60 } } }],
        edges: [],
      },
      s.api,
    );
    expect(s.nodes.get(id)?.position).toEqual({ x: 50, y: 60 });
    await stack.undo(s.api);
    expect(s.nodes.get(id)?.position).toEqual({ x: 0, y: 0 });
    await stack.redo(s.api);
    expect(s.nodes.get(id)?.position).toEqual({ x: 50, y: 60 });
  });

  it('a new command clears the redo branch', async () => {
    const s = fakeServer();
    const stack = new CommandStack();
    await stack.run({ kind: 'create', label: 'Add A', nodes: [snap('a', 'A')], edges: [] }, s.api);
    await stack.undo(s.api);
    expect(stack.canRedo).toBe(true);
    await stack.run({ kind: 'create', label: 'Add B', nodes: [snap('b', 'B')], edges: [] }, s.api);
    expect(stack.canRedo).toBe(false);
    expect(stack.undoLabel).toBe('Add B');
  });

  it('an edit checks the version it was made against; undo and redo replay without it', async () => {
    const s = fakeServer();
    const versions: (number | undefined)[] = [];
    const api: GraphApi = {
      ...s.api,
      updateNode: (id, patch, expectedVersion) => {
        versions.push(expectedVersion);
        return s.api.updateNode(id, patch);
      },
    };
    const stack = new CommandStack();
    await stack.run({ kind: 'create', label: 'Add', nodes: [snap('t', 'A')], edges: [] }, api);
    const id = stack.ids.resolve('t');
    await stack.run(
      {
        kind: 'update',
        label: 'Edit A',
        nodes: [{ id, before: { title: 'A' }, after: { title: 'B' }, expectedVersion: 1 }],
        edges: [],
      },
      api,
    );
    await stack.undo(api);
    await stack.redo(api);
    expect(versions).toEqual([1, undefined, undefined]);
    expect(s.nodes.get(id)?.title).toBe('B');
  });

  it('a refused edit is not recorded', async () => {
    const s = fakeServer();
    const api: GraphApi = { ...s.api, updateNode: () => Promise.reject(new Error('VERSION_CONFLICT')) };
    const stack = new CommandStack();
    const cmd: GraphCommand = {
      kind: 'update',
      label: 'Edit',
      nodes: [{ id: 'x', before: { title: 'A' }, after: { title: 'B' }, expectedVersion: 3 }],
      edges: [],
    };
    await expect(stack.run(cmd, api)).rejects.toThrow('VERSION_CONFLICT');
    expect(stack.canUndo).toBe(false);
  });
});
