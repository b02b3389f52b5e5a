import { NODE_SIZE } from './nodes/node-size.ts';

/**
 * A layered layout in linear time for large graphs, where ELK takes seconds (and far longer on a
 * busy machine): cycles broken by an iterative depth-first search, layers by longest path, each
 * layer ordered once by the barycentre of its predecessors, left to right. Pure; fast-layout.test.ts.
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
  const tallest = Math.max(1, ...layers.map((l) => l.length));
  const stepX = NODE_SIZE.width + gap.layer;
  const stepY = NODE_SIZE.height + gap.node;
  const positions = new Map<string, { x: number; y: number }>();
  layers.forEach((l, li) => {
    const offset = ((tallest - l.length) * stepY) / 2;
    l.forEach((v, i) => positions.set(nodes[v]!.id, { x: li * stepX, y: Math.round(offset + i * stepY) }));
  });
  return positions;
}
