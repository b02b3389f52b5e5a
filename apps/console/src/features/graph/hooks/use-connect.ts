import type { EdgeType } from '@mm/contracts';
import type { Connection } from '@xyflow/react';
import { useCallback, useState } from 'react';
import type { GraphCommand } from '../command-stack.ts';
import { tmpId } from './tmp-id.ts';

/** Drag handle to handle, then pick the edge type in a dialog; the edge is created on confirm. */
export function useConnect(run: (cmd: GraphCommand) => Promise<unknown>, titleOf: (id: string) => string) {
  const [pendingEdge, setPendingEdge] = useState<Connection | null>(null);
  const onConnect = useCallback((c: Connection) => setPendingEdge(c), []);
  const isValidConnection = useCallback((c: { source: string; target: string }) => c.source !== c.target, []);
  const cancel = useCallback(() => setPendingEdge(null), []);
  const createEdge = useCallback(
    (type: EdgeType, label: string) => {
      if (!pendingEdge) return;
      const { source, target } = pendingEdge;
      setPendingEdge(null);
      void run({
        kind: 'create',
        label: `Connect ${titleOf(source)} → ${titleOf(target)}`,
        nodes: [],
        edges: [{ id: tmpId('e'), source, target, type, ...(label && { label }), data: {} }],
      });
    },
    [pendingEdge, run, titleOf],
  );
  return { pendingEdge, onConnect, isValidConnection, createEdge, cancel };
}
