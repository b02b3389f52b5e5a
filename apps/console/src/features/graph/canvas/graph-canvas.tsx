import type { GraphView, NodeType } from '@mm/contracts';
import {
  Background,
  BackgroundVariant,
  Controls,
  getViewportForBounds,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import type { ReactFlowState, Viewport, XYPosition } from '@xyflow/react';
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ErrorNotice } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { useSmallScreen } from '../../../components/ui/use-media-query.ts';
import { useWriteLock } from '../../machines/hooks/use-write-lock.ts';
import type { GraphCommand } from '../command-stack.ts';
import { NODE_LOOK } from '../graph-look.ts';
import { useAutoLayout } from '../hooks/use-auto-layout.ts';
import { useClipboard } from '../hooks/use-clipboard.ts';
import { useConnect } from '../hooks/use-connect.ts';
import { useFlowElements } from '../hooks/use-flow-elements.ts';
import { useGraphCommands } from '../hooks/use-graph-commands.ts';
import { useGraphShortcuts } from '../hooks/use-graph-shortcuts.ts';
import { useLiveIndex } from '../hooks/use-live-status.ts';
import { useNodeDrag } from '../hooks/use-node-drag.ts';
import { usePlaceNode } from '../hooks/use-place-node.ts';
import { tmpId } from '../hooks/tmp-id.ts';
import { edgeTypes, nodeTypes } from '../node-types.ts';
import { NODE_SIZE } from '../nodes/node-size.ts';
import { boundsOf, deletionOf, liveStatusFor, selectOnly } from '../to-flow.ts';
import type { GraphFlowEdge, GraphFlowNode } from '../to-flow.ts';
import { ZoomTierContext } from '../zoom-context.ts';
import { edgesAsPicture, zoomTierOf } from '../zoom-tier.ts';
import { AddNodeDialog } from './add-node-dialog.tsx';
import { EdgeDialog } from './edge-dialog.tsx';
import { GraphToolbar } from './graph-toolbar.tsx';
import { Inspector } from './inspector.tsx';
import { NodeDetails } from './node-details.tsx';
import { nodeAt, OverviewLayer } from './overview-layer.tsx';

// Module-scope props: a new object per render would make React Flow re-process every element.
const FIT_VIEW_OPTIONS = { padding: 0.2, maxZoom: 1.2, minZoom: 0.02, includeHiddenNodes: true } as const;
const NO_EDGES: GraphFlowEdge[] = [];
const PRO_OPTIONS = { hideAttribution: true } as const;
const minimapColor = (n: GraphFlowNode) => NODE_LOOK[n.data.nodeType].color;
const zoomTierSelector = (s: ReactFlowState) => zoomTierOf(s.transform[2]);

export function GraphCanvas({ machineId, graph }: { machineId: string; graph: GraphView }) {
  const rf = useReactFlow<GraphFlowNode, GraphFlowEdge>();
  const toast = useToast();
  // Read-only on small screens and on a machine that is not active (writes refused, context C8).
  const small = useSmallScreen();
  const writeLock = useWriteLock();
  const readOnly = small || writeLock !== null;
  // Why, in words: a closed machine says so at any width; otherwise it is the screen.
  const readOnlyReason = writeLock !== null ? 'Read-only: orchestration is closed' : 'Read-only on a small screen';
  const commands = useGraphCommands(machineId);
  const live = useLiveIndex(machineId, graph.nodes);
  const wrapper = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  // The first viewport is computed here, before React Flow renders, so a large graph starts zoomed
  // out in the overview tier; with React Flow's own `fitView` it would first mount every node and
  // edge visible at zoom 1 (thousands of long edges cross that view) and then drop them again.
  const [initialViewport, setInitialViewport] = useState<Viewport | null>(null);
  const [viewportSettled, setViewportSettled] = useState(false);
  useLayoutEffect(() => {
    const rect = wrapper.current?.getBoundingClientRect();
    const box = boundsOf(graph.nodes.map((n) => n.position));
    const { minZoom, maxZoom, padding } = FIT_VIEW_OPTIONS;
    setInitialViewport(
      box && rect
        ? getViewportForBounds(box, rect.width, rect.height, minZoom, maxZoom, padding)
        : { x: 0, y: 0, zoom: 1 },
    );
    // Only the first graph decides the first viewport.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const storeTier = useStore(zoomTierSelector);
  const tier = viewportSettled || !initialViewport ? storeTier : zoomTierOf(initialViewport.zoom);
  const { nodes, setNodes, edges, onNodesChange, onEdgesChange, selection, onSelectionChange, selectAfter, graphRef } =
    useFlowElements(graph, live);

  const pickNodeRef = useRef<(id: string) => void>(() => undefined);
  // Zoomed right out React Flow renders nothing: the overview layer draws the graph as one picture.
  const overview = tier === 'overview';
  const edgePicture = edgesAsPicture(tier, edges.length);
  const flowNodes = useMemo(() => (overview ? nodes.map((n) => ({ ...n, hidden: true })) : nodes), [nodes, overview]);
  const onPaneClick = useCallback(
    (e: { clientX: number; clientY: number }) => {
      if (!overview) return;
      const hit = nodeAt(nodes, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
      if (hit) pickNodeRef.current(hit.id);
    },
    [overview, nodes, rf],
  );

  const nodeById = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph.nodes]);
  const edgeById = useMemo(() => new Map(graph.edges.map((e) => [e.id, e])), [graph.edges]);
  const titleOf = useCallback((id: string) => nodeById.get(id)?.title ?? id, [nodeById]);

  /** Where nodes are on screen now (a drag may not be saved yet). */
  const localPositions = useCallback(
    (): Map<string, XYPosition> => new Map(rf.getNodes().map((n) => [n.id, n.position])),
    [rf],
  );

  const { run, runCustom, undo, redo } = commands;
  // Undo from a toast undoes that command only, not whatever came after it.
  const undoLabel = useRef(commands.undoLabel);
  useLayoutEffect(() => {
    undoLabel.current = commands.undoLabel;
  });
  const confirm = useCallback(
    (message: string, cmd: GraphCommand) =>
      toast({
        message,
        action: {
          label: 'Undo',
          onClick: () => {
            if (undoLabel.current === cmd.label) void undo();
          },
        },
      }),
    [toast, undo],
  );

  const drag = useNodeDrag(run);
  const connect = useConnect(
    useCallback(
      (cmd: GraphCommand) =>
        run(cmd).then((ids) => {
          if (ids) confirm(cmd.label, cmd);
        }),
      [run, confirm],
    ),
    titleOf,
  );
  /** Moves the view, only if needed, so that the whole of `box` is on screen. */
  const reveal = useCallback(
    (box: { x: number; y: number; width: number; height: number } | null) => {
      const el = wrapper.current;
      if (!box || !el) return;
      const r = el.getBoundingClientRect();
      const a = rf.screenToFlowPosition({ x: r.left, y: r.top });
      const b = rf.screenToFlowPosition({ x: r.right, y: r.bottom });
      const inside = box.x >= a.x && box.y >= a.y && box.x + box.width <= b.x && box.y + box.height <= b.y;
      if (!inside) void rf.fitBounds(box, { padding: 0.15 });
    },
    [rf],
  );
  const onPasted = useCallback(
    (cmd: GraphCommand, originals: XYPosition[]) => {
      confirm(cmd.label, cmd);
      // The copy lands beside the original: show both.
      const pasted = cmd.kind === 'create' ? cmd.nodes.map((n) => n.position) : [];
      reveal(boundsOf([...originals, ...pasted]));
    },
    [confirm, reveal],
  );
  const { copy, paste } = useClipboard({ selection, graphRef, localPositions, run, selectAfter, onPasted });

  // --- add -----------------------------------------------------------------------------------
  const [adding, setAdding] = useState(false);
  const placeNode = usePlaceNode(rf, wrapper);
  const addNode = (type: NodeType, title: string, refId: string) => {
    setAdding(false);
    const { position, inView } = placeNode();
    const id = tmpId('n');
    const cmd: GraphCommand = {
      kind: 'create',
      label: `Add ${title}`,
      nodes: [{ id, type, title, refId: refId || null, status: 'draft', position, data: {} }],
      edges: [],
    };
    void run(cmd).then((ids) => {
      if (!ids) return;
      selectAfter(new Set([ids.resolve(id)]));
      if (!inView)
        void rf.setCenter(position.x + NODE_SIZE.width / 2, position.y + NODE_SIZE.height / 2, { zoom: rf.getZoom() });
      confirm(`Added ${title}`, cmd);
    });
  };

  // --- delete --------------------------------------------------------------------------------
  const deleteSelection = useCallback(() => {
    if (readOnly) return;
    const cmd = deletionOf(new Set(selection.nodes), new Set(selection.edges), graphRef.current, localPositions());
    if (cmd)
      void run(cmd).then((ids) => {
        if (ids) confirm(`${cmd.label.replace(/^Delete/, 'Deleted')}`, cmd);
      });
  }, [selection, run, localPositions, graphRef, confirm, readOnly]);

  // --- layout --------------------------------------------------------------------------------
  const fit = useCallback(() => void rf.fitView(FIT_VIEW_OPTIONS), [rf]);
  const onLayoutDone = useCallback((message: string) => toast({ message, tone: 'info' }), [toast]);
  const getEdges = useCallback(
    () => graphRef.current.edges.map((e) => ({ id: e.id, source: e.sourceNodeId, target: e.targetNodeId })),
    [graphRef],
  );
  const { layout, startLayout, cancelLayout } = useAutoLayout({
    machineId,
    rf,
    setNodes,
    runCustom,
    fit,
    onDone: onLayoutDone,
    getEdges,
  });

  // --- search --------------------------------------------------------------------------------
  const focusSearch = useCallback(() => searchRef.current?.focus(), []);
  const pickNode = useCallback(
    (id: string) => {
      const n = rf.getNode(id);
      if (!n) return;
      setNodes((ns) => selectOnly(ns, new Set([id])));
      void rf.setCenter(n.position.x + NODE_SIZE.width / 2, n.position.y + NODE_SIZE.height / 2, {
        zoom: Math.max(rf.getZoom(), 1),
      });
    },
    [rf, setNodes],
  );
  useLayoutEffect(() => {
    pickNodeRef.current = pickNode;
  });

  // Stable handlers for the memoised toolbar and inspector.
  const openAdd = useCallback(() => setAdding(true), []);
  const onLayout = useCallback(() => void startLayout(), [startLayout]);
  const onUndo = useCallback(() => void undo(), [undo]);
  const onRedo = useCallback(() => void redo(), [redo]);
  // While the viewport moves, promote it to its own compositor layer so a pan is a translate
  // instead of a repaint of every node and edge; dropped when the move ends so text is
  // rasterised crisply at the new zoom. No React state.
  const onMoveStart = useCallback(() => wrapper.current?.classList.add('is-moving'), []);
  const onMoveEnd = useCallback(() => wrapper.current?.classList.remove('is-moving'), []);
  // `?node=<id>` (the audit log links a node this way): select it and centre on it once the canvas is up.
  const [params] = useSearchParams();
  const focusNode = useRef(params.get('node'));
  const onInit = useCallback(() => {
    setViewportSettled(true);
    requestAnimationFrame(() => {
      if (focusNode.current) pickNodeRef.current(focusNode.current);
      wrapper.current?.setAttribute('data-ready', 'true');
    });
  }, []);

  useGraphShortcuts({ deleteSelection, copy, paste, undo, redo, focusSearch, readOnly });

  const selectedNode =
    selection.nodes.length === 1 && selection.edges.length === 0 ? nodeById.get(selection.nodes[0]!) : undefined;
  const selectedEdge =
    selection.edges.length === 1 && selection.nodes.length === 0 ? edgeById.get(selection.edges[0]!) : undefined;
  const selectedLive = useMemo(() => (selectedNode ? liveStatusFor(selectedNode, live) : null), [selectedNode, live]);
  const connections = useMemo(
    () =>
      readOnly && selectedNode
        ? graph.edges.filter((e) => e.sourceNodeId === selectedNode.id || e.targetNodeId === selectedNode.id).length
        : 0,
    [readOnly, selectedNode, graph.edges],
  );
  const clearSelection = useCallback(() => {
    setNodes((ns) => selectOnly(ns, new Set()));
    rf.setEdges((es) => selectOnly(es, new Set()));
  }, [setNodes, rf]);

  return (
    <div className={`graph-editor${readOnly ? ' graph-editor--read-only' : ''}`}>
      <GraphToolbar
        nodeCount={graph.nodes.length}
        edgeCount={graph.edges.length}
        selectedCount={selection.nodes.length + selection.edges.length}
        busy={commands.busy}
        layout={layout}
        readOnly={readOnly}
        readOnlyReason={readOnlyReason}
        canUndo={commands.canUndo}
        canRedo={commands.canRedo}
        undoLabel={commands.undoLabel}
        redoLabel={commands.redoLabel}
        lastAction={commands.lastAction}
        failed={Boolean(commands.error)}
        onAdd={openAdd}
        onLayout={onLayout}
        onCancelLayout={cancelLayout}
        onUndo={onUndo}
        onRedo={onRedo}
        onDelete={deleteSelection}
        onFit={fit}
        searchNodes={graph.nodes}
        onPickNode={pickNode}
        searchRef={searchRef}
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
        <div
          className={`graph-editor__canvas graph-editor__canvas--${tier}`}
          ref={wrapper}
          data-testid="graph-canvas"
          data-zoom-tier={tier}
          data-edges={edgePicture ? 'picture' : 'svg'}
        >
          <ZoomTierContext.Provider value={tier}>
            {initialViewport ? (
              <ReactFlow<GraphFlowNode, GraphFlowEdge>
                nodes={flowNodes}
                edges={edgePicture ? NO_EDGES : edges}
                onPaneClick={onPaneClick}
                nodeTypes={nodeTypes}
                edgeTypes={edgeTypes}
                onNodesChange={onNodesChange}
                onEdgesChange={onEdgesChange}
                onSelectionChange={onSelectionChange}
                onNodeDragStart={drag.onNodeDragStart}
                onNodeDragStop={drag.onNodeDragStop}
                onConnect={connect.onConnect}
                isValidConnection={connect.isValidConnection}
                nodesDraggable={!readOnly}
                nodesConnectable={!readOnly}
                deleteKeyCode={null}
                onlyRenderVisibleElements
                onMoveStart={onMoveStart}
                onMoveEnd={onMoveEnd}
                onInit={onInit}
                defaultViewport={initialViewport}
                minZoom={0.02}
                proOptions={PRO_OPTIONS}
                colorMode="dark"
              >
                <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
                {edgePicture ? <OverviewLayer nodes={nodes} edges={edges} drawNodes={overview} /> : null}
                {/* Nothing to show in the overview: its nodes are hidden, and the picture is the map. */}
                {readOnly || overview || graph.nodes.length > 1500 ? null : (
                  <MiniMap<GraphFlowNode> nodeColor={minimapColor} pannable zoomable />
                )}
                <Controls showInteractive={!readOnly} fitViewOptions={FIT_VIEW_OPTIONS} />
              </ReactFlow>
            ) : null}
          </ZoomTierContext.Provider>
          {readOnly ? (
            <NodeDetails
              node={selectedNode}
              edge={selectedEdge}
              live={selectedLive}
              titleOf={titleOf}
              connections={connections}
              onClose={clearSelection}
            />
          ) : null}
          {graph.nodes.length === 0 ? (
            <div className="graph-editor__empty" data-testid="graph-empty">
              <div className="strong">This graph is empty</div>
              <p className="muted">Add the machine, its skills, policies and tasks, then connect them.</p>
              {readOnly ? (
                <p className="muted small">
                  {writeLock !== null
                    ? 'Nothing can be added while the machine is not active.'
                    : 'Editing needs a wider screen.'}
                </p>
              ) : (
                <button type="button" className="btn btn--primary" onClick={openAdd}>
                  Add the first node
                </button>
              )}
            </div>
          ) : null}
        </div>
        {/* Hidden, not unmounted, while read-only: the forms hold unsaved edits and a pending
            "changed elsewhere" choice, and a resize across the small-screen width (Chromium's
            full-page screenshot flips it for a frame) or a write lock must not drop them. */}
        <Inspector
          hidden={readOnly}
          node={selectedNode}
          edge={selectedEdge}
          live={selectedLive}
          selectedCount={selection.nodes.length + selection.edges.length}
          titleOf={titleOf}
          nodeOf={nodeById}
          edgeOf={edgeById}
          onSave={commands.save}
          onDeleteSelection={deleteSelection}
        />
      </div>
      {adding ? <AddNodeDialog onClose={() => setAdding(false)} onAdd={addNode} /> : null}
      {connect.pendingEdge ? (
        <EdgeDialog
          sourceTitle={titleOf(connect.pendingEdge.source)}
          targetTitle={titleOf(connect.pendingEdge.target)}
          onClose={connect.cancel}
          onCreate={connect.createEdge}
        />
      ) : null}
    </div>
  );
}
