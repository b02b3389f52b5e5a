import { NODE_TYPES } from '@mm/contracts';
import type { EdgeTypes, NodeTypes } from '@xyflow/react';
import { GraphEdge } from './edges/graph-edge.tsx';
import { GraphNode } from './nodes/graph-node.tsx';

/**
 * Built once at module scope: React Flow re-mounts every node when this object's identity
 * changes, so it must never be created during render.
 */
export const nodeTypes: NodeTypes = Object.fromEntries(NODE_TYPES.map((t) => [t, GraphNode]));
export const edgeTypes: EdgeTypes = { graph: GraphEdge };
