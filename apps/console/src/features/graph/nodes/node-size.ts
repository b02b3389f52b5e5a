import { Position } from '@xyflow/react';
import type { NodeHandle } from '@xyflow/react';

/**
 * Every node has this size (`.gnode` in graph.css is fixed to it). Because it is known, nodes are
 * handed to React Flow already measured, with their handles: edges draw before a node mounts, the
 * first fit needs no measuring pass, and a node scrolled into view reports no size change (which
 * would otherwise re-sync the whole graph once per frame while panning).
 */
export const NODE_SIZE = { width: 220, height: 76 } as const;
export const DEFAULT_NODE_SIZE = NODE_SIZE;

const HANDLE = 10;
export const NODE_HANDLES: NodeHandle[] = [
  {
    type: 'target',
    position: Position.Left,
    x: -HANDLE / 2,
    y: NODE_SIZE.height / 2 - HANDLE / 2,
    width: HANDLE,
    height: HANDLE,
  },
  {
    type: 'source',
    position: Position.Right,
    x: NODE_SIZE.width - HANDLE / 2,
    y: NODE_SIZE.height / 2 - HANDLE / 2,
    width: HANDLE,
    height: HANDLE,
  },
];
