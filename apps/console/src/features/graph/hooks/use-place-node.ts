import type { ReactFlowInstance, XYPosition } from '@xyflow/react';
import type { RefObject } from 'react';
import { NODE_SIZE } from '../nodes/node-size.ts';
import { freeSpot, visibleFreeSpot } from '../to-flow.ts';
import type { GraphFlowEdge, GraphFlowNode, Rect } from '../to-flow.ts';

/** The canvas chrome a new node must not land under. */
const RESERVED = ['.react-flow__minimap', '.react-flow__controls', '.react-flow__panel'];

/**
 * Where a new node goes: a free slot in the visible part of the canvas, clear of the minimap, the
 * zoom controls and other nodes. When the view is full, the free spot nearest its centre, and the
 * view is moved to show it.
 */
export function usePlaceNode(
  rf: ReactFlowInstance<GraphFlowNode, GraphFlowEdge>,
  wrapper: RefObject<HTMLDivElement | null>,
) {
  return (): { position: XYPosition; inView: boolean } => {
    const el = wrapper.current;
    const existing = rf.getNodes().map((n) => n.position);
    if (!el) return { position: freeSpot({ x: 0, y: 0 }, existing, NODE_SIZE), inView: false };
    const toFlow = (r: DOMRect): Rect => {
      const a = rf.screenToFlowPosition({ x: r.left, y: r.top });
      const b = rf.screenToFlowPosition({ x: r.right, y: r.bottom });
      return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
    };
    const view = toFlow(el.getBoundingClientRect());
    const reserved = RESERVED.flatMap((sel) =>
      [...el.querySelectorAll(sel)].map((n) => toFlow(n.getBoundingClientRect())),
    );
    const spot = visibleFreeSpot(view, existing, reserved, NODE_SIZE);
    if (spot) return { position: spot, inView: true };
    const centre = {
      x: view.x + view.width / 2 - NODE_SIZE.width / 2,
      y: view.y + view.height / 2 - NODE_SIZE.height / 2,
    };
    return { position: freeSpot(centre, existing, NODE_SIZE), inView: false };
  };
}
