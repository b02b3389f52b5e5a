/**
 * Pure mapping between the server's graph (source of truth) and React Flow's view state.
 * No React, no DOM: unit-tested in to-flow.test.ts.
 */
import type { Edge, MarkerType, Node, XYPosition } from '@xyflow/react';
import type { EdgeType, GraphEdgeView, GraphNodeView, NodeStatus, NodeType } from '@mm/contracts';
import type { EdgeSnapshot, GraphCommand, NodeSnapshot } from './command-stack.ts';
import { EDGE_LOOK } from './graph-look.ts';
import { NODE_HANDLES, NODE_SIZE } from './nodes/node-size.ts';

/** Live state of whatever runtime record a node points at (endpoint, task or run). */
export interface LiveStatus {
  kind: 'endpoint' | 'task' | 'run';
  status: string;
  label: string;
}

export interface GraphNodeData extends Record<string, unknown> {
  title: string;
  highlighted?: boolean;
  nodeType: NodeType;
  status: NodeStatus;
  refId: string | null;
  live: LiveStatus | null;
}
export type GraphFlowNode = Node<GraphNodeData, NodeType>;

export interface GraphEdgeData extends Record<string, unknown> {
  edgeType: EdgeType;
}
export type GraphFlowEdge = Edge<GraphEdgeData>;

// ---------------------------------------------------------------------------------------------
// Live status

export interface LiveSources {
  endpoints?: readonly { id: string; providerKey: string; status: string; label: string }[];
  tasks?: readonly { id: string; status: string; taskType: string }[];
  runs?: readonly { id: string; status: string; serviceId?: string | null }[];
}

export interface LiveIndex {
  endpointsById: Map<string, LiveStatus>;
  endpointsByProvider: Map<string, LiveStatus>;
  tasks: Map<string, LiveStatus>;
  runs: Map<string, LiveStatus>;
}

export function buildLiveIndex(src: LiveSources): LiveIndex {
  const index: LiveIndex = {
    endpointsById: new Map(),
    endpointsByProvider: new Map(),
    tasks: new Map(),
    runs: new Map(),
  };
  for (const e of src.endpoints ?? []) {
    const live: LiveStatus = { kind: 'endpoint', status: e.status, label: e.providerKey };
    index.endpointsById.set(e.id, live);
    index.endpointsByProvider.set(e.providerKey.toLowerCase(), live);
  }
  for (const t of src.tasks ?? []) index.tasks.set(t.id, { kind: 'task', status: t.status, label: t.taskType });
  for (const r of src.runs ?? []) index.runs.set(r.id, { kind: 'run', status: r.status, label: r.serviceId ?? 'run' });
  return index;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The runtime references a node carries: `refId`, or `data.{runId, taskId, endpointId, providerKey}`. */
export function runtimeRefsOf(node: Pick<GraphNodeView, 'refId' | 'data'>) {
  return {
    refId: node.refId ?? undefined,
    runId: str(node.data.runId),
    taskId: str(node.data.taskId),
    endpointId: str(node.data.endpointId),
    providerKey: str(node.data.providerKey) ?? str(node.data.runtimeEndpoint),
  };
}

export function hasRuntimeRef(node: Pick<GraphNodeView, 'refId' | 'data'>): boolean {
  return Object.values(runtimeRefsOf(node)).some((v) => v !== undefined);
}

export function liveStatusFor(node: Pick<GraphNodeView, 'refId' | 'data'>, index: LiveIndex | null): LiveStatus | null {
  if (!index) return null;
  const r = runtimeRefsOf(node);
  return (
    (r.runId && index.runs.get(r.runId)) ||
    (r.taskId && index.tasks.get(r.taskId)) ||
    (r.endpointId && index.endpointsById.get(r.endpointId)) ||
    (r.providerKey && index.endpointsByProvider.get(r.providerKey.toLowerCase())) ||
    (r.refId &&
      (index.runs.get(r.refId) ??
        index.tasks.get(r.refId) ??
        index.endpointsById.get(r.refId) ??
        index.endpointsByProvider.get(r.refId.toLowerCase()))) ||
    null
  );
}

// ---------------------------------------------------------------------------------------------
// Server → React Flow

export function toFlowNode(view: GraphNodeView, live: LiveStatus | null = null): GraphFlowNode {
  return {
    id: view.id,
    type: view.type,
    position: { x: view.position.x, y: view.position.y },
    // Known size and handles: see nodes/node-size.ts.
    width: NODE_SIZE.width,
    height: NODE_SIZE.height,
    measured: { width: NODE_SIZE.width, height: NODE_SIZE.height },
    handles: NODE_HANDLES,
    data: { title: view.title, nodeType: view.type, status: view.status, refId: view.refId ?? null, live },
  };
}

export function toFlowEdge(view: GraphEdgeView): GraphFlowEdge {
  return {
    id: view.id,
    source: view.sourceNodeId,
    target: view.targetNodeId,
    type: 'graph',
    label: view.label ?? view.type,
    className: `gedge gedge--${view.type}`,
    markerEnd: { type: 'arrowclosed' as MarkerType, width: 16, height: 16, color: EDGE_LOOK[view.type].color },
    data: { edgeType: view.type },
  };
}

function sameLive(a: LiveStatus | null, b: LiveStatus | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.kind === b.kind && a.status === b.status && a.label === b.label;
}

function sameNodeData(a: GraphNodeData, b: GraphNodeData): boolean {
  return (
    a.title === b.title &&
    a.nodeType === b.nodeType &&
    a.status === b.status &&
    a.refId === b.refId &&
    sameLive(a.live, b.live)
  );
}

/**
 * The next React Flow nodes for a server graph, reusing every previous node object whose content is
 * unchanged (so memoised node components do not re-render) and keeping view state (selection,
 * measured size, an in-flight drag) that the server does not know about.
 */
export function reconcileNodes(
  prev: readonly GraphFlowNode[],
  views: readonly GraphNodeView[],
  live: LiveIndex | null,
): GraphFlowNode[] {
  const prevById = new Map(prev.map((n) => [n.id, n]));
  let changed = prev.length !== views.length;
  const next = views.map((view, i) => {
    const fresh = toFlowNode(view, liveStatusFor(view, live));
    const old = prevById.get(view.id);
    if (!old) {
      changed = true;
      return fresh;
    }
    const dataSame = sameNodeData(old.data, fresh.data);
    const keepPosition = old.dragging === true;
    const posSame = keepPosition || (old.position.x === fresh.position.x && old.position.y === fresh.position.y);
    const typeSame = old.type === fresh.type;
    if (dataSame && posSame && typeSame) {
      if (prev[i] !== old) changed = true;
      return old;
    }
    changed = true;
    return {
      ...old,
      type: fresh.type,
      position: posSame ? old.position : fresh.position,
      data: dataSame ? old.data : fresh.data,
    };
  });
  return changed ? next : (prev as GraphFlowNode[]);
}

export function reconcileEdges(prev: readonly GraphFlowEdge[], views: readonly GraphEdgeView[]): GraphFlowEdge[] {
  const prevById = new Map(prev.map((e) => [e.id, e]));
  let changed = prev.length !== views.length;
  const next = views.map((view, i) => {
    const fresh = toFlowEdge(view);
    const old = prevById.get(view.id);
    if (
      old &&
      old.source === fresh.source &&
      old.target === fresh.target &&
      old.label === fresh.label &&
      old.data?.edgeType === fresh.data?.edgeType
    ) {
      if (prev[i] !== old) changed = true;
      return old;
    }
    changed = true;
    return old
      ? { ...old, label: fresh.label, className: fresh.className, markerEnd: fresh.markerEnd, data: fresh.data }
      : fresh;
  });
  return changed ? next : (prev as GraphFlowEdge[]);
}

// ---------------------------------------------------------------------------------------------
// React Flow / server → commands

export function nodeSnapshot(view: GraphNodeView, position?: XYPosition): NodeSnapshot {
  return {
    id: view.id,
    type: view.type,
    title: view.title,
    refId: view.refId ?? null,
    status: view.status,
    position: position ? { x: position.x, y: position.y } : { ...view.position },
    data: view.data,
  };
}

export function edgeSnapshot(view: GraphEdgeView): EdgeSnapshot {
  return {
    id: view.id,
    source: view.sourceNodeId,
    target: view.targetNodeId,
    type: view.type,
    ...(view.label !== undefined && { label: view.label }),
    data: view.data,
  };
}

/**
 * What deleting a selection removes: the selected nodes, every edge touching them (the server
 * cascades those, and undo must bring them back) and the selected edges.
 */
export function deletionOf(
  nodeIds: ReadonlySet<string>,
  edgeIds: ReadonlySet<string>,
  graph: { nodes: readonly GraphNodeView[]; edges: readonly GraphEdgeView[] },
  positions?: ReadonlyMap<string, XYPosition>,
): GraphCommand | null {
  const nodes = graph.nodes.filter((n) => nodeIds.has(n.id)).map((n) => nodeSnapshot(n, positions?.get(n.id)));
  const edges = graph.edges
    .filter((e) => edgeIds.has(e.id) || nodeIds.has(e.sourceNodeId) || nodeIds.has(e.targetNodeId))
    .map(edgeSnapshot);
  if (nodes.length === 0 && edges.length === 0) return null;
  const what = [
    nodes.length ? `${nodes.length} node${nodes.length > 1 ? 's' : ''}` : '',
    edges.length ? `${edges.length} edge${edges.length > 1 ? 's' : ''}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return { kind: 'delete', label: `Delete ${what}`, nodes, edges };
}

export interface Clipboard {
  nodes: NodeSnapshot[];
  /** Only the edges whose both ends were copied. */
  edges: EdgeSnapshot[];
}

export function copySelection(
  nodeIds: ReadonlySet<string>,
  graph: { nodes: readonly GraphNodeView[]; edges: readonly GraphEdgeView[] },
  positions?: ReadonlyMap<string, XYPosition>,
): Clipboard | null {
  const nodes = graph.nodes.filter((n) => nodeIds.has(n.id)).map((n) => nodeSnapshot(n, positions?.get(n.id)));
  if (nodes.length === 0) return null;
  const edges = graph.edges.filter((e) => nodeIds.has(e.sourceNodeId) && nodeIds.has(e.targetNodeId)).map(edgeSnapshot);
  return { nodes, edges };
}

/** The box around nodes of the fixed size, in flow coordinates. */
export function boundsOf(
  positions: readonly XYPosition[],
  size: { width: number; height: number } = NODE_SIZE,
): { x: number; y: number; width: number; height: number } | null {
  if (positions.length === 0) return null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of positions) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x + size.width);
    maxY = Math.max(maxY, p.y + size.height);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

export const PASTE_GAP = 40;

/**
 * Where the n-th paste of a clipboard goes: to the right of the copied selection by its own width
 * plus a gap, so no copy overlaps the original (or an earlier copy).
 */
export function pasteOffset(clip: Clipboard, pasteNumber: number): XYPosition {
  const box = boundsOf(clip.nodes.map((n) => n.position));
  const step = (box?.width ?? NODE_SIZE.width) + PASTE_GAP;
  return { x: step * pasteNumber, y: 0 };
}

/**
 * A create command for pasting a clipboard: fresh temporary ids (the command stack maps them to
 * the server's ids), nodes shifted by `offset`, edges re-pointed at the copies.
 */
export function pasteCommand(clip: Clipboard, offset: XYPosition, tmpPrefix: string): GraphCommand {
  const idOf = new Map(clip.nodes.map((n, i) => [n.id, `${tmpPrefix}-n${i}`]));
  const nodes = clip.nodes.map((n) => ({
    ...n,
    id: idOf.get(n.id) ?? n.id,
    position: { x: n.position.x + offset.x, y: n.position.y + offset.y },
  }));
  const edges = clip.edges.map((e, i) => ({
    ...e,
    id: `${tmpPrefix}-e${i}`,
    source: idOf.get(e.source) ?? e.source,
    target: idOf.get(e.target) ?? e.target,
  }));
  return { kind: 'create', label: `Paste ${nodes.length} node${nodes.length > 1 ? 's' : ''}`, nodes, edges };
}

/** A move command for nodes whose position changed; null when nothing moved. */
export function moveCommand(
  moves: readonly { id: string; from: XYPosition; to: XYPosition }[],
  label = 'Move',
): GraphCommand | null {
  const changed = moves.filter(
    (m) => Math.round(m.from.x) !== Math.round(m.to.x) || Math.round(m.from.y) !== Math.round(m.to.y),
  );
  if (changed.length === 0) return null;
  return {
    kind: 'update',
    label: changed.length === 1 ? label : `${label} ${changed.length} nodes`,
    nodes: changed.map((m) => ({
      id: m.id,
      before: { position: { x: Math.round(m.from.x), y: Math.round(m.from.y) } },
      after: { position: { x: Math.round(m.to.x), y: Math.round(m.to.y) } },
    })),
    edges: [],
  };
}

/**
 * The server shallow-merges `data`, so a removed key is sent as `null`. Returns the forward patch
 * and the patch that restores `before`; null when nothing changed.
 */
export function dataPatches(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { forward: Record<string, unknown>; backward: Record<string, unknown> } | null {
  const forward: Record<string, unknown> = {};
  const backward: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of keys) {
    const a = Object.hasOwn(before, k) ? before[k] : undefined;
    const b = Object.hasOwn(after, k) ? after[k] : undefined;
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    forward[k] = b === undefined ? null : b;
    backward[k] = a === undefined ? null : a;
  }
  return Object.keys(forward).length ? { forward, backward } : null;
}

/** Selects exactly `ids`, reusing every node whose selection does not change. */
export function selectOnly<N extends { id: string; selected?: boolean }>(items: N[], ids: ReadonlySet<string>): N[] {
  let changed = false;
  const next = items.map((n) => {
    const want = ids.has(n.id);
    if (Boolean(n.selected) === want) return n;
    changed = true;
    return { ...n, selected: want };
  });
  return changed ? next : items;
}

/**
 * The free spot nearest `origin` for a new node: tries a grid of slots in growing rings around it
 * and returns the first that overlaps no existing node.
 */
export function freeSpot(
  origin: XYPosition,
  existing: readonly XYPosition[],
  size: { width: number; height: number } = { width: 220, height: 76 },
): XYPosition {
  const stepX = size.width + 40;
  const stepY = size.height + 34;
  const overlaps = (p: XYPosition) =>
    existing.some((e) => Math.abs(e.x - p.x) < size.width + 16 && Math.abs(e.y - p.y) < size.height + 16);
  for (let r = 0; r <= 12; r++) {
    // Ring r, nearest slots first, preferring right of and below the origin (reading order).
    const ring: { dx: number; dy: number }[] = [];
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) if (Math.max(Math.abs(dx), Math.abs(dy)) === r) ring.push({ dx, dy });
    }
    ring.sort(
      (a, b) => Math.abs(a.dx) + Math.abs(a.dy) - (Math.abs(b.dx) + Math.abs(b.dy)) || b.dx - a.dx || b.dy - a.dy,
    );
    for (const { dx, dy } of ring) {
      const p = { x: Math.round(origin.x + dx * stepX), y: Math.round(origin.y + dy * stepY) };
      if (!overlaps(p)) return p;
    }
  }
  return { x: Math.round(origin.x), y: Math.round(origin.y) };
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const intersects = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * A spot for a new node inside the visible part of the canvas (`view`, flow coordinates): the first
 * slot in reading order that lies fully in view, clear of `reserved` areas (the minimap and the zoom
 * controls) and of every existing node with a margin. Null when the view has no free slot.
 */
export function visibleFreeSpot(
  view: Rect,
  existing: readonly XYPosition[],
  reserved: readonly Rect[] = [],
  size: { width: number; height: number } = NODE_SIZE,
  margin = 24,
): XYPosition | null {
  const inView = existing.filter((p) =>
    intersects(
      { x: p.x - margin, y: p.y - margin, width: size.width + 2 * margin, height: size.height + 2 * margin },
      view,
    ),
  );
  const stepX = size.width + margin;
  const stepY = size.height + margin;
  for (let y = view.y + margin; y + size.height <= view.y + view.height - margin / 2; y += stepY) {
    for (let x = view.x + margin; x + size.width <= view.x + view.width - margin / 2; x += stepX) {
      const slot = { x, y, width: size.width, height: size.height };
      if (reserved.some((r) => intersects(slot, r))) continue;
      const padded = { x: x - margin, y: y - margin, width: size.width + 2 * margin, height: size.height + 2 * margin };
      if (inView.some((p) => intersects(padded, { x: p.x, y: p.y, width: size.width, height: size.height }))) continue;
      return { x: Math.round(x), y: Math.round(y) };
    }
  }
  return null;
}

/** Nodes whose title contains every word of `query` (case-insensitive), best first: prefix matches, then shorter titles. */
export function searchNodes<N extends { id: string; title: string }>(
  nodes: readonly N[],
  query: string,
  limit = 8,
): N[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const first = words[0] ?? '';
  const hits = nodes.filter((n) => {
    const t = n.title.toLowerCase();
    return words.every((w) => t.includes(w));
  });
  hits.sort((a, b) => {
    const pa = a.title.toLowerCase().startsWith(first) ? 0 : 1;
    const pb = b.title.toLowerCase().startsWith(first) ? 0 : 1;
    return pa - pb || a.title.length - b.title.length || a.title.localeCompare(b.title);
  });
  return hits.slice(0, limit);
}
