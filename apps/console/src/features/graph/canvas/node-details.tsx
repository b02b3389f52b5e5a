import type { GraphEdgeView, GraphNodeView } from '@mm/contracts';
import { memo } from 'react';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatDateTime, prettyJson } from '../../../lib/format.ts';
import { cssVar, EDGE_LOOK, NODE_LOOK } from '../graph-look.ts';
import type { LiveStatus } from '../to-flow.ts';

/**
 * What the read-only graph (small screens) shows of the selected node or edge: a sheet over the
 * bottom of the canvas, since there is no room for the side panel. Nothing in it edits.
 */
export const NodeDetails = memo(function NodeDetails({
  node,
  edge,
  live,
  titleOf,
  connections,
  onClose,
}: {
  node: GraphNodeView | undefined;
  edge: GraphEdgeView | undefined;
  live: LiveStatus | null;
  titleOf: (id: string) => string;
  /** Edges touching the node. */
  connections: number;
  onClose: () => void;
}) {
  if (!node && !edge) return null;
  const data = node ? node.data : (edge?.data ?? {});
  return (
    <section className="graph-details" data-testid="graph-details" aria-label="Selected element">
      <div className="graph-details__head">
        {node ? (
          <>
            <span className="inspector__icon" style={cssVar('--node', NODE_LOOK[node.type].color)}>
              {NODE_LOOK[node.type].icon}
            </span>
            <div className="graph-details__title">
              <div className="muted small">{NODE_LOOK[node.type].label}</div>
              <div className="strong" data-testid="graph-details-title">
                {node.title}
              </div>
            </div>
            <StatusBadge status={node.status} />
          </>
        ) : edge ? (
          <>
            <span className="inspector__icon" style={cssVar('--node', EDGE_LOOK[edge.type].color)}>
              →
            </span>
            <div className="graph-details__title">
              <div className="muted small">
                {edge.type}
                {edge.label ? ` · ${edge.label}` : ''}
              </div>
              <div className="strong" data-testid="graph-details-title">
                {titleOf(edge.sourceNodeId)} → {titleOf(edge.targetNodeId)}
              </div>
            </div>
          </>
        ) : null}
        <button type="button" className="toast__close" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </div>
      {node ? (
        <div className="muted small">
          {connections} connection{connections === 1 ? '' : 's'}
          {node.refId ? (
            <>
              {' '}
              · ref <span className="mono">{node.refId}</span>
            </>
          ) : null}
        </div>
      ) : null}
      {live ? (
        <div className="row gap small">
          live {live.kind} <span className="mono">{live.label}</span> <StatusBadge status={live.status} />
        </div>
      ) : null}
      {Object.keys(data).length ? <pre className="graph-details__data mono small">{prettyJson(data)}</pre> : null}
      <div className="muted small">
        version {(node ?? edge)!.version} · updated {formatDateTime((node ?? edge)!.updatedAt)} · editing needs a wider
        screen
      </div>
    </section>
  );
});
