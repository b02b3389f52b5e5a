/**
 * The lease sweep of 100,000 lapsed leases (BENCH_SWEEP_ROWS) turned `unreachable` and audited,
 * through the product's pass (bounded batches of 1,000, SKIP LOCKED, multi-row audit insert).
 * Baseline in the same run: one set-based `UPDATE … RETURNING` feeding one audit `INSERT … SELECT`,
 * through `pg`, on the same rows reset to lapsed.
 */
import { createBenchDatabase, envInt, fmt, startBenchApp, timeMs } from './db.ts';

export async function benchSweep(): Promise<void> {
  const rows = envInt('BENCH_SWEEP_ROWS', 100_000);
  const bdb = await createBenchDatabase('sweep');
  const { app } = await startBenchApp(bdb.url);
  try {
    await bdb.pool.query(
      `INSERT INTO "Machine" ("id", "displayName", "status", "ownerId", "identityRef", "machineType", "runtimeProfile",
         "capabilities", "labels", "policyIds", "skillKeys", "updatedAt")
       SELECT 'm-' || i, 'M' || i, 'active', 'local', 'peaqos:machine:sweep-' || i, 'robot', 'edge', '{}', '{}', '{}', '{}', now()
       FROM generate_series(0, 999) AS i`,
    );
    await bdb.pool.query(
      `INSERT INTO "RuntimeEndpoint" ("id", "machineId", "providerKey", "source", "label", "endpointBaseUrl", "authType",
         "networkScope", "probePath", "status", "leaseExpiresAt", "updatedAt")
       SELECT 'ep-' || i, 'm-' || (i % 1000), 'prov-' || (i / 1000), 'agent', 'E', 'http://127.0.0.1:1', 'none', 'loopback',
              '/health', 'active', now() - interval '1 minute', now()
       FROM generate_series(0, $1::int - 1) AS i`,
      [rows],
    );
    await bdb.pool.query('VACUUM ANALYZE "RuntimeEndpoint"');
    let swept = 0;
    const ours = await timeMs(async () => {
      swept = await app.services.runtimeEndpoints.sweepLapsedLeases();
    });
    if (swept !== rows) throw new Error(`swept ${swept} of ${rows}`);
    await bdb.pool.query(`UPDATE "RuntimeEndpoint" SET "status" = 'active'`);
    await bdb.pool.query('VACUUM ANALYZE "RuntimeEndpoint"');
    const baseline = await timeMs(() =>
      bdb.pool.query(
        `WITH flipped AS (
           UPDATE "RuntimeEndpoint" SET "status" = 'unreachable', "lastCheckedAt" = now(), "updatedAt" = now()
           WHERE "leaseExpiresAt" < now() AND "status" <> 'unreachable'
           RETURNING *
         )
         INSERT INTO "AuditEvent" ("id", "actor", "machineId", "type", "resourceType", "resourceId", "payload")
         SELECT gen_random_uuid()::text, 'system', f."machineId", 'runtime-endpoint.status-changed', 'runtime-endpoint', f."id",
                jsonb_build_object('endpoint', to_jsonb(f), 'from', 'active', 'to', 'unreachable')
         FROM flipped f`,
      ),
    );
    console.log(
      `\nLease sweep of ${rows} lapsed leases\n  ours      ${fmt(ours / 1000)} s (${Math.round(rows / (ours / 1000))} rows/s)\n` +
        `  baseline  ${fmt(baseline / 1000)} s (one UPDATE … RETURNING + INSERT … SELECT)`,
    );
    console.log(
      `RESULT sweep seconds=${(ours / 1000).toFixed(3)} rows=${rows} baseline_seconds=${(baseline / 1000).toFixed(3)} ` +
        `ratio=${(ours / baseline).toFixed(2)}`,
    );
  } finally {
    await app.close();
    await bdb.drop();
  }
}
