import { EDGE_TYPES, NODE_STATUSES, NODE_TYPES } from '@mm/contracts';
import type { EdgeType, GraphEdgeView, GraphNodeView, NodeStatus, NodeType } from '@mm/contracts';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent, RefObject } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatDateTime, parseJsonObject, prettyJson } from '../../../lib/format.ts';
import type { EdgePatch, GraphCommand, NodePatch } from '../command-stack.ts';
import { cssVar, EDGE_LOOK, NODE_LOOK } from '../graph-look.ts';
import { dataPatches } from '../to-flow.ts';
import type { LiveStatus } from '../to-flow.ts';

function useJsonField(initial: Record<string, unknown>) {
  const [initialText] = useState(() => prettyJson(initial));
  const [text, setText] = useState(initialText);
  const parsed = useMemo(() => parseJsonObject(text), [text]);
  return { text, setText, parsed, changed: text !== initialText };
}

/** Tells the inspector whether the form holds edits that are not saved. */
function useReportDirty(dirty: boolean, onDirtyChange: (dirty: boolean) => void) {
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
  useEffect(() => () => onDirtyChange(false), [onDirtyChange]);
}

interface FormProps {
  onCommand: (c: GraphCommand) => void;
  onDelete: () => void;
  onDirtyChange: (dirty: boolean) => void;
  formRef: RefObject<HTMLFormElement | null>;
}

function NodeInspector({
  node,
  live,
  onCommand,
  onDelete,
  onDirtyChange,
  formRef,
}: FormProps & { node: GraphNodeView; live: LiveStatus | null }) {
  const [title, setTitle] = useState(node.title);
  const [type, setType] = useState<NodeType>(node.type);
  const [status, setStatus] = useState<NodeStatus>(node.status);
  const [refId, setRefId] = useState(node.refId ?? '');
  const data = useJsonField(node.data);
  useReportDirty(
    title !== node.title ||
      type !== node.type ||
      status !== node.status ||
      refId !== (node.refId ?? '') ||
      data.changed,
    onDirtyChange,
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!data.parsed.ok || !title.trim()) return;
    const before: NodePatch = {};
    const after: NodePatch = {};
    if (title.trim() !== node.title) [before.title, after.title] = [node.title, title.trim()];
    if (type !== node.type) [before.type, after.type] = [node.type, type];
    if (status !== node.status) [before.status, after.status] = [node.status, status];
    const nextRef = refId.trim() || null;
    if (nextRef !== (node.refId ?? null)) [before.refId, after.refId] = [node.refId ?? null, nextRef];
    const dp = dataPatches(node.data, data.parsed.value);
    if (dp) [before.data, after.data] = [dp.backward, dp.forward];
    if (Object.keys(after).length === 0) return;
    onCommand({ kind: 'update', label: `Edit ${node.title}`, nodes: [{ id: node.id, before, after }], edges: [] });
  };

  return (
    <form className="form inspector__form" onSubmit={submit} ref={formRef}>
      <div className="inspector__kind">
        <span className="inspector__icon" style={cssVar('--node', NODE_LOOK[node.type].color)}>
          {NODE_LOOK[node.type].icon}
        </span>
        <div>
          <div className="strong">{NODE_LOOK[node.type].label}</div>
          <div className="mono small muted" data-testid="inspector-id">
            {node.id}
          </div>
        </div>
      </div>
      {live ? (
        <div className="row gap small">
          live {live.kind} <span className="mono">{live.label}</span> <StatusBadge status={live.status} />
        </div>
      ) : null}
      <Field label="Title" error={title.trim() ? undefined : 'must not be empty'}>
        <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="inspector-title" />
      </Field>
      <div className="form__grid form__grid--2">
        <Field label="Type">
          <select value={type} onChange={(e) => setType(e.target.value as NodeType)} data-testid="inspector-type">
            {NODE_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field label="Status">
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as NodeStatus)}
            data-testid="inspector-status"
          >
            {NODE_STATUSES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="Reference id" hint="task, run or endpoint id for live status">
        <input value={refId} onChange={(e) => setRefId(e.target.value)} data-testid="inspector-ref" />
      </Field>
      <Field
        label="Data (JSON object)"
        error={data.parsed.ok ? undefined : data.parsed.error}
        hint="merged into the stored data; removed keys are set to null"
      >
        <textarea
          className="code-input"
          rows={8}
          value={data.text}
          onChange={(e) => data.setText(e.target.value)}
          spellCheck={false}
          data-testid="inspector-data"
        />
      </Field>
      <div className="muted small">updated {formatDateTime(node.updatedAt)}</div>
      <div className="form__actions">
        <Button variant="danger" onClick={onDelete} data-testid="inspector-delete">
          Delete node
        </Button>
        <Button
          type="submit"
          variant="primary"
          disabled={!data.parsed.ok || !title.trim()}
          data-testid="inspector-save"
        >
          Save
        </Button>
      </div>
    </form>
  );
}

function EdgeInspector({
  edge,
  sourceTitle,
  targetTitle,
  onCommand,
  onDelete,
  onDirtyChange,
  formRef,
}: FormProps & { edge: GraphEdgeView; sourceTitle: string; targetTitle: string }) {
  const [type, setType] = useState<EdgeType>(edge.type);
  const [label, setLabel] = useState(edge.label ?? '');
  const data = useJsonField(edge.data);
  useReportDirty(type !== edge.type || label !== (edge.label ?? '') || data.changed, onDirtyChange);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!data.parsed.ok) return;
    const before: EdgePatch = {};
    const after: EdgePatch = {};
    if (type !== edge.type) [before.type, after.type] = [edge.type, type];
    const nextLabel = label.trim() || null;
    if (nextLabel !== (edge.label ?? null)) [before.label, after.label] = [edge.label ?? null, nextLabel];
    const dp = dataPatches(edge.data, data.parsed.value);
    if (dp) [before.data, after.data] = [dp.backward, dp.forward];
    if (Object.keys(after).length === 0) return;
    onCommand({
      kind: 'update',
      label: `Edit edge ${edge.label ?? edge.type}`,
      nodes: [],
      edges: [{ id: edge.id, before, after }],
    });
  };
  return (
    <form className="form inspector__form" onSubmit={submit} ref={formRef}>
      <div className="inspector__kind">
        <span className="inspector__icon" style={cssVar('--node', EDGE_LOOK[edge.type].color)}>
          →
        </span>
        <div>
          <div className="strong">
            {sourceTitle} → {targetTitle}
          </div>
          <div className="mono small muted" data-testid="inspector-id">
            {edge.id}
          </div>
        </div>
      </div>
      <Field label="Type">
        <select value={type} onChange={(e) => setType(e.target.value as EdgeType)} data-testid="inspector-edge-type">
          {EDGE_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </Field>
      <Field label="Label">
        <input value={label} onChange={(e) => setLabel(e.target.value)} data-testid="inspector-edge-label" />
      </Field>
      <Field label="Data (JSON object)" error={data.parsed.ok ? undefined : data.parsed.error}>
        <textarea
          className="code-input"
          rows={6}
          value={data.text}
          onChange={(e) => data.setText(e.target.value)}
          spellCheck={false}
          data-testid="inspector-data"
        />
      </Field>
      <div className="form__actions">
        <Button variant="danger" onClick={onDelete} data-testid="inspector-delete">
          Delete edge
        </Button>
        <Button type="submit" variant="primary" disabled={!data.parsed.ok} data-testid="inspector-save">
          Save
        </Button>
      </div>
    </form>
  );
}

export interface InspectorProps {
  node: GraphNodeView | undefined;
  edge: GraphEdgeView | undefined;
  live: LiveStatus | null;
  selectedCount: number;
  titleOf: (nodeId: string) => string;
  nodeOf: ReadonlyMap<string, GraphNodeView>;
  edgeOf: ReadonlyMap<string, GraphEdgeView>;
  onCommand: (c: GraphCommand) => void;
  onDeleteSelection: () => void;
}

type Shown = { kind: 'node'; id: string } | { kind: 'edge'; id: string } | null;

/**
 * The side panel. When the selection moves away from a record whose form holds unsaved edits, the
 * panel keeps that form on screen and asks: save them, or discard them.
 */
export const Inspector = memo(function Inspector({
  node,
  edge,
  live,
  selectedCount,
  titleOf,
  nodeOf,
  edgeOf,
  onCommand,
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
  const release = () => {
    setPinned(null);
    setDirty(false);
  };
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
            onClick={() => {
              formRef.current?.requestSubmit();
              release();
            }}
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
    <aside className="inspector" data-testid="inspector">
      {prompt}
      {shownNode ? (
        // Re-keyed on every server change so the form shows what is stored.
        <NodeInspector
          key={`${shownNode.id}:${shownNode.updatedAt}`}
          node={shownNode}
          live={shownNode === node ? live : null}
          onCommand={onCommand}
          onDelete={onDeleteSelection}
          onDirtyChange={setDirty}
          formRef={formRef}
        />
      ) : shownEdge ? (
        <EdgeInspector
          key={`${shownEdge.id}:${shownEdge.updatedAt}`}
          edge={shownEdge}
          sourceTitle={titleOf(shownEdge.sourceNodeId)}
          targetTitle={titleOf(shownEdge.targetNodeId)}
          onCommand={onCommand}
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
