import { Handle, Position } from '@xyflow/react';
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { toneOf } from '../../../components/ui/status-badge.tsx';
import { cssVar, NODE_LOOK } from '../graph-look.ts';
import type { GraphFlowNode } from '../to-flow.ts';
import { useZoomTier } from '../zoom-context.ts';

/**
 * One component for all twelve node types: the type picks the icon and accent colour. Memoised,
 * and it reads only primitives from `data`, so an unchanged node never re-renders; a zoom tier
 * change re-renders only the nodes on screen. Zoomed out it draws less (see zoom-tier.ts).
 */
export const GraphNode = memo(function GraphNode({ data, selected }: NodeProps<GraphFlowNode>) {
  const look = NODE_LOOK[data.nodeType];
  const tier = useZoomTier();
  const cls = `gnode gnode--${data.nodeType} gnode--${tier}${selected ? ' is-selected' : ''}${data.highlighted ? ' is-match' : ''}`;
  return (
    <div className={cls} data-node-type={data.nodeType} style={cssVar('--node', look.color)}>
      <Handle type="target" position={Position.Left} className="gnode__handle" />
      {tier === 'overview' ? (
        <div className="gnode__block">{data.title}</div>
      ) : (
        <>
          <div className="gnode__icon" aria-hidden>
            {look.icon}
          </div>
          <div className="gnode__main">
            <div className="gnode__type">{look.label}</div>
            <div className="gnode__title" title={data.title}>
              {data.title}
            </div>
            {tier === 'full' ? (
              <div className="gnode__meta">
                <span className={`gnode__status gnode__chip--${toneOf(data.status)}`} data-testid="node-status">
                  {data.status}
                </span>
                {data.live ? (
                  <span
                    className={`gnode__live gnode__chip--${toneOf(data.live.status)}`}
                    data-testid="node-live"
                    title={`${data.live.kind} ${data.live.label}`}
                  >
                    ● {data.live.kind} {data.live.status}
                  </span>
                ) : null}
              </div>
            ) : null}
          </div>
        </>
      )}
      <Handle type="source" position={Position.Right} className="gnode__handle" />
    </div>
  );
});
