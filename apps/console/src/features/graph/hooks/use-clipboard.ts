import type { GraphView } from '@mm/contracts';
import type { XYPosition } from '@xyflow/react';
import { useCallback, useRef } from 'react';
import type { RefObject } from 'react';
import type { GraphCommand, IdMap } from '../command-stack.ts';
import { copySelection, pasteCommand, pasteOffset } from '../to-flow.ts';
import type { Clipboard } from '../to-flow.ts';
import type { Selection } from './use-flow-elements.ts';
import { tmpId } from './tmp-id.ts';

/**
 * Ctrl+C / Ctrl+V inside the editor. Each paste lands beside the copied selection, shifted by the
 * selection's own width (and once more per further paste), so no copy covers the original.
 */
export function useClipboard(p: {
  selection: Selection;
  graphRef: RefObject<GraphView>;
  localPositions: () => Map<string, XYPosition>;
  run: (cmd: GraphCommand) => Promise<IdMap | null>;
  selectAfter: (ids: Set<string>) => void;
  /** After a paste: the command, and where the copied originals are. */
  onPasted?: (cmd: GraphCommand, originals: XYPosition[]) => void;
}) {
  const { selection, graphRef, localPositions, run, selectAfter, onPasted } = p;
  const clipboard = useRef<{ clip: Clipboard; pastes: number } | null>(null);
  const copy = useCallback(() => {
    const clip = copySelection(new Set(selection.nodes), graphRef.current, localPositions());
    if (clip) clipboard.current = { clip, pastes: 0 };
  }, [selection, graphRef, localPositions]);
  const paste = useCallback(() => {
    const cb = clipboard.current;
    if (!cb) return;
    cb.pastes += 1;
    const cmd = pasteCommand(cb.clip, pasteOffset(cb.clip, cb.pastes), tmpId('p'));
    void run(cmd).then((ids) => {
      if (!ids) return;
      selectAfter(new Set(cmd.nodes.map((n) => ids.resolve(n.id))));
      onPasted?.(
        cmd,
        cb.clip.nodes.map((n) => n.position),
      );
    });
  }, [run, selectAfter, onPasted]);
  return { copy, paste };
}
