import type {
  CreateGraphEdgeRequest,
  CreateGraphNodeRequest,
  GraphEdgeView,
  GraphNodeView,
  GraphView,
  MoveGraphNodesRequest,
  UpdateGraphEdgeRequest,
  UpdateGraphNodeRequest,
} from '@mm/contracts';
import type { Caller, CoreDeps } from '../deps.ts';
import { notFound, validation } from '../errors.ts';
import { changedKeys, shallowMerge } from '../lib/views.ts';
import type { AuditInput, Repos } from '../ports.ts';
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

async function requireNode(tx: Repos, machineId: string, nodeId: string): Promise<GraphNodeView> {
  const node = await tx.graph.getNode(machineId, nodeId);
  if (!node) throw notFound('graph node', nodeId);
  return node;
}

async function requireEdge(tx: Repos, machineId: string, edgeId: string): Promise<GraphEdgeView> {
  const edge = await tx.graph.getEdge(machineId, edgeId);
  if (!edge) throw notFound('graph edge', edgeId);
  return edge;
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

export function createGraphService({ store, config }: CoreDeps) {
  /** Runs `fn` in one transaction behind the machine guard, recording its events as `actor`. */
  const write = <T>(
    machineId: string,
    caller: Caller,
    fn: (tx: Repos, audit: (e: Audit) => Promise<void>) => Promise<T>,
  ) =>
    store.transaction(async (tx) => {
      await requireActiveMachine(tx, config, machineId);
      return fn(tx, async (e) => {
        await tx.audit.record({ actor: caller.actor, ...e });
      });
    });

  return {
    async get(machineId: string): Promise<GraphView> {
      await requireActiveMachine(store, config, machineId);
      return store.graph.getGraph(machineId);
    },

    createNode(machineId: string, req: CreateGraphNodeRequest, caller: Caller): Promise<GraphNodeView> {
      return write(machineId, caller, async (tx, audit) => {
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
        const current = await requireNode(tx, machineId, nodeId);
        const node = await tx.graph.updateNode(nodeId, {
          ...(req.type !== undefined && { type: req.type }),
          ...(req.title !== undefined && { title: req.title }),
          ...(req.refId !== undefined && { refId: req.refId }),
          ...(req.status !== undefined && { status: req.status }),
          ...(req.position && { position: { ...current.position, ...req.position } }),
          ...(req.data && { data: shallowMerge(current.data, req.data) }),
        });
        const changed = changedKeys(current, node, Object.keys(req));
        await audit(nodeEvent('graph.node.updated', node, { changed }));
        return node;
      });
    },

    /** Moves many nodes in one transaction (auto-layout); one `graph.node.updated` per moved node. */
    moveNodes(machineId: string, req: MoveGraphNodesRequest, caller: Caller): Promise<GraphNodeView[]> {
      return write(machineId, caller, async (tx, audit) => {
        const moved: GraphNodeView[] = [];
        for (const { nodeId, x, y } of req.positions) {
          const current = await requireNode(tx, machineId, nodeId);
          if (current.position.x === x && current.position.y === y) {
            moved.push(current);
            continue;
          }
          const node = await tx.graph.updateNode(nodeId, { position: { x, y } });
          await audit(nodeEvent('graph.node.updated', node, { changed: ['position'] }));
          moved.push(node);
        }
        return moved;
      });
    },

    /** A node's edges go first, each with its own event, then the node. */
    deleteNode(machineId: string, nodeId: string, caller: Caller): Promise<void> {
      return write(machineId, caller, async (tx, audit) => {
        const node = await requireNode(tx, machineId, nodeId);
        for (const edge of await tx.graph.edgesOfNode(nodeId)) {
          await tx.graph.deleteEdge(edge.id);
          await audit(edgeEvent('graph.edge.deleted', edge, { reason: `node ${nodeId} deleted` }));
        }
        await tx.graph.deleteNode(nodeId);
        await audit(nodeEvent('graph.node.deleted', node));
      });
    },

    createEdge(machineId: string, req: CreateGraphEdgeRequest, caller: Caller): Promise<GraphEdgeView> {
      return write(machineId, caller, async (tx, audit) => {
        await assertEnds(tx, machineId, req);
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
        const current = await requireEdge(tx, machineId, edgeId);
        assertEndsUnchanged(current, req);
        const edge = await tx.graph.updateEdge(edgeId, {
          ...(req.type !== undefined && { type: req.type }),
          ...(req.label !== undefined && { label: req.label }),
          ...(req.data && { data: shallowMerge(current.data, req.data) }),
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

    deleteEdge(machineId: string, edgeId: string, caller: Caller): Promise<void> {
      return write(machineId, caller, async (tx, audit) => {
        const edge = await requireEdge(tx, machineId, edgeId);
        await tx.graph.deleteEdge(edgeId);
        await audit(edgeEvent('graph.edge.deleted', edge));
      });
    },
  };
}
export type GraphService = ReturnType<typeof createGraphService>;
