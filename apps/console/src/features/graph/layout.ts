import ELK from 'elkjs/lib/elk-api.js';
import type { ELK as ElkInstance, ElkNode } from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { fastLayeredLayout } from './fast-layout.ts';
import { NODE_SIZE } from './nodes/node-size.ts';

// ELK runs in a Web Worker: laying out 500 nodes takes seconds and must not freeze the editor.
// The worker script (1.4 MB) is fetched on the first layout only.
let elk: ElkInstance | null = null;
const getElk = () => (elk ??= new ELK({ workerUrl: elkWorkerUrl }));

/** Stops a layout in progress: the worker is terminated, the next layout starts a fresh one. */
export function cancelLayout(): void {
  elk?.terminateWorker();
  elk = null;
}

/** Above this many nodes ELK trades some crossing quality for speed. */
const FAST_ABOVE = 150;
/** Above this many the linear-time layout of fast-layout.ts is used (ELK would take seconds). */
export const LINEAR_ABOVE = 300;

/** Layered (Sugiyama) layout, left to right; returns the new top-left position of each node. */
export async function layeredLayout(
  nodes: readonly { id: string; width?: number | undefined; height?: number | undefined }[],
  edges: readonly { id: string; source: string; target: string }[],
): Promise<Map<string, { x: number; y: number }>> {
  if (nodes.length > LINEAR_ABOVE) return fastLayeredLayout(nodes, edges);
  const ids = new Set(nodes.map((n) => n.id));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.componentComponent': '60',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      ...(nodes.length > FAST_ABOVE
        ? { 'elk.layered.thoroughness': '1', 'elk.layered.nodePlacement.strategy': 'SIMPLE' }
        : { 'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF' }),
    },
    children: nodes.map((n) => ({
      id: n.id,
      width: n.width ?? NODE_SIZE.width,
      height: n.height ?? NODE_SIZE.height,
    })),
    edges: edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const result = await getElk().layout(graph);
  const positions = new Map<string, { x: number; y: number }>();
  for (const child of result.children ?? []) {
    positions.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  }
  return positions;
}
