import type { EdgeType, GraphView, NodeType } from '@mm/contracts';
import { Background, BackgroundVariant, Controls, MarkerType, MiniMap, ReactFlow, useReactFlow } from '@xyflow/react';
import type { Connection, DefaultEdgeOptions, XYPosition } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorNotice } from '../../../components/ui/states.tsx';
import { useFlowElements } from '../hooks/use-flow-elements.ts';
import { useGraphCommands } from '../hooks/use-graph-commands.ts';
import { useGraphShortcuts } from '../hooks/use-graph-shortcuts.ts';
import { useLiveIndex } from '../hooks/use-live-status.ts';
import { layeredLayout } from '../layout.ts';
import { nodeTypes } from '../node-types.ts';
import { NODE_LOOK } from '../nodes/node-look.ts';
import { DEFAULT_NODE_SIZE } from '../nodes/node-size.ts';
import { copySelection, deletionOf, freeSpot, liveStatusFor, moveCommand, pasteCommand } from '../to-flow.ts';
import type { GraphCommand } from '../command-stack.ts';
import type { Clipboard, GraphFlowEdge, GraphFlowNode } from '../to-flow.ts';
import { AddNodeDialog } from './add-node-dialog.tsx';
import { EdgeDialog } from './edge-dialog.tsx';
import { GraphToolbar } from './graph-toolbar.tsx';
import { Inspector } from './inspector.tsx';

// Module-scope props: a new object per render would make React Flow re-process every element.
const DEFAULT_EDGE_OPTIONS: DefaultEdgeOptions = { markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 } };
const FIT_VIEW_OPTIONS = { padding: 0.2, maxZoom: 1.2, minZoom: 0.02 } as const;
const PRO_OPTIONS = { hideAttribution: true } as const;
const minimapColor = (n: GraphFlowNode) => NODE_LOOK[n.data.nodeType].color;
const PASTE_OFFSET = 40;

let tmpSeq = 0;
const tmpId = (kind: string) => `tmp-${kind}-${Date.now().toString(36)}-${++tmpSeq}`;

export function GraphCanvas({ machineId, graph }: { machineId: string; graph: GraphView }) {
  const rf = useReactFlow<GraphFlowNode, GraphFlowEdge>();
  const commands = useGraphCommands(machineId);
  const live = useLiveIndex(machineId, graph.nodes);
  const wrapper = useRef<HTMLDivElement>(null);
  const { nodes, setNodes, edges, onNodesChange, onEdgesChange, selection, onSelectionChange, selectAfter, graphRef } =
    useFlowElements(graph, live);

  const nodeById = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph.nodes]);
  const edgeById = useMemo(() => new Map(graph.edges.map((e) => [e.id, e])), [graph.edges]);
  const titleOf = useCallback((id: string) => nodeById.get(id)?.title ?? id, [nodeById]);

  /** Where nodes are on screen now (a drag may not be saved yet). */
  const localPositions = useCallback(
    (): Map<string, XYPosition> => new Map(rf.getNodes().map((n) => [n.id, n.position])),
    [rf],
  );

  // --- drag to move --------------------------------------------------------------------------
  const dragStart = useRef(new Map<string, XYPosition>());
  const onNodeDragStart = useCallback((_: unknown, _node: GraphFlowNode, dragged: GraphFlowNode[]) => {
    dragStart.current = new Map(dragged.map((n) => [n.id, { ...n.position }]));
  }, []);
  const { run } = commands;
  const onNodeDragStop = useCallback(
    (_: unknown, _node: GraphFlowNode, dragged: GraphFlowNode[]) => {
      const moves = dragged.flatMap((n) => {
        const from = dragStart.current.get(n.id);
        return from ? [{ id: n.id, from, to: n.position }] : [];
      });
      const cmd = moveCommand(moves);
      if (cmd) void run(cmd);
    },
    [run],
  );

  // --- connect -------------------------------------------------------------------------------
  const [pendingEdge, setPendingEdge] = useState<Connection | null>(null);
  const onConnect = useCallback((c: Connection) => setPendingEdge(c), []);
  const isValidConnection = useCallback((c: { source: string; target: string }) => c.source !== c.target, []);
  const createEdge = (type: EdgeType, label: string) => {
    if (!pendingEdge) return;
    const { source, target } = pendingEdge;
    setPendingEdge(null);
    void run({
      kind: 'create',
      label: `Connect ${titleOf(source)} → ${titleOf(target)}`,
      nodes: [],
      edges: [{ id: tmpId('e'), source, target, type, ...(label && { label }), data: {} }],
    });
  };

  // --- add -----------------------------------------------------------------------------------
  const [adding, setAdding] = useState(false);
  const addNode = (type: NodeType, title: string, refId: string) => {
    setAdding(false);
    const rect = wrapper.current?.getBoundingClientRect();
    const center = rect
      ? rf.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 })
      : { x: 0, y: 0 };
    const position = freeSpot(
      { x: center.x - DEFAULT_NODE_SIZE.width / 2, y: center.y - DEFAULT_NODE_SIZE.height / 2 },
      rf.getNodes().map((n) => n.position),
      DEFAULT_NODE_SIZE,
    );
    const id = tmpId('n');
    void run({
      kind: 'create',
      label: `Add ${title}`,
      nodes: [
        {
          id,
          type,
          title,
          refId: refId || null,
          status: 'draft',
          position,
          data: {},
        },
      ],
      edges: [],
    }).then((ids) => selectAfter(new Set([ids.resolve(id)])));
  };

  // --- delete, copy, paste ---------------------------------------------------------------------
  const deleteSelection = useCallback(() => {
    const cmd = deletionOf(new Set(selection.nodes), new Set(selection.edges), graphRef.current, localPositions());
    if (cmd) void run(cmd);
  }, [selection, run, localPositions]);

  const clipboard = useRef<{ clip: Clipboard; pastes: number } | null>(null);
  const copy = useCallback(() => {
    const clip = copySelection(new Set(selection.nodes), graphRef.current, localPositions());
    if (clip) clipboard.current = { clip, pastes: 0 };
  }, [selection, localPositions]);
  const paste = useCallback(() => {
    const cb = clipboard.current;
    if (!cb) return;
    cb.pastes += 1;
    const cmd = pasteCommand(cb.clip, PASTE_OFFSET * cb.pastes, tmpId('p'));
    void run(cmd).then((ids) => selectAfter(new Set(cmd.nodes.map((n) => ids.resolve(n.id)))));
  }, [run, selectAfter]);

  // --- layout --------------------------------------------------------------------------------
  const [layingOut, setLayingOut] = useState(false);
  // Fit once React Flow has the laid-out positions (its store syncs in an effect before ours).
  const fitAfterRender = useRef(false);
  useEffect(() => {
    if (!fitAfterRender.current) return;
    fitAfterRender.current = false;
    requestAnimationFrame(() => void rf.fitView(FIT_VIEW_OPTIONS));
  }, [nodes, rf]);
  const autoLayout = useCallback(async () => {
    const current = rf.getNodes();
    if (current.length === 0) return;
    setLayingOut(true);
    try {
      const positions = await layeredLayout(
        current.map((n) => ({ id: n.id, width: n.measured?.width, height: n.measured?.height })),
        rf.getEdges(),
      );
      const moves = current.flatMap((n) => {
        const to = positions.get(n.id);
        return to ? [{ id: n.id, from: n.position, to }] : [];
      });
      const cmd = moveCommand(moves, 'Auto-layout');
      if (!cmd) return;
      fitAfterRender.current = true;
      setNodes((ns) =>
        ns.map((n) => {
          const to = positions.get(n.id);
          return to && (to.x !== n.position.x || to.y !== n.position.y) ? { ...n, position: to } : n;
        }),
      );
      await run(cmd);
    } finally {
      setLayingOut(false);
    }
  }, [rf, run, setNodes]);

  // Stable handlers for the memoised toolbar and inspector (the canvas re-renders on every drag frame).
  const openAdd = useCallback(() => setAdding(true), []);
  const onLayout = useCallback(() => void autoLayout(), [autoLayout]);
  const { undo, redo } = commands;
  const onUndo = useCallback(() => void undo(), [undo]);
  const onRedo = useCallback(() => void redo(), [redo]);
  const onFit = useCallback(() => void rf.fitView(FIT_VIEW_OPTIONS), [rf]);
  // While the viewport moves, promote it to its own compositor layer so a pan is a translate
  // instead of a repaint of every node and edge (3x faster frames at 500 nodes, bench/graph-pan);
  // dropped when the move ends so text is rasterised crisply at the new zoom. No React state.
  const onMoveStart = useCallback(() => wrapper.current?.classList.add('is-moving'), []);
  const onMoveEnd = useCallback(() => wrapper.current?.classList.remove('is-moving'), []);
  const onCommand = useCallback((c: GraphCommand) => void run(c), [run]);

  // --- keyboard ------------------------------------------------------------------------------
  useGraphShortcuts({ deleteSelection, copy, paste, undo: commands.undo, redo: commands.redo });

  const selectedNode =
    selection.nodes.length === 1 && selection.edges.length === 0 ? nodeById.get(selection.nodes[0]!) : undefined;
  const selectedEdge =
    selection.edges.length === 1 && selection.nodes.length === 0 ? edgeById.get(selection.edges[0]!) : undefined;
  const selectedLive = useMemo(() => (selectedNode ? liveStatusFor(selectedNode, live) : null), [selectedNode, live]);

  return (
    <div className="graph-editor">
      <GraphToolbar
        nodeCount={graph.nodes.length}
        edgeCount={graph.edges.length}
        selectedCount={selection.nodes.length + selection.edges.length}
        busy={commands.busy || layingOut}
        canUndo={commands.canUndo}
        canRedo={commands.canRedo}
        undoLabel={commands.undoLabel}
        redoLabel={commands.redoLabel}
        lastAction={commands.lastAction}
        failed={Boolean(commands.error)}
        onAdd={openAdd}
        onLayout={onLayout}
        onUndo={onUndo}
        onRedo={onRedo}
        onDelete={deleteSelection}
        onFit={onFit}
      />
      {commands.error ? (
        <div className="graph-editor__error">
          <ErrorNotice
            error={commands.error}
            title="The last edit failed; the graph shows what the server has."
            testId="graph-command-error"
          />
          <button type="button" className="btn btn--ghost btn--sm" onClick={commands.clearError}>
            Dismiss
          </button>
        </div>
      ) : null}
      <div className="graph-editor__body">
        <div className="graph-editor__canvas" ref={wrapper} data-testid="graph-canvas">
          <ReactFlow<GraphFlowNode, GraphFlowEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onSelectionChange={onSelectionChange}
            onNodeDragStart={onNodeDragStart}
            onNodeDragStop={onNodeDragStop}
            onConnect={onConnect}
            isValidConnection={isValidConnection}
            defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
            deleteKeyCode={null}
            onlyRenderVisibleElements
            onMoveStart={onMoveStart}
            onMoveEnd={onMoveEnd}
            fitView
            fitViewOptions={FIT_VIEW_OPTIONS}
            minZoom={0.02}
            proOptions={PRO_OPTIONS}
            colorMode="dark"
          >
            <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
            <MiniMap<GraphFlowNode> nodeColor={minimapColor} pannable zoomable />
            <Controls />
          </ReactFlow>
          {graph.nodes.length === 0 ? (
            <div className="graph-editor__empty" data-testid="graph-empty">
              <div className="strong">This graph is empty</div>
              <p className="muted">Add the machine, its skills, policies and tasks, then connect them.</p>
              <button type="button" className="btn btn--primary" onClick={openAdd}>
                Add the first node
              </button>
            </div>
          ) : null}
        </div>
        <Inspector
          node={selectedNode}
          edge={selectedEdge}
          live={selectedLive}
          selectedCount={selection.nodes.length + selection.edges.length}
          titleOf={titleOf}
          onCommand={onCommand}
          onDeleteSelection={deleteSelection}
        />
      </div>
      {adding ? <AddNodeDialog onClose={() => setAdding(false)} onAdd={addNode} /> : null}
      {pendingEdge ? (
        <EdgeDialog
          sourceTitle={titleOf(pendingEdge.source)}
          targetTitle={titleOf(pendingEdge.target)}
          onClose={() => setPendingEdge(null)}
          onCreate={createEdge}
        />
      ) : null}
    </div>
  );
}
