import { BaseEdge, EdgeLabelRenderer, getBezierPath, getStraightPath } from '@xyflow/react';
import type { EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { EDGE_LOOK } from '../graph-look.ts';
import type { GraphFlowEdge } from '../to-flow.ts';
import { useZoomTier } from '../zoom-context.ts';

/**
 * One edge component for every edge type: the type picks colour and dash (graph-look.ts). The label
 * is drawn only when it is legible (the `full` zoom tier), as HTML rather than SVG text, so it needs
 * no measuring; zoomed right out an edge is a straight line without an arrow head.
 */
export const GraphEdge = memo(function GraphEdge(p: EdgeProps<GraphFlowEdge>) {
  const tier = useZoomTier();
  const type = p.data?.edgeType ?? 'connects';
  const look = EDGE_LOOK[type];
  const [path, labelX, labelY] =
    tier === 'overview'
      ? getStraightPath({ sourceX: p.sourceX, sourceY: p.sourceY, targetX: p.targetX, targetY: p.targetY })
      : getBezierPath(p);
  const style = {
    stroke: p.selected ? '#8fb4ff' : look.color,
    strokeWidth: p.selected ? 2.6 : 1.6,
    ...(look.dash && tier !== 'overview' && { strokeDasharray: look.dash }),
  };
  const label = typeof p.label === 'string' ? p.label : type;
  return (
    <>
      <BaseEdge
        id={p.id}
        path={path}
        style={style}
        {...(tier !== 'overview' && p.markerEnd && { markerEnd: p.markerEnd })}
        interactionWidth={tier === 'overview' ? 0 : 16}
      />
      {tier === 'full' ? (
        <EdgeLabelRenderer>
          <div
            className={`gedge-label${p.selected ? ' is-selected' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`, color: look.color }}
            data-testid="edge-label"
            data-edge-id={p.id}
          >
            {label}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
});
