import { ViewportPortal } from '@xyflow/react';
import { memo, useEffect, useMemo, useState } from 'react';
import { EDGE_LOOK, NODE_LOOK } from '../graph-look.ts';
import { NODE_SIZE } from '../nodes/node-size.ts';
import { boundsOf } from '../to-flow.ts';
import type { GraphFlowEdge, GraphFlowNode } from '../to-flow.ts';

/** Canvas pixels per flow unit at most, and the longest canvas side. */
const MAX_SCALE = 0.25;
const MAX_SIDE = 4096;

/**
 * The whole graph as one picture, for the `overview` zoom tier (where no text is legible): every
 * node a coloured block, every edge a thin line, drawn once into a canvas that sits inside React
 * Flow's viewport, under the nodes. Panning and zooming then move one element, whatever the size of
 * the graph; the picture is redrawn only when positions, edges or the selection change. In the
 * `compact` tier of a big graph it draws the edges only, under React Flow's node cards
 * (zoom-tier.ts `edgesAsPicture`).
 */
export const OverviewLayer = memo(function OverviewLayer({
  nodes,
  edges,
  drawNodes = true,
}: {
  nodes: readonly GraphFlowNode[];
  edges: readonly GraphFlowEdge[];
  drawNodes?: boolean;
}) {
  // A state, not a ref: the viewport portal mounts the canvas a render later than this component
  // (its target is looked up in React Flow's store), and the drawing must run once it exists.
  const [canvas, setCanvas] = useState<HTMLCanvasElement | null>(null);
  const box = useMemo(
    () =>
      boundsOf(
        nodes.map((n) => n.position),
        NODE_SIZE,
      ),
    [nodes],
  );
  const scale = box ? Math.min(MAX_SCALE, MAX_SIDE / Math.max(box.width, box.height, 1)) : MAX_SCALE;

  useEffect(() => {
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !box) return;
    canvas.width = Math.max(1, Math.ceil(box.width * scale));
    canvas.height = Math.max(1, Math.ceil(box.height * scale));
    ctx.setTransform(scale, 0, 0, scale, -box.x * scale, -box.y * scale);
    const pos = new Map(nodes.map((n) => [n.id, n.position]));
    const { width: w, height: h } = NODE_SIZE;
    ctx.globalAlpha = drawNodes ? 0.35 : 0.6;
    ctx.lineWidth = 2 / scale / 2;
    // One path per colour: thousands of edges cost a handful of strokes.
    const byColor = new Map<string, GraphFlowEdge[]>();
    for (const e of edges) {
      const c = EDGE_LOOK[e.data?.edgeType ?? 'connects'].color;
      const list = byColor.get(c);
      if (list) list.push(e);
      else byColor.set(c, [e]);
    }
    for (const [color, list] of byColor) {
      ctx.strokeStyle = color;
      ctx.beginPath();
      for (const e of list) {
        const a = pos.get(e.source);
        const b = pos.get(e.target);
        if (!a || !b) continue;
        ctx.moveTo(a.x + w, a.y + h / 2);
        ctx.lineTo(b.x, b.y + h / 2);
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    if (!drawNodes) return;
    for (const n of nodes) {
      ctx.fillStyle = NODE_LOOK[n.data.nodeType].color;
      ctx.fillRect(n.position.x, n.position.y, w, h);
      if (n.selected) {
        ctx.strokeStyle = '#ffffff';
        ctx.lineWidth = 3 / scale;
        ctx.strokeRect(n.position.x, n.position.y, w, h);
      }
    }
  }, [canvas, nodes, edges, box, scale, drawNodes]);

  if (!box) return null;
  return (
    <ViewportPortal>
      <canvas
        ref={setCanvas}
        className="graph-overview"
        data-testid={drawNodes ? 'graph-overview' : 'graph-edge-picture'}
        style={{ left: box.x, top: box.y, width: box.width, height: box.height }}
      />
    </ViewportPortal>
  );
});

/** The node under a point of the flow (overview clicks); O(n), on click only. */
export function nodeAt(nodes: readonly GraphFlowNode[], p: { x: number; y: number }): GraphFlowNode | undefined {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (
      p.x >= n.position.x &&
      p.x <= n.position.x + NODE_SIZE.width &&
      p.y >= n.position.y &&
      p.y <= n.position.y + NODE_SIZE.height
    )
      return n;
  }
  return undefined;
}
