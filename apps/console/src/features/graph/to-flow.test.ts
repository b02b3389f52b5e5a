import type { GraphEdgeView, GraphNodeView } from '@mm/contracts';
import { describe, expect, it } from 'vitest';
import {
  buildLiveIndex,
  copySelection,
  dataPatches,
  freeSpot,
  deletionOf,
  hasRuntimeRef,
  liveStatusFor,
  moveCommand,
  pasteCommand,
  pasteOffset,
  searchNodes,
  visibleFreeSpot,
  reconcileEdges,
  reconcileNodes,
  toFlowEdge,
  toFlowNode,
} from './to-flow.ts';

const T = '2025-01-01T00:00:00.000Z';

function node(id: string, over: Partial<GraphNodeView> = {}): GraphNodeView {
  return {
    id,
    machineId: 'm1',
    type: 'skill',
    title: `Node ${id}`,
    status: 'draft',
    refId: null,
    position: { x: 10, y: 20 },
    data: {},
    version: 1,
    createdAt: T,
    updatedAt: T,
    ...over,
  };
}

function edge(id: string, source: string, target: string, over: Partial<GraphEdgeView> = {}): GraphEdgeView {
  return {
    id,
    machineId: 'm1',
    sourceNodeId: source,
    targetNodeId: target,
    type: 'connects',
    data: {},
    version: 1,
    createdAt: T,
    updatedAt: T,
    ...over,
  };
}

describe('toFlowNode / toFlowEdge', () => {
  it('maps a server node to a React Flow node typed by its node type', () => {
    const flow = toFlowNode(
      node('a', { type: 'policy', title: 'Budget', status: 'active', refId: 'p1', position: { x: 5, y: 6 } }),
    );
    expect(flow).toMatchObject({
      id: 'a',
      type: 'policy',
      position: { x: 5, y: 6 },
      data: { title: 'Budget', nodeType: 'policy', status: 'active', refId: 'p1', live: null },
    });
  });

  it('hands nodes over already measured, with their handles, so nothing is measured while panning', () => {
    const flow = toFlowNode(node('a'));
    expect(flow.measured).toEqual({ width: 220, height: 76 });
    expect(flow.handles?.map((h) => h.type)).toEqual(['target', 'source']);
  });

  it('colours an edge by its type through the custom edge and its arrow head', () => {
    const deny = toFlowEdge(edge('e', 'a', 'b', { type: 'deny' }));
    const allow = toFlowEdge(edge('f', 'a', 'b', { type: 'allow' }));
    expect(deny.type).toBe('graph');
    expect(deny.markerEnd).not.toEqual(allow.markerEnd);
  });

  it('labels an edge with its label, or its type when it has none', () => {
    expect(toFlowEdge(edge('e', 'a', 'b', { type: 'deny', label: 'no qvac' }))).toMatchObject({
      id: 'e',
      source: 'a',
      target: 'b',
      label: 'no qvac',
      className: 'gedge gedge--deny',
      data: { edgeType: 'deny' },
    });
    expect(toFlowEdge(edge('e', 'a', 'b', { type: 'execute' })).label).toBe('execute');
  });
});

describe('reconcileNodes', () => {
  it('returns the previous array untouched when the server graph did not change', () => {
    const views = [node('a'), node('b')];
    const first = reconcileNodes([], views, null);
    expect(reconcileNodes(first, [node('a'), node('b')], null)).toBe(first);
  });

  it('keeps unchanged node objects and selection, replaces only what changed', () => {
    const first = reconcileNodes([], [node('a'), node('b')], null);
    const selected = [{ ...first[0]!, selected: true }, first[1]!];
    const next = reconcileNodes(selected, [node('a', { title: 'Renamed' }), node('b')], null);
    expect(next[0]).not.toBe(selected[0]);
    expect(next[0]!.data.title).toBe('Renamed');
    expect(next[0]!.selected).toBe(true);
    expect(next[1]).toBe(selected[1]);
  });

  it('does not yank a node the user is dragging back to its stored position', () => {
    const first = reconcileNodes([], [node('a')], null);
    const dragging = [{ ...first[0]!, dragging: true, position: { x: 300, y: 300 } }];
    const next = reconcileNodes(dragging, [node('a', { position: { x: 10, y: 20 } })], null);
    expect(next[0]!.position).toEqual({ x: 300, y: 300 });
  });

  it('moves a node the server moved and drops deleted ones', () => {
    const first = reconcileNodes([], [node('a'), node('b')], null);
    const next = reconcileNodes(first, [node('a', { position: { x: 99, y: 1 } })], null);
    expect(next.map((n) => n.id)).toEqual(['a']);
    expect(next[0]!.position).toEqual({ x: 99, y: 1 });
  });
});

describe('reconcileEdges', () => {
  it('reuses unchanged edges and refreshes relabelled ones', () => {
    const first = reconcileEdges([], [edge('e1', 'a', 'b'), edge('e2', 'b', 'c')]);
    expect(reconcileEdges(first, [edge('e1', 'a', 'b'), edge('e2', 'b', 'c')])).toBe(first);
    const next = reconcileEdges(first, [edge('e1', 'a', 'b'), edge('e2', 'b', 'c', { type: 'allow' })]);
    expect(next[0]).toBe(first[0]);
    expect(next[1]!.label).toBe('allow');
  });
});

describe('live status', () => {
  const index = buildLiveIndex({
    endpoints: [{ id: 'ep1', providerKey: 'QVAC', status: 'unreachable', label: 'QVAC runtime' }],
    tasks: [{ id: 't1', status: 'completed', taskType: 'inference' }],
    runs: [{ id: 'r1', status: 'failed', serviceId: 'qvac-private-inference' }],
  });

  it('finds the record a node points at by refId', () => {
    expect(liveStatusFor(node('a', { refId: 't1' }), index)).toEqual({
      kind: 'task',
      status: 'completed',
      label: 'inference',
    });
    expect(liveStatusFor(node('a', { refId: 'r1' }), index)?.status).toBe('failed');
    expect(liveStatusFor(node('a', { refId: 'ep1' }), index)?.kind).toBe('endpoint');
  });

  it('finds an endpoint by data.providerKey, case-insensitively', () => {
    expect(liveStatusFor(node('a', { data: { providerKey: 'qvac' } }), index)).toEqual({
      kind: 'endpoint',
      status: 'unreachable',
      label: 'QVAC',
    });
  });

  it('is null for a node with no runtime reference', () => {
    expect(liveStatusFor(node('a'), index)).toBeNull();
    expect(hasRuntimeRef(node('a'))).toBe(false);
    expect(hasRuntimeRef(node('a', { data: { taskId: 't1' } }))).toBe(true);
  });

  it('changes only the node whose live status changed', () => {
    const views = [node('a', { refId: 't1' }), node('b')];
    const first = reconcileNodes([], views, index);
    expect(first[0]!.data.live?.status).toBe('completed');
    const sameAgain = reconcileNodes(
      first,
      views,
      buildLiveIndex({ tasks: [{ id: 't1', status: 'completed', taskType: 'inference' }] }),
    );
    expect(sameAgain).toBe(first);
    const changed = reconcileNodes(
      first,
      views,
      buildLiveIndex({ tasks: [{ id: 't1', status: 'failed', taskType: 'inference' }] }),
    );
    expect(changed[0]!.data.live?.status).toBe('failed');
    expect(changed[1]).toBe(first[1]);
  });
});

describe('commands from the selection', () => {
  const graph = {
    nodes: [node('a'), node('b', { position: { x: 100, y: 0 } }), node('c')],
    edges: [edge('ab', 'a', 'b'), edge('bc', 'b', 'c'), edge('ca', 'c', 'a')],
  };

  it('a deletion carries the nodes and every edge touching them', () => {
    const cmd = deletionOf(new Set(['a']), new Set(), graph);
    expect(cmd?.kind).toBe('delete');
    expect(cmd?.nodes.map((n) => n.id)).toEqual(['a']);
    expect(cmd?.edges.map((e) => e.id).sort()).toEqual(['ab', 'ca']);
    expect(deletionOf(new Set(), new Set(), graph)).toBeNull();
  });

  it('copy keeps only edges inside the selection; paste offsets and re-points them', () => {
    const clip = copySelection(new Set(['a', 'b']), graph);
    expect(clip?.edges.map((e) => e.id)).toEqual(['ab']);
    const cmd = pasteCommand(clip!, { x: 40, y: 40 }, 'tmp1');
    if (cmd.kind !== 'create') throw new Error('paste must create');
    expect(cmd.nodes.map((n) => n.id)).toEqual(['tmp1-n0', 'tmp1-n1']);
    expect(cmd.nodes[1]!.position).toEqual({ x: 140, y: 40 });
    expect(cmd.edges).toHaveLength(1);
    expect(cmd.edges[0]).toMatchObject({ source: 'tmp1-n0', target: 'tmp1-n1', type: 'connects' });
  });

  it('a move command holds rounded before/after positions and skips nodes that did not move', () => {
    const cmd = moveCommand([
      { id: 'a', from: { x: 0, y: 0 }, to: { x: 10.4, y: 5.6 } },
      { id: 'b', from: { x: 1, y: 1 }, to: { x: 1.2, y: 0.9 } },
    ]);
    expect(cmd).toEqual({
      kind: 'update',
      label: 'Move',
      nodes: [{ id: 'a', before: { position: { x: 0, y: 0 } }, after: { position: { x: 10, y: 6 } } }],
      edges: [],
    });
    expect(moveCommand([{ id: 'a', from: { x: 0, y: 0 }, to: { x: 0, y: 0 } }])).toBeNull();
  });

  it('data patches null out removed keys in both directions', () => {
    expect(dataPatches({ a: 1, b: 2 }, { a: 1, c: 3 })).toEqual({
      forward: { b: null, c: 3 },
      backward: { b: 2, c: null },
    });
    expect(dataPatches({ a: [1] }, { a: [1] })).toBeNull();
  });
});

describe('freeSpot', () => {
  it('uses the origin when it is free and steps aside when it is taken', () => {
    expect(freeSpot({ x: 0, y: 0 }, [])).toEqual({ x: 0, y: 0 });
    // The first free slot is to the right of a taken origin, then below it.
    expect(freeSpot({ x: 0, y: 0 }, [{ x: 10, y: 10 }])).toEqual({ x: 260, y: 0 });
    expect(
      freeSpot({ x: 0, y: 0 }, [
        { x: 0, y: 0 },
        { x: 260, y: 0 },
      ]),
    ).toEqual({ x: 0, y: 110 });
  });
});

describe('pasteOffset', () => {
  it('moves a paste clear of the copied selection by its width plus a gap, further for each paste', () => {
    const graph = { nodes: [node('a'), node('b', { position: { x: 100, y: 0 } })], edges: [] };
    const clip = copySelection(new Set(['a', 'b']), graph)!;
    const xs = clip.nodes.map((n) => n.position.x);
    const width = Math.max(...xs) + 220 - Math.min(...xs);
    expect(pasteOffset(clip, 1)).toEqual({ x: width + 40, y: 0 });
    expect(pasteOffset(clip, 2)).toEqual({ x: 2 * (width + 40), y: 0 });
  });
});

describe('visibleFreeSpot', () => {
  const view = { x: 0, y: 0, width: 1000, height: 600 };
  it('places a node at the top-left of an empty view', () => {
    expect(visibleFreeSpot(view, [])).toEqual({ x: 24, y: 24 });
  });
  it('skips slots taken by nodes and reserved areas, and stays inside the view', () => {
    const p = visibleFreeSpot(view, [{ x: 24, y: 24 }], [{ x: 200, y: 0, width: 800, height: 150 }])!;
    expect(p.y).toBeGreaterThanOrEqual(150);
    expect(p.x + 220).toBeLessThanOrEqual(1000);
    expect(p.y + 76).toBeLessThanOrEqual(600);
    // Not overlapping the existing node.
    expect(Math.abs(p.x - 24) >= 220 || Math.abs(p.y - 24) >= 76).toBe(true);
  });
  it('answers null when the view is full', () => {
    expect(visibleFreeSpot({ x: 0, y: 0, width: 200, height: 50 }, [])).toBeNull();
  });
});

describe('searchNodes', () => {
  const nodes = [
    { id: '1', title: 'Summarise logs' },
    { id: '2', title: 'Logs bucket' },
    { id: '3', title: 'Nightly trigger' },
  ];
  it('finds titles containing every word, prefix matches first', () => {
    expect(searchNodes(nodes, 'logs').map((n) => n.id)).toEqual(['2', '1']);
    expect(searchNodes(nodes, 'night TRIG').map((n) => n.id)).toEqual(['3']);
    expect(searchNodes(nodes, '  ')).toEqual([]);
  });
});
