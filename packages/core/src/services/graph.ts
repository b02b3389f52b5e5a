import type {
  DeleteGraphElementRequest,
  CreateGraphEdgeRequest,
  CreateGraphNodeRequest,
  GraphEdgeView,
  GraphNodeView,
  GraphView,
  MoveGraphNodesRequest,
  UpdateGraphEdgeRequest,
  UpdateGraphNodeRequest,
} from '@mm/contracts';
import { LIMITS } from '@mm/contracts';
import type { Inspect } from '@mm/contracts';
import type { Caller, CoreDeps } from '../deps.ts';
import { AppError, notFound, validation } from '../errors.ts';
import { changedKeys, shallowMerge } from '../lib/views.ts';
import type { AuditInput, Repos } from '../ports.ts';
import { RawJson } from '../lib/raw-json.ts';
import { requireActiveMachine } from './machine-guard.ts';

type Audit = Omit<AuditInput, 'actor'>;

const nodeEvent = (type: string, node: GraphNodeView, extra: Record<string, unknown> = {}): Audit => ({
  type,
  resourceType: 'graph-node',
  resourceId: node.id,
  payload: { node, ...extra },
});

const edgeEvent = (type: string, edge: GraphEdgeView, extra: Record<string, unknown> = {}): Audit => ({
  type,
  resourceType: 'graph-edge',
  resourceId: edge.id,
  payload: { edge, ...extra },
});

/**
 * Reads a node under its row lock and checks the version the caller read, if it named one
 * (docs/concurrency.md: If-Match / expectedVersion).
 */
async function lockNode(tx: Repos, machineId: string, nodeId: string, expectedVersion?: number) {
  const node = await tx.graph.lockNode(machineId, nodeId);
  if (!node) throw notFound('graph node', nodeId);
  assertVersion(node, expectedVersion);
  return node;
}

async function lockEdge(tx: Repos, machineId: string, edgeId: string, expectedVersion?: number) {
  const edge = await tx.graph.lockEdge(machineId, edgeId);
  if (!edge) throw notFound('graph edge', edgeId);
  assertVersion(edge, expectedVersion);
  return edge;
}

function assertVersion(current: GraphNodeView | GraphEdgeView, expected: number | undefined) {
  if (expected !== undefined && current.version !== expected) {
    throw new AppError(
      'VERSION_CONFLICT',
      `version ${expected} is stale: the record is at version ${current.version}; reload and retry`,
      { current },
    );
  }
}

const DEFAULT_GRAPH_MAX_NODES = 10_000;

/**
 * A PATCH is checked at 64 KiB by its contract, but merges add up: the merged `data` must stay
 * within the same bound (context C5), so no node or edge, and no graph, grows without limit.
 */
function mergedData(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged = shallowMerge(base, patch);
  const bytes = Buffer.byteLength(JSON.stringify(merged), 'utf8');
  if (bytes > LIMITS.jsonBytes) {
    throw validation(`data would serialise to ${bytes} bytes after the merge; at most ${LIMITS.jsonBytes} (64 KiB)`, {
      data: `merged data must be at most ${LIMITS.jsonBytes} bytes`,
    });
  }
  return merged;
}

/** The size limit of one machine's graph (context C5), checked under the graph's lock. */
async function assertRoom(tx: Repos, machineId: string, maxNodes: number, adding: 'node' | 'edge') {
  await tx.graph.lockGraph(machineId);
  const { nodes, edges } = await tx.graph.counts(machineId);
  if (adding === 'node' && nodes >= maxNodes) {
    throw validation(`a machine's graph holds at most ${maxNodes} nodes (MM_GRAPH_MAX_NODES)`, {
      '(graph)': `at most ${maxNodes} nodes`,
    });
  }
  if (adding === 'edge' && edges >= 2 * maxNodes) {
    throw validation(`a machine's graph holds at most ${2 * maxNodes} edges (twice MM_GRAPH_MAX_NODES)`, {
      '(graph)': `at most ${2 * maxNodes} edges`,
    });
  }
}

/** Both ends of an edge must be nodes of the edge's machine (context B9); the error names the field. */
async function assertEnds(
  tx: Repos,
  machineId: string,
  req: Pick<CreateGraphEdgeRequest, 'sourceNodeId' | 'targetNodeId'>,
) {
  const fields: Record<string, string> = {};
  for (const field of ['sourceNodeId', 'targetNodeId'] as const) {
    if (!(await tx.graph.getNode(machineId, req[field]))) fields[field] = `is not a node of machine ${machineId}`;
  }
  const names = Object.keys(fields);
  if (names.length) {
    throw validation(`${names.join(' and ')} must name node(s) of machine ${machineId}`, fields);
  }
}

/** An edge's ends are fixed once created: a PATCH may repeat them but not change them. */
function assertEndsUnchanged(edge: GraphEdgeView, req: UpdateGraphEdgeRequest) {
  const fields: Record<string, string> = {};
  if (req.sourceNodeId !== undefined && req.sourceNodeId !== edge.sourceNodeId) fields.sourceNodeId = 'cannot change';
  if (req.targetNodeId !== undefined && req.targetNodeId !== edge.targetNodeId) fields.targetNodeId = 'cannot change';
  if (Object.keys(fields).length) {
    throw validation("an edge's ends cannot change; delete it and create another", fields);
  }
}

export function createGraphService(deps: CoreDeps) {
  const { store, config } = deps;
  const maxNodes = config.graphMaxNodes ?? DEFAULT_GRAPH_MAX_NODES;
  /** Runs `fn` in one transaction behind the machine guard, recording its events as `actor`. */
  const write = <T>(
    machineId: string,
    caller: Caller,
    fn: (tx: Repos, audit: (e: Audit) => Promise<void>) => Promise<T>,
  ) =>
    store.transaction(async (tx) => {
      await requireActiveMachine(tx, deps, machineId);
      // The machine's graph version row first, before any graph row lock (docs/database.md "The
      // graph answer cache"): writers of one machine queue here, so they cannot deadlock on it.
      await tx.graph.touchVersion(machineId);
      return fn(tx, async (e) => {
        await tx.audit.record({ actor: caller.actor, ...e });
      });
    });

  return {
    async get(machineId: string, opts: Inspect = {}): Promise<GraphView> {
      await requireActiveMachine(store, deps, machineId, opts);
      return store.graph.getGraph(machineId);
    },

    /** `get` as JSON text built by the database: REST sends it as it is (docs/database.md). */
    async getJson(machineId: string, opts: Inspect = {}): Promise<RawJson> {
      await requireActiveMachine(store, deps, machineId, opts);
      return new RawJson((await store.graph.getGraphJson(machineId)).body);
    },

    createNode(machineId: string, req: CreateGraphNodeRequest, caller: Caller): Promise<GraphNodeView> {
      return write(machineId, caller, async (tx, audit) => {
        await assertRoom(tx, machineId, maxNodes, 'node');
        const node = await tx.graph.createNode({
          machineId,
          type: req.type,
          refId: req.refId ?? null,
          title: req.title,
          status: 'draft',
          position: { x: req.position?.x ?? 0, y: req.position?.y ?? 0 },
          data: req.data ?? {},
        });
        await audit(nodeEvent('graph.node.created', node));
        return node;
      });
    },

    updateNode(machineId: string, nodeId: string, req: UpdateGraphNodeRequest, caller: Caller): Promise<GraphNodeView> {
      return write(machineId, caller, async (tx, audit) => {
        const current = await lockNode(tx, machineId, nodeId, req.expectedVersion);
        const node = await tx.graph.updateNode(nodeId, {
          ...(req.type !== undefined && { type: req.type }),
          ...(req.title !== undefined && { title: req.title }),
          ...(req.refId !== undefined && { refId: req.refId }),
          ...(req.status !== undefined && { status: req.status }),
          ...(req.position && { position: { ...current.position, ...req.position } }),
          ...(req.data && { data: mergedData(current.data, req.data) }),
        });
        const changed = changedKeys(
          current,
          node,
          Object.keys(req).filter((k) => k !== 'expectedVersion'),
        );
        await audit(nodeEvent('graph.node.updated', node, { changed }));
        return node;
      });
    },

    /**
     * Moves many nodes in one transaction (auto-layout), set-based: one lock statement, one
     * UPDATE, one read, one multi-row audit insert, whatever the number of nodes (docs/concurrency.md
     * "Graph"). Each moved node gets +1 on its version and its own `graph.node.updated` event; a node
     * already at its position is answered as it is, unchanged and unaudited. A node named twice
     * moves to its last position; the answer lists each node once, in the order first named.
     */
    moveNodes(machineId: string, req: MoveGraphNodesRequest, caller: Caller): Promise<GraphNodeView[]> {
      return write(machineId, caller, async (tx) => {
        const wanted = new Map<string, { nodeId: string; x: number; y: number }>();
        for (const p of req.positions) wanted.set(p.nodeId, p);
        const current = new Map((await tx.graph.lockNodes(machineId, [...wanted.keys()])).map((n) => [n.id, n]));
        const missing = [...wanted.keys()].find((id) => !current.has(id));
        if (missing) throw notFound('graph node', missing);
        const moves = [...wanted.values()].filter((p) => {
          const node = current.get(p.nodeId);
          return node && (node.position.x !== p.x || node.position.y !== p.y);
        });
        const moved = new Map((await tx.graph.moveNodes(machineId, moves)).map((n) => [n.id, n]));
        await tx.audit.recordMany(
          moves.flatMap((p) => {
            const node = moved.get(p.nodeId);
            return node
              ? [{ actor: caller.actor, ...nodeEvent('graph.node.updated', node, { changed: ['position'] }) }]
              : [];
          }),
        );
        return [...wanted.keys()].flatMap((id) => {
          const node = moved.get(id) ?? current.get(id);
          return node ? [node] : [];
        });
      });
    },

    /**
     * The node's row lock waits for edge inserts in flight that reference it and blocks later ones
     * (they fail their foreign key), so the edges read next are all the edges the cascade removes:
     * each gets its `graph.edge.deleted` event (context B9, docs/concurrency.md).
     */
    deleteNode(machineId: string, nodeId: string, caller: Caller, req: DeleteGraphElementRequest = {}): Promise<void> {
      return write(machineId, caller, async (tx, audit) => {
        const node = await lockNode(tx, machineId, nodeId, req.expectedVersion);
        for (const edge of await tx.graph.edgesOfNode(nodeId)) {
          await audit(edgeEvent('graph.edge.deleted', edge, { reason: `node ${nodeId} deleted` }));
        }
        await tx.graph.deleteNode(nodeId);
        await audit(nodeEvent('graph.node.deleted', node));
      });
    },

    createEdge(machineId: string, req: CreateGraphEdgeRequest, caller: Caller): Promise<GraphEdgeView> {
      return write(machineId, caller, async (tx, audit) => {
        await assertEnds(tx, machineId, req);
        await assertRoom(tx, machineId, maxNodes, 'edge');
        const edge = await tx.graph.createEdge(machineId, {
          sourceNodeId: req.sourceNodeId,
          targetNodeId: req.targetNodeId,
          type: req.type,
          ...(req.label !== undefined && { label: req.label }),
          data: req.data ?? {},
        });
        await audit(edgeEvent('graph.edge.created', edge));
        return edge;
      });
    },

    updateEdge(machineId: string, edgeId: string, req: UpdateGraphEdgeRequest, caller: Caller): Promise<GraphEdgeView> {
      return write(machineId, caller, async (tx, audit) => {
        const current = await lockEdge(tx, machineId, edgeId, req.expectedVersion);
        assertEndsUnchanged(current, req);
        const edge = await tx.graph.updateEdge(edgeId, {
          ...(req.type !== undefined && { type: req.type }),
          ...(req.label !== undefined && { label: req.label }),
          ...(req.data && { data: mergedData(current.data, req.data) }),
        });
        const changed = changedKeys(
          current,
          edge,
          ['type', 'label', 'data'].filter((k) => k in req),
        );
        await audit(edgeEvent('graph.edge.updated', edge, { changed }));
        return edge;
      });
    },

    deleteEdge(machineId: string, edgeId: string, caller: Caller, req: DeleteGraphElementRequest = {}): Promise<void> {
      return write(machineId, caller, async (tx, audit) => {
        const edge = await lockEdge(tx, machineId, edgeId, req.expectedVersion);
        await tx.graph.deleteEdge(edgeId);
        await audit(edgeEvent('graph.edge.deleted', edge));
      });
    },
  };
}
export type GraphService = ReturnType<typeof createGraphService>;
