import type { GraphApi, GraphCommand, IdMap } from './command-stack.ts';
import { moveCommand } from './to-flow.ts';
import type { XY } from './command-stack.ts';

/** The server moves at most 1,000 nodes per call; 500 gives the operator progress twice as often. */
export const LAYOUT_CHUNK = 500;

export interface LayoutMove {
  id: string;
  from: XY;
  to: XY;
}

/**
 * Saves an auto-layout through the bulk move call, chunk by chunk, reporting progress and stopping
 * between chunks when `cancelled()` says so. Returns the undoable command for what reached the
 * server (null when nothing did): a cancelled layout can still be undone as far as it got.
 */
export async function saveLayoutInChunks(
  moves: readonly LayoutMove[],
  api: Pick<GraphApi, 'moveNodes'>,
  ids: Pick<IdMap, 'resolve'>,
  opts: { chunk?: number; onProgress?: (done: number, total: number) => void; cancelled?: () => boolean } = {},
): Promise<{ command: GraphCommand | null; saved: number; cancelled: boolean }> {
  const cmd = moveCommand(moves, 'Auto-layout');
  if (!cmd || cmd.kind !== 'update') return { command: null, saved: 0, cancelled: false };
  const changed = cmd.nodes;
  const size = opts.chunk ?? LAYOUT_CHUNK;
  let saved = 0;
  opts.onProgress?.(0, changed.length);
  for (let i = 0; i < changed.length; i += size) {
    if (opts.cancelled?.()) break;
    const part = changed.slice(i, i + size);
    await api.moveNodes(
      part.map((n) => ({ nodeId: ids.resolve(n.id), x: n.after.position?.x ?? 0, y: n.after.position?.y ?? 0 })),
    );
    saved += part.length;
    opts.onProgress?.(saved, changed.length);
  }
  const cancelled = saved < changed.length;
  if (saved === 0) return { command: null, saved, cancelled };
  const nodes = changed.slice(0, saved);
  return {
    command: {
      ...cmd,
      label: cancelled ? `Auto-layout (${saved} of ${changed.length})` : nodes.length === 1 ? 'Auto-layout' : cmd.label,
      nodes,
    },
    saved,
    cancelled,
  };
}

/** "1,200 of 3,000". */
export const progressText = (done: number, total: number) =>
  `${done.toLocaleString('en')} of ${total.toLocaleString('en')}`;
