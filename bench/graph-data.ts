/** Bulk-loads a machine's graph with one `INSERT … SELECT generate_series` per table (seconds, not minutes). */
import type pg from 'pg';

export async function loadGraph(pool: pg.Pool, machineId: string, nodes: number, edges: number): Promise<void> {
  await pool.query(
    `INSERT INTO "GraphNode" ("id", "machineId", "type", "title", "status", "positionX", "positionY", "data", "updatedAt")
     SELECT gen_random_uuid()::text, $1, 'skill', 'Node ' || i, 'active', (i % 50) * 220, (i / 50) * 140,
            jsonb_build_object('index', i, 'label', 'node ' || i), now()
     FROM generate_series(0, $2::int - 1) AS i`,
    [machineId, nodes],
  );
  await pool.query(
    `WITH n AS (SELECT "id", row_number() OVER (ORDER BY "seq") - 1 AS k FROM "GraphNode" WHERE "machineId" = $1)
     INSERT INTO "GraphEdge" ("id", "machineId", "sourceNodeId", "targetNodeId", "type", "label", "data", "updatedAt")
     SELECT gen_random_uuid()::text, $1, s."id", t."id", 'connects', CASE WHEN i % 2 = 0 THEN 'e' || i END,
            jsonb_build_object('weight', i % 7), now()
     FROM generate_series(0, $2::int - 1) AS i
     JOIN n s ON s.k = i % $3
     JOIN n t ON t.k = (i * 7 + 1) % $3`,
    [machineId, edges, nodes],
  );
  await pool.query('ANALYZE "GraphNode"; ANALYZE "GraphEdge"');
}
