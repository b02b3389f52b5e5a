import type { ReactFlowInstance } from '@xyflow/react';
import { useCallback, useRef, useState } from 'react';
import type { Dispatch, SetStateAction } from 'react';
import type { GraphApi, CommandStack } from '../command-stack.ts';
import { cancelLayout, layeredLayout } from '../layout.ts';
import { saveLayoutInChunks } from '../layout-save.ts';
import type { GraphFlowEdge, GraphFlowNode } from '../to-flow.ts';
import { holdFeedRefetch } from './feed-hold.ts';

export type LayoutState =
  { phase: 'idle' } | { phase: 'laying-out'; total: number } | { phase: 'saving'; done: number; total: number };

const CANCELLED = Symbol('cancelled');

/**
 * Auto-layout in phases the operator can see and stop: "laying out" (ELK in its worker) and
 * "saving n of m" (bulk moves in chunks). Cancel terminates the worker, or stops between chunks;
 * what was saved stays saved and undoable. The view is fitted to the new layout when it is shown.
 */
export function useAutoLayout(p: {
  machineId: string;
  rf: ReactFlowInstance<GraphFlowNode, GraphFlowEdge>;
  setNodes: Dispatch<SetStateAction<GraphFlowNode[]>>;
  runCustom: (label: string, work: (api: GraphApi, stack: CommandStack) => Promise<unknown>) => Promise<unknown>;
  fit: () => void;
  onDone: (message: string) => void;
  /** The graph's edges (React Flow holds none while the overview tier draws the graph). */
  getEdges: () => readonly { id: string; source: string; target: string }[];
}) {
  const { machineId, rf, setNodes, runCustom, fit, onDone, getEdges } = p;
  const [state, setState] = useState<LayoutState>({ phase: 'idle' });
  const cancelled = useRef(false);
  const cancelWaiter = useRef<(() => void) | null>(null);

  const cancel = useCallback(() => {
    cancelled.current = true;
    cancelLayout();
    cancelWaiter.current?.();
  }, []);

  const start = useCallback(async () => {
    const current = rf.getNodes();
    if (current.length === 0) return;
    cancelled.current = false;
    setState({ phase: 'laying-out', total: current.length });
    try {
      // Let "laying out" paint before the work starts (the linear layout is synchronous).
      await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const stopped = new Promise<typeof CANCELLED>((resolve) => {
        cancelWaiter.current = () => resolve(CANCELLED);
      });
      const positions = await Promise.race([
        layeredLayout(
          current.map((n) => ({ id: n.id, width: n.measured?.width, height: n.measured?.height })),
          getEdges(),
        ),
        stopped,
      ]);
      if (positions === CANCELLED || cancelled.current) {
        onDone('Auto-layout cancelled');
        return;
      }
      const moves = current.flatMap((n) => {
        const to = positions.get(n.id);
        return to ? [{ id: n.id, from: n.position, to }] : [];
      });
      // Show the new layout at once, fitted; the server catches up chunk by chunk.
      setNodes((ns) =>
        ns.map((n) => {
          const to = positions.get(n.id);
          return to && (to.x !== n.position.x || to.y !== n.position.y) ? { ...n, position: to } : n;
        }),
      );
      requestAnimationFrame(() => requestAnimationFrame(fit));
      setState({ phase: 'saving', done: 0, total: moves.length });
      let message = 'Auto-layout saved';
      // Our own moves come back on the feed: no refetch until the last chunk is saved.
      const release = holdFeedRefetch(machineId);
      await runCustom('Auto-layout', async (api, stack) => {
        try {
          const r = await saveLayoutInChunks(moves, api, stack.ids, {
            onProgress: (done, total) => setState({ phase: 'saving', done, total }),
            cancelled: () => cancelled.current,
          });
          if (r.command) stack.record(r.command);
          if (r.cancelled) message = `Auto-layout cancelled: ${r.saved} of ${moves.length} positions saved`;
        } finally {
          release();
        }
      });
      onDone(message);
      requestAnimationFrame(fit);
    } finally {
      cancelWaiter.current = null;
      setState({ phase: 'idle' });
    }
  }, [machineId, rf, setNodes, runCustom, fit, onDone, getEdges]);

  return { layout: state, startLayout: start, cancelLayout: cancel };
}
