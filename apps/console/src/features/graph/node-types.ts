import { NODE_TYPES } from '@mm/contracts';
import type { NodeTypes } from '@xyflow/react';
import { GraphNode } from './nodes/graph-node.tsx';

/**
 * Built once at module scope: React Flow re-mounts every node when this object's identity
 * changes, so it must never be created during render.
 */
export const nodeTypes: NodeTypes = Object.fromEntries(NODE_TYPES.map((t) => [t, GraphNode]));
