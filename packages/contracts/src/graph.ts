import { z } from 'zod';
import { LIMITS, nonEmpty, str, zId, zJsonObject, zTimestamp } from './common.ts';

export const NODE_TYPES = [
  'machine',
  'trigger',
  'skill',
  'task',
  'policy',
  'discovery',
  'storage',
  'memory',
  'handoff',
  'route',
  'outcome',
  'catalog-entry',
] as const;
export const zNodeType = z.enum(NODE_TYPES);
export type NodeType = z.infer<typeof zNodeType>;

export const EDGE_TYPES = [
  'connects',
  'request',
  'discover',
  'constrain',
  'candidate',
  'route',
  'result',
  'route-select',
  'route-source',
  'execute',
  'handoff',
  'receipt',
  'sync',
  'allow',
  'deny',
] as const;
export const zEdgeType = z.enum(EDGE_TYPES);
export type EdgeType = z.infer<typeof zEdgeType>;

export const NODE_STATUSES = ['draft', 'active', 'blocked', 'degraded'] as const;
export const zNodeStatus = z.enum(NODE_STATUSES);
export type NodeStatus = z.infer<typeof zNodeStatus>;

/**
 * Optimistic concurrency (docs/concurrency.md): a write that names the version it read is applied
 * only while the record still has it; otherwise 409 VERSION_CONFLICT with the current record.
 */
export const zExpectedVersion = z
  .number({ message: 'must be a number' })
  .int('must be an integer')
  .min(1, 'must be at least 1')
  .max(2_147_483_647, 'must be at most 2147483647');

const zCoord = z.number({ message: 'must be a number' }).finite().min(-1e7).max(1e7);

export const zCreateGraphNodeRequest = z.object({
  type: zNodeType,
  title: nonEmpty(LIMITS.title),
  refId: str(LIMITS.id).nullable().optional(),
  position: z.object({ x: zCoord.optional(), y: zCoord.optional() }).optional(),
  data: zJsonObject.optional(),
});
export type CreateGraphNodeRequest = z.infer<typeof zCreateGraphNodeRequest>;

export const zUpdateGraphNodeRequest = z.object({
  type: zNodeType.optional(),
  title: nonEmpty(LIMITS.title).optional(),
  refId: str(LIMITS.id).nullable().optional(),
  status: zNodeStatus.optional(),
  position: z.object({ x: zCoord.optional(), y: zCoord.optional() }).optional(),
  data: zJsonObject.optional(),
  expectedVersion: zExpectedVersion.optional(),
});
export type UpdateGraphNodeRequest = z.infer<typeof zUpdateGraphNodeRequest>;

/** Ours: move many nodes in one call (auto-layout, multi-select drag); each move is audited. */
export const zMoveGraphNodesRequest = z.object({
  positions: z
    .array(z.object({ nodeId: zId, x: zCoord, y: zCoord }))
    .min(1, 'must move at least one node')
    .max(1000, 'must move at most 1000 nodes'),
});
export type MoveGraphNodesRequest = z.infer<typeof zMoveGraphNodesRequest>;

export const zCreateGraphEdgeRequest = z.object({
  sourceNodeId: zId,
  targetNodeId: zId,
  type: zEdgeType,
  label: str(LIMITS.title).optional(),
  data: zJsonObject.optional(),
});
export type CreateGraphEdgeRequest = z.infer<typeof zCreateGraphEdgeRequest>;

export const zUpdateGraphEdgeRequest = z.object({
  type: zEdgeType.optional(),
  label: str(LIMITS.title).nullable().optional(),
  data: zJsonObject.optional(),
  /** An edge's ends cannot change (context B9): accepted only when equal to the current ends. */
  sourceNodeId: zId.optional(),
  targetNodeId: zId.optional(),
  expectedVersion: zExpectedVersion.optional(),
});
export type UpdateGraphEdgeRequest = z.infer<typeof zUpdateGraphEdgeRequest>;

/**
 * An edge PATCH as the OpenAPI document advertises it: without `sourceNodeId`/`targetNodeId`, which
 * the server tolerates only when unchanged (context B9; docs/api.md "OpenAPI document").
 */
export const zUpdateGraphEdgeDocumented = zUpdateGraphEdgeRequest.omit({ sourceNodeId: true, targetNodeId: true });

/** DELETE of a node or an edge may name the version it read (body field; REST also `If-Match`). */
export const zDeleteGraphElementRequest = z.object({ expectedVersion: zExpectedVersion.optional() });
export type DeleteGraphElementRequest = z.infer<typeof zDeleteGraphElementRequest>;

export const zGraphNodeView = z.object({
  id: z.string(),
  machineId: z.string(),
  type: zNodeType,
  refId: z.string().nullable().optional(),
  title: z.string(),
  status: zNodeStatus,
  position: z.object({ x: z.number(), y: z.number() }),
  data: z.record(z.string(), z.unknown()),
  version: z.number().int(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type GraphNodeView = z.infer<typeof zGraphNodeView>;

export const zGraphEdgeView = z.object({
  id: z.string(),
  machineId: z.string(),
  sourceNodeId: z.string(),
  targetNodeId: z.string(),
  type: zEdgeType,
  label: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  version: z.number().int(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type GraphEdgeView = z.infer<typeof zGraphEdgeView>;

export const zGraphView = z.object({ nodes: z.array(zGraphNodeView), edges: z.array(zGraphEdgeView) });
export type GraphView = z.infer<typeof zGraphView>;

export const zNodeParams = z.object({ machineId: zId, nodeId: zId });
export const zEdgeParams = z.object({ machineId: zId, edgeId: zId });
