import { Handle, Position } from '@xyflow/react';
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { GraphFlowNode } from '../to-flow.ts';
import { NODE_LOOK } from './node-look.ts';

/**
 * One component for all twelve node types: the type picks the icon and accent colour. Memoised,
 * and it reads only primitives from `data`, so an unchanged node never re-renders.
 */
export const GraphNode = memo(function GraphNode({ data, selected }: NodeProps<GraphFlowNode>) {
  const look = NODE_LOOK[data.nodeType];
  return (
    <div className={`gnode gnode--${data.nodeType}${selected ? ' is-selected' : ''}`} data-node-type={data.nodeType}>
      <Handle type="target" position={Position.Left} className="gnode__handle" />
      <div className="gnode__icon" aria-hidden>
        {look.icon}
      </div>
      <div className="gnode__main">
        <div className="gnode__type">{look.label}</div>
        <div className="gnode__title" title={data.title}>
          {data.title}
        </div>
        <div className="gnode__meta">
          <span className={`gnode__status gnode__status--${data.status}`} data-testid="node-status">
            {data.status}
          </span>
          {data.live ? (
            <span
              className={`gnode__live gnode__live--${data.live.status}`}
              data-testid="node-live"
              title={`${data.live.kind} ${data.live.label}`}
            >
              ● {data.live.kind} {data.live.status}
            </span>
          ) : null}
        </div>
      </div>
      <Handle type="source" position={Position.Right} className="gnode__handle" />
    </div>
  );
});
