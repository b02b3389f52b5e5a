import type { GraphView } from '@mm/contracts';
import { applyEdgeChanges, applyNodeChanges } from '@xyflow/react';
import type { EdgeChange, NodeChange, OnSelectionChangeParams } from '@xyflow/react';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { reconcileEdges, reconcileNodes, selectOnly } from '../to-flow.ts';
import type { GraphFlowEdge, GraphFlowNode, LiveIndex } from '../to-flow.ts';

export interface Selection {
  nodes: string[];
  edges: string[];
}

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => b[i] === id);

/**
 * React Flow's view state (positions while dragging, selection, measured sizes) kept in step with
 * the server's graph through the pure reconcile functions of to-flow.ts.
 */
export function useFlowElements(graph: GraphView, live: LiveIndex | null) {
  const [nodes, setNodes] = useState<GraphFlowNode[]>(() => reconcileNodes([], graph.nodes, live));
  const [edges, setEdges] = useState<GraphFlowEdge[]>(() => reconcileEdges([], graph.edges));
  const graphRef = useRef(graph);
  useLayoutEffect(() => {
    graphRef.current = graph;
  });
  /** Nodes to select once they arrive from the server (a paste or an add). */
  const pendingSelect = useRef<Set<string> | null>(null);

  useEffect(() => {
    const want = pendingSelect.current;
    const ready = want !== null && graph.nodes.some((n) => want.has(n.id));
    if (ready) pendingSelect.current = null;
    setNodes((prev) => {
      const next = reconcileNodes(prev, graph.nodes, live);
      return ready ? selectOnly(next, want) : next;
    });
  }, [graph.nodes, live]);
  // New server edges: reconciled during render (React's "adjust state when a prop changes").
  const [shownEdges, setShownEdges] = useState(graph.edges);
  if (shownEdges !== graph.edges) {
    setShownEdges(graph.edges);
    setEdges((prev) => reconcileEdges(prev, graph.edges));
  }

  const onNodesChange = useCallback(
    (changes: NodeChange<GraphFlowNode>[]) => setNodes((ns) => applyNodeChanges(changes, ns)),
    [],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<GraphFlowEdge>[]) => setEdges((es) => applyEdgeChanges(changes, es)),
    [],
  );

  // Selection as ids; the inspector reads the server's record for them.
  const [selection, setSelection] = useState<Selection>({ nodes: [], edges: [] });
  const onSelectionChange = useCallback(
    ({ nodes: ns, edges: es }: OnSelectionChangeParams<GraphFlowNode, GraphFlowEdge>) => {
      setSelection((prev) => {
        const n = ns.map((x) => x.id);
        const e = es.map((x) => x.id);
        return sameIds(n, prev.nodes) && sameIds(e, prev.edges) ? prev : { nodes: n, edges: e };
      });
    },
    [],
  );

  /** Selects nodes a command created: now if the refreshed graph already has them, else when it arrives. */
  const selectAfter = useCallback((ids: Set<string>) => {
    const present = graphRef.current.nodes.some((n) => ids.has(n.id));
    if (present) setNodes((ns) => selectOnly(ns, ids));
    else pendingSelect.current = ids;
    setEdges((es) => selectOnly(es, new Set()));
  }, []);

  return { nodes, setNodes, edges, onNodesChange, onEdgesChange, selection, onSelectionChange, selectAfter, graphRef };
}
