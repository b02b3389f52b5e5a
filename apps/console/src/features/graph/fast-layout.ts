import { NODE_SIZE } from './nodes/node-size.ts';

/**
 * A layered layout in linear time for large graphs, where ELK takes seconds (and far longer on a
 * busy machine): cycles broken by an iterative depth-first search, layers by longest path, each
 * layer ordered once by the barycentre of its predecessors, left to right; a tall layer wraps into
 * several columns. Pure; fast-layout.test.ts.
 */
export function fastLayeredLayout(
  nodes: readonly { id: string }[],
  edges: readonly { source: string; target: string }[],
  gap = { layer: 90, node: 36 },
): Map<string, { x: number; y: number }> {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const out: number[][] = nodes.map(() => []);
  for (const e of edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s !== undefined && t !== undefined && s !== t) out[s]!.push(t);
  }
  // Iterative DFS: an edge to a node still on the stack is a back edge (dropped, breaks the cycle).
  const state = new Uint8Array(nodes.length); // 0 new, 1 on stack, 2 done
  const dag: number[][] = nodes.map(() => []);
  for (let root = 0; root < nodes.length; root++) {
    if (state[root]) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [v, i] = top;
      const next = out[v]![i];
      if (next === undefined) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1] = i + 1;
      if (state[next] === 1) continue;
      dag[v]!.push(next);
      if (state[next] === 0) {
        state[next] = 1;
        stack.push([next, 0]);
      }
    }
  }
  // Longest-path layers over the DAG (Kahn's order).
  const indeg = new Int32Array(nodes.length);
  for (const ts of dag) for (const t of ts) indeg[t]! += 1;
  const layer = new Int32Array(nodes.length);
  const queue: number[] = [];
  for (let v = 0; v < nodes.length; v++) if (indeg[v] === 0) queue.push(v);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (const t of dag[v]!) {
      layer[t] = Math.max(layer[t]!, layer[v]! + 1);
      if (--indeg[t]! === 0) queue.push(t);
    }
  }
  const preds: number[][] = nodes.map(() => []);
  dag.forEach((ts, v) => ts.forEach((t) => preds[t]!.push(v)));
  const layers: number[][] = [];
  for (const v of queue) (layers[layer[v]!] ??= []).push(v);
  const order = new Float64Array(nodes.length);
  for (const l of layers) {
    const bary = (v: number) => {
      const p = preds[v]!;
      return p.length ? p.reduce((a, u) => a + order[u]!, 0) / p.length : v / nodes.length;
    };
    const keyed = l.map((v) => [bary(v), v] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    keyed.forEach(([, v], i) => (order[v] = i));
    l.splice(0, l.length, ...keyed.map(([, v]) => v));
  }
  // A layer taller than the graph is wide wraps into side-by-side columns (600 unconnected nodes
  // are one layer: one column of them would be 100,000 px tall), so the picture stays roughly square.
  const maxRows = Math.max(8, Math.ceil(Math.sqrt(nodes.length * 1.6)));
  const tallest = Math.min(maxRows, Math.max(1, ...layers.map((l) => l.length)));
  const stepX = NODE_SIZE.width + gap.layer;
  const stepY = NODE_SIZE.height + gap.node;
  const positions = new Map<string, { x: number; y: number }>();
  let x = 0;
  for (const l of layers) {
    const cols = Math.ceil(l.length / maxRows);
    const rows = Math.ceil(l.length / cols);
    const offset = ((tallest - rows) * stepY) / 2;
    l.forEach((v, i) =>
      positions.set(nodes[v]!.id, { x: x + Math.floor(i / rows) * stepX, y: Math.round(offset + (i % rows) * stepY) }),
    );
    x += cols * stepX;
  }
  return positions;
}
