/**
 * `GET /machines/:id/graph` of a large graph (5,000 nodes, 10,000 edges by default;
 * BENCH_GRAPH_NODES / BENCH_GRAPH_EDGES) over HTTP with autocannon. Baseline in the same run: the
 * database part alone, reading both tables' rows through `pg`.
 */
import { createBenchDatabase, drive, envInt, fmt, quantile, startBenchApp, timeMs } from './db.ts';
import { loadGraph } from './graph-data.ts';

export async function benchGraphRead(): Promise<void> {
  const nodes = envInt('BENCH_GRAPH_NODES', 5000);
  const edges = envInt('BENCH_GRAPH_EDGES', 10_000);
  const amount = envInt('BENCH_GRAPH_REQUESTS', 100);
  const bdb = await createBenchDatabase('graph');
  const { app, baseUrl } = await startBenchApp(bdb.url, { MM_GRAPH_MAX_NODES: String(Math.max(nodes, 10_000)) });
  try {
    const machine = await app.services.machines.create(
      { displayName: 'Graph bench', identityRef: 'peaqos:machine:graph-bench' },
      { actor: 'api', ownerId: 'local' },
    );
    await loadGraph(bdb.pool, machine.id, nodes, edges);
    const url = `${baseUrl}/api/v1/machines/${machine.id}/graph`;
    const bytes = (await (await fetch(url)).arrayBuffer()).byteLength;
    const db: number[] = [];
    for (let i = 0; i < Math.min(amount, 50); i++) {
      db.push(
        await timeMs(() =>
          Promise.all([
            bdb.pool.query('SELECT * FROM "GraphNode" WHERE "machineId" = $1 ORDER BY "seq"', [machine.id]),
            bdb.pool.query('SELECT * FROM "GraphEdge" WHERE "machineId" = $1 ORDER BY "seq"', [machine.id]),
          ]),
        ),
      );
    }
    await drive({ url, amount: 10 });
    const load = await drive({ url, amount });
    console.log(
      `\nGET graph ${nodes} nodes / ${edges} edges (${bytes} bytes), c=1, ${amount} requests\n` +
        `  baseline  rows through pg          p50 ${fmt(quantile(db, 0.5))} ms  p99 ${fmt(quantile(db, 0.99))} ms\n` +
        `  subject   GET over HTTP            p50 ${fmt(load.p50)} ms  p99 ${fmt(load.p99)} ms  errors ${load.errors}`,
    );
    console.log(
      `RESULT graph nodes=${nodes} edges=${edges} p50_ms=${fmt(load.p50)} p99_ms=${fmt(load.p99)} ` +
        `baseline_p50_ms=${fmt(quantile(db, 0.5))} bytes=${bytes} errors=${load.errors}`,
    );
  } finally {
    await app.close();
    await bdb.drop();
  }
}
