/**
 * Audit lists at 1,000,000 events (BENCH_AUDIT_EVENTS) over HTTP, one filter at a time, first
 * page of 100, with autocannon, 500 requests per filter (BENCH_AUDIT_REQUESTS; 100 before 2026-12-06,
 * when a p99 was one request's hiccup). Baseline in the same run: the first page with no filter. The worst
 * case of issue 11 is a type whose rows are all old (`legacy.imported`: the first 1% of the log).
 */
import { createBenchDatabase, drive, envInt, fmt, startBenchApp } from './db.ts';

export async function benchAudit(): Promise<void> {
  const events = envInt('BENCH_AUDIT_EVENTS', 1_000_000);
  const amount = envInt('BENCH_AUDIT_REQUESTS', 500);
  const bdb = await createBenchDatabase('audit');
  const { app, baseUrl } = await startBenchApp(bdb.url);
  try {
    const t0 = Date.now();
    // Rows in seq order over 30 days; 1% of the oldest are one type no later row has.
    await bdb.pool.query(
      `INSERT INTO "AuditEvent" ("id", "actor", "principal", "machineId", "type", "resourceType", "resourceId", "payload", "createdAt")
       SELECT gen_random_uuid()::text, 'api', 'owner-' || (i % 5), 'machine-' || (i % 100),
              CASE WHEN i < $1::int / 100 THEN 'legacy.imported'
                   ELSE (ARRAY['task.created', 'task.discovered', 'task.resolved', 'graph.node.updated', 'graph.node.created',
                               'graph.edge.created', 'runtime-endpoint.updated', 'machine-agent.heartbeat', 'run.completed', 'policy.updated'])[1 + i % 10] END,
              (ARRAY['task', 'task', 'task', 'graph-node', 'graph-node', 'graph-edge', 'runtime-endpoint', 'machine-agent', 'run', 'policy'])[1 + i % 10],
              'res-' || (i % 50000), jsonb_build_object('i', i),
              timestamptz '2026-11-01' + (i::float8 / $1::int) * interval '30 days'
       FROM generate_series(0, $1::int - 1) AS i`,
      [events],
    );
    await bdb.pool.query('VACUUM ANALYZE "AuditEvent"');
    // The load's WAL would otherwise be checkpointed during the measurements (steady state only).
    await bdb.pool.query('CHECKPOINT');
    console.log(`loaded ${events} audit events in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const filters: Record<string, string> = {
      'no filter': '',
      'type (common)': 'type=task.created',
      'type, all rows old (worst case)': 'type=legacy.imported',
      'type prefix': 'type=graph.node.*',
      resource: 'resourceType=task&resourceId=res-40',
      machineId: 'machineId=machine-7',
      principal: 'principal=owner-3',
      'time range (a day)': 'since=2026-11-10T00:00:00.000Z&until=2026-11-11T00:00:00.000Z',
      'old time range': 'since=2026-11-01T00:00:00.000Z&until=2026-11-01T06:00:00.000Z',
      'type + machineId': 'type=task.resolved&machineId=machine-12',
      'type prefix + time range': 'type=task.*&since=2026-11-05T00:00:00.000Z&until=2026-11-06T00:00:00.000Z',
      'machineId + old type': 'machineId=machine-3&type=legacy.imported',
    };
    const results: [string, number, number][] = [];
    for (const [name, q] of Object.entries(filters)) {
      const url = `${baseUrl}/api/v1/audit-events?limit=100${q ? `&${q}` : ''}`;
      await drive({ url, amount: 5 });
      const load = await drive({ url, amount });
      if (load.errors) throw new Error(`${name}: ${load.errors} errors`);
      results.push([name, load.p50, load.p99]);
      console.log(`  ${name.padEnd(34)} p50 ${fmt(load.p50).padStart(8)} ms  p99 ${fmt(load.p99).padStart(8)} ms`);
    }
    const baseline = results[0] ?? ['', 0, 0];
    const worst = results.reduce((w, r) => (r[2] > w[2] ? r : w), baseline);
    const filtered = results.slice(1).map((r) => r[2]);
    console.log(`worst: ${worst[0]}`);
    console.log(
      `RESULT audit events=${events} worst_p99_ms=${fmt(worst[2])} p99_ms=${fmt(Math.max(...filtered))} ` +
        `baseline_p50_ms=${fmt(baseline[1])} baseline_p99_ms=${fmt(baseline[2])} worst_filter="${worst[0]}"`,
    );
  } finally {
    await app.close();
    await bdb.drop();
  }
}
