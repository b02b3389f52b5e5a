import { memo } from 'react';
import { Button } from '../../../components/ui/button.tsx';

export const GraphToolbar = memo(function GraphToolbar(p: {
  nodeCount: number;
  edgeCount: number;
  selectedCount: number;
  busy: boolean;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel: string | undefined;
  redoLabel: string | undefined;
  lastAction: string | undefined;
  failed: boolean;
  onAdd: () => void;
  onLayout: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onDelete: () => void;
  onFit: () => void;
}) {
  return (
    <div className="toolbar" data-testid="graph-toolbar">
      <Button variant="primary" size="sm" onClick={p.onAdd} data-testid="graph-add-node">
        + Add node
      </Button>
      <Button size="sm" onClick={p.onLayout} disabled={p.nodeCount === 0} data-testid="graph-auto-layout">
        Auto-layout
      </Button>
      <Button size="sm" onClick={p.onFit} data-testid="graph-fit">
        Fit view
      </Button>
      <span className="toolbar__sep" />
      <Button
        size="sm"
        onClick={p.onUndo}
        disabled={!p.canUndo}
        title={p.undoLabel ? `Undo ${p.undoLabel} (Ctrl+Z)` : 'Undo (Ctrl+Z)'}
        data-testid="graph-undo"
      >
        ↶ Undo
      </Button>
      <Button
        size="sm"
        onClick={p.onRedo}
        disabled={!p.canRedo}
        title={p.redoLabel ? `Redo ${p.redoLabel} (Ctrl+Shift+Z)` : 'Redo (Ctrl+Shift+Z)'}
        data-testid="graph-redo"
      >
        ↷ Redo
      </Button>
      <Button
        size="sm"
        variant="danger"
        onClick={p.onDelete}
        disabled={p.selectedCount === 0}
        data-testid="graph-delete"
      >
        Delete
      </Button>
      <span className="toolbar__spacer" />
      <span className="toolbar__status" data-testid="graph-save-state" data-busy={p.busy} data-failed={p.failed}>
        {p.busy ? (
          <>
            <span className="spinner spinner--inline" /> saving…
          </>
        ) : p.failed ? (
          <span className="text-red">last change failed</span>
        ) : p.lastAction ? (
          `saved · ${p.lastAction}`
        ) : (
          'all changes saved'
        )}
      </span>
      <span className="toolbar__count muted" data-testid="graph-counts">
        {p.nodeCount} nodes · {p.edgeCount} edges
      </span>
    </div>
  );
});
