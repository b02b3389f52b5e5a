import type { XYPosition } from '@xyflow/react';
import { useCallback, useRef } from 'react';
import type { GraphCommand } from '../command-stack.ts';
import { moveCommand } from '../to-flow.ts';
import type { GraphFlowNode } from '../to-flow.ts';

/** Drag to move: remembers where the dragged nodes started and saves one undoable move on release. */
export function useNodeDrag(run: (cmd: GraphCommand) => Promise<unknown>) {
  const dragStart = useRef(new Map<string, XYPosition>());
  const onNodeDragStart = useCallback((_: unknown, _node: GraphFlowNode, dragged: GraphFlowNode[]) => {
    dragStart.current = new Map(dragged.map((n) => [n.id, { ...n.position }]));
  }, []);
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
  return { onNodeDragStart, onNodeDragStop };
}
