import type { GraphNodeView } from '@mm/contracts';
import { memo } from 'react';
import type { RefObject } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import type { LayoutState } from '../hooks/use-auto-layout.ts';
import { progressText } from '../layout-save.ts';
import { NodeSearch } from './node-search.tsx';

function SaveState(p: { busy: boolean; layout: LayoutState; failed: boolean; lastAction: string | undefined }) {
  const { layout } = p;
  const busy = p.busy || layout.phase !== 'idle';
  return (
    <span
      className="toolbar__status"
      data-testid="graph-save-state"
      data-busy={busy}
      data-failed={p.failed}
      data-phase={layout.phase}
    >
      {layout.phase === 'laying-out' ? (
        <>
          <span className="spinner spinner--inline" /> laying out {layout.total.toLocaleString('en')} nodes…
        </>
      ) : layout.phase === 'saving' ? (
        <>
          <span className="spinner spinner--inline" /> saving {progressText(layout.done, layout.total)}
          <progress className="toolbar__progress" max={layout.total} value={layout.done} />
        </>
      ) : p.busy ? (
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
  );
}

export const GraphToolbar = memo(function GraphToolbar({
  searchRef,
  ...p
}: {
  nodeCount: number;
  edgeCount: number;
  selectedCount: number;
  busy: boolean;
  layout: LayoutState;
  readOnly: boolean;
  /** Shown in place of the editing buttons when `readOnly`. */
  readOnlyReason: string;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel: string | undefined;
  redoLabel: string | undefined;
  lastAction: string | undefined;
  failed: boolean;
  onAdd: () => void;
  onLayout: () => void;
  onCancelLayout: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onDelete: () => void;
  onFit: () => void;
  searchNodes: readonly GraphNodeView[];
  onPickNode: (id: string) => void;
  searchRef: RefObject<HTMLInputElement | null>;
}) {
  const layingOut = p.layout.phase !== 'idle';
  return (
    <div className="toolbar" data-testid="graph-toolbar">
      {p.readOnly ? (
        <span className="toolbar__readonly muted small" data-testid="graph-read-only">
          {p.readOnlyReason}
        </span>
      ) : (
        <>
          <Button variant="primary" size="sm" onClick={p.onAdd} data-testid="graph-add-node">
            + Add node
          </Button>
          {layingOut ? (
            <Button size="sm" variant="danger" onClick={p.onCancelLayout} data-testid="graph-cancel-layout">
              Cancel layout
            </Button>
          ) : (
            <Button size="sm" onClick={p.onLayout} disabled={p.nodeCount === 0} data-testid="graph-auto-layout">
              Auto-layout
            </Button>
          )}
        </>
      )}
      <Button size="sm" onClick={p.onFit} data-testid="graph-fit">
        Fit view
      </Button>
      {p.readOnly ? null : (
        <>
          <span className="toolbar__sep" />
          <Button
            size="sm"
            onClick={p.onUndo}
            disabled={!p.canUndo || layingOut}
            title={p.undoLabel ? `Undo ${p.undoLabel} (Ctrl+Z)` : 'Undo (Ctrl+Z)'}
            data-testid="graph-undo"
          >
            ↶ Undo
          </Button>
          <Button
            size="sm"
            onClick={p.onRedo}
            disabled={!p.canRedo || layingOut}
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
        </>
      )}
      <NodeSearch ref={searchRef} nodes={p.searchNodes} onPick={p.onPickNode} />
      <span className="toolbar__spacer" />
      <SaveState busy={p.busy} layout={p.layout} failed={p.failed} lastAction={p.lastAction} />
      <span className="toolbar__count muted" data-testid="graph-counts">
        {p.nodeCount.toLocaleString('en')} nodes · {p.edgeCount.toLocaleString('en')} edges
      </span>
    </div>
  );
});
