/**
 * Auto-layout's bulk move (`graph.moveNodes`) of 500 and 3,000 nodes, through the service (the
 * HTTP contract takes at most 1,000 positions per call; the console sends 500 at a time) and the
 * 500-node case through REST. Baseline: the bare database work, one multi-row `UPDATE … FROM
 * unnest` of the positions with version bumps plus one multi-row audit `INSERT`, through `pg`.
 */
import { createBenchDatabase, envInt, fmt, quantile, startBenchApp, timeMs } from './db.ts';
import { loadGraph } from './graph-data.ts';

const CALLER = { actor: 'api', ownerId: 'local' };

export async function benchMoveNodes(): Promise<void> {
  const sizes = [envInt('BENCH_MOVE_SMALL', 500), envInt('BENCH_MOVE_LARGE', 3000)];
  const reps = envInt('BENCH_MOVE_REPS', 5);
  const bdb = await createBenchDatabase('move');
  const { app, baseUrl } = await startBenchApp(bdb.url);
  const figures: Record<string, number> = {};
  try {
    let round = 0;
    for (const size of sizes) {
      const machine = await app.services.machines.create(
        { displayName: `Move ${size}`, identityRef: `peaqos:machine:move-${size}` },
        CALLER,
      );
      await loadGraph(bdb.pool, machine.id, size, 0);
      const { rows } = await bdb.pool.query<{ id: string }>(
        'SELECT "id" FROM "GraphNode" WHERE "machineId" = $1 ORDER BY "seq"',
        [machine.id],
      );
      const ids = rows.map((r) => r.id);
      const positions = () => {
        round += 1;
        return ids.map((nodeId, i) => ({ nodeId, x: (i % 40) * 200 + round, y: Math.floor(i / 40) * 120 + round }));
      };
      const baseline: number[] = [];
      const service: number[] = [];
      for (let r = 0; r < reps; r++) {
        const p = positions();
        baseline.push(
          await timeMs(async () => {
            const c = await bdb.pool.connect();
            try {
              await c.query('BEGIN');
              const { rows: moved } = await c.query<{ id: string }>(
                `UPDATE "GraphNode" n SET "positionX" = v.x, "positionY" = v.y, "version" = n."version" + 1, "updatedAt" = now()
                 FROM unnest($1::text[], $2::float8[], $3::float8[]) AS v(id, x, y)
                 WHERE n."id" = v.id AND n."machineId" = $4 RETURNING n.*`,
                [p.map((q) => q.nodeId), p.map((q) => q.x), p.map((q) => q.y), machine.id],
              );
              await c.query(
                `INSERT INTO "AuditEvent" ("id", "actor", "machineId", "type", "resourceType", "resourceId", "payload")
                 SELECT gen_random_uuid()::text, 'api', $2, 'graph.node.updated', 'graph-node', r.id, jsonb_build_object('node', to_jsonb(r))
                 FROM unnest($1::text[]) AS r(id)`,
                [moved.map((m) => m.id), machine.id],
              );
              await c.query('COMMIT');
            } finally {
              c.release();
            }
          }),
        );
        service.push(await timeMs(() => app.services.graph.moveNodes(machine.id, { positions: positions() }, CALLER)));
      }
      figures[`service_${size}_ms`] = quantile(service, 0.5);
      figures[`baseline_${size}_ms`] = quantile(baseline, 0.5);
      console.log(
        `moveNodes ${size} nodes: service p50 ${fmt(quantile(service, 0.5))} ms (max ${fmt(Math.max(...service))}), ` +
          `baseline p50 ${fmt(quantile(baseline, 0.5))} ms`,
      );
      if (size <= 1000) {
        const rest: number[] = [];
        for (let r = 0; r < reps; r++) {
          const body = JSON.stringify({ positions: positions() });
          rest.push(
            await timeMs(async () => {
              const res = await fetch(`${baseUrl}/api/v1/machines/${machine.id}/graph/nodes`, {
                method: 'PATCH',
                headers: { 'content-type': 'application/json' },
                body,
              });
              if (res.status !== 200) throw new Error(`moveNodes answered ${res.status}: ${await res.text()}`);
              await res.arrayBuffer();
            }),
          );
        }
        figures[`rest_${size}_ms`] = quantile(rest, 0.5);
        console.log(`PATCH /graph/nodes ${size} nodes over HTTP: p50 ${fmt(quantile(rest, 0.5))} ms`);
      }
    }
  } finally {
    await app.close();
    await bdb.drop();
  }
  const [small, large] = sizes;
  console.log(
    `RESULT move-nodes nodes=${small} ms=${fmt(figures[`service_${small}_ms`] ?? 0)} ` +
      `rest_ms=${fmt(figures[`rest_${small}_ms`] ?? 0)} baseline_ms=${fmt(figures[`baseline_${small}_ms`] ?? 0)} ` +
      `large_nodes=${large} large_ms=${fmt(figures[`service_${large}_ms`] ?? 0)} ` +
      `large_baseline_ms=${fmt(figures[`baseline_${large}_ms`] ?? 0)}`,
  );
}
