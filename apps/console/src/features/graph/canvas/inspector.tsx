import type { GraphEdgeView, GraphNodeView } from '@mm/contracts';
import { memo, useCallback, useRef, useState } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import type { GraphCommand } from '../command-stack.ts';
import type { LiveStatus } from '../to-flow.ts';
import { EdgeForm } from './edge-form.tsx';
import { NodeForm } from './node-form.tsx';

export interface InspectorProps {
  /** Read-only graph (small screen, write lock): not shown, but kept mounted with its forms' state. */
  hidden: boolean;
  node: GraphNodeView | undefined;
  edge: GraphEdgeView | undefined;
  live: LiveStatus | null;
  selectedCount: number;
  titleOf: (nodeId: string) => string;
  nodeOf: ReadonlyMap<string, GraphNodeView>;
  edgeOf: ReadonlyMap<string, GraphEdgeView>;
  /** Saves a form's edit; resolves to its failure, or null once saved. */
  onSave: (c: GraphCommand) => Promise<unknown>;
  onDeleteSelection: () => void;
}

type Shown = { kind: 'node'; id: string } | { kind: 'edge'; id: string } | null;

/**
 * The side panel. When the selection moves away from a record whose form holds unsaved edits, the
 * panel keeps that form on screen and asks: save them, or discard them.
 */
export const Inspector = memo(function Inspector({
  hidden,
  node,
  edge,
  live,
  selectedCount,
  titleOf,
  nodeOf,
  edgeOf,
  onSave,
  onDeleteSelection,
}: InspectorProps) {
  const selected: Shown = node ? { kind: 'node', id: node.id } : edge ? { kind: 'edge', id: edge.id } : null;
  const [dirty, setDirty] = useState(false);
  const [pinned, setPinned] = useState<Shown>(null);
  const [prevSelected, setPrevSelected] = useState<Shown>(selected);
  const formRef = useRef<HTMLFormElement>(null);
  if (prevSelected?.id !== selected?.id) {
    // Adjusting state while rendering (React's pattern for "when a prop changes").
    setPrevSelected(selected);
    if (dirty && !pinned && prevSelected) setPinned(prevSelected);
  }
  const shown = pinned ?? selected;
  const shownNode = shown?.kind === 'node' ? (shown.id === node?.id ? node : nodeOf.get(shown.id)) : undefined;
  const shownEdge = shown?.kind === 'edge' ? (shown.id === edge?.id ? edge : edgeOf.get(shown.id)) : undefined;
  const release = useCallback(() => {
    setPinned(null);
    setDirty(false);
  }, []);
  // A pinned form that saved lets the selection through; "Save them" waits for that.
  const onSaved = useCallback(() => {
    if (pinned) release();
  }, [pinned, release]);
  const prompt =
    pinned && (shownNode || shownEdge) ? (
      <div className="notice notice--warn inspector__unsaved" data-testid="inspector-unsaved">
        <div>
          Unsaved changes to <strong>{shownNode ? shownNode.title : 'this edge'}</strong>.
        </div>
        <div className="row gap-sm">
          <Button
            size="sm"
            variant="primary"
            data-testid="inspector-unsaved-save"
            onClick={() => formRef.current?.requestSubmit()}
          >
            Save them
          </Button>
          <Button size="sm" data-testid="inspector-unsaved-discard" onClick={release}>
            Discard
          </Button>
        </div>
      </div>
    ) : null;
  return (
    <aside className="inspector" data-testid="inspector" hidden={hidden}>
      {prompt}
      {shownNode ? (
        // One form per element; it follows the server's record itself (use-versioned-form.ts).
        <NodeForm
          key={`node:${shownNode.id}`}
          node={shownNode}
          live={shownNode === node ? live : null}
          onSave={onSave}
          onSaved={onSaved}
          onDelete={onDeleteSelection}
          onDirtyChange={setDirty}
          formRef={formRef}
        />
      ) : shownEdge ? (
        <EdgeForm
          key={`edge:${shownEdge.id}`}
          edge={shownEdge}
          sourceTitle={titleOf(shownEdge.sourceNodeId)}
          targetTitle={titleOf(shownEdge.targetNodeId)}
          onSave={onSave}
          onSaved={onSaved}
          onDelete={onDeleteSelection}
          onDirtyChange={setDirty}
          formRef={formRef}
        />
      ) : selectedCount > 1 ? (
        <div className="inspector__empty">
          <div className="strong">{selectedCount} elements selected</div>
          <p className="muted small">Ctrl+C / Ctrl+V copies them with the edges between them; Delete removes them.</p>
          <Button variant="danger" onClick={onDeleteSelection} data-testid="inspector-delete">
            Delete selection
          </Button>
        </div>
      ) : (
        <div className="inspector__empty">
          <div className="strong">Nothing selected</div>
          <p className="muted small">
            Click a node or an edge to edit it. Drag from a node's right handle to another node to connect them.
          </p>
          <ul className="shortcuts">
            <li>
              <kbd>Del</kbd> delete selection
            </li>
            <li>
              <kbd>Ctrl</kbd>+<kbd>Z</kbd> undo · <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>Z</kbd> redo
            </li>
            <li>
              <kbd>Ctrl</kbd>+<kbd>C</kbd> / <kbd>Ctrl</kbd>+<kbd>V</kbd> copy and paste
            </li>
            <li>
              <kbd>Shift</kbd>+drag box-select
            </li>
          </ul>
        </div>
      )}
    </aside>
  );
});
