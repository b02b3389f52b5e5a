import type { GraphEdgeView, GraphNodeView } from '@mm/contracts';
import type { GraphRepo } from '@mm/core';
import { Prisma } from '../generated/prisma/client.ts';
import type { GraphEdge, GraphNode } from '../generated/prisma/client.ts';
import { asRecord, iso } from './paging.ts';
import type { Tx } from './tx.ts';

/** Rows as the views read them: `viewJson` (the trigger's copy of the view) is not needed. */
type NodeRow = Omit<GraphNode, 'viewJson'>;
type EdgeRow = Omit<GraphEdge, 'viewJson'>;

export function nodeView(row: NodeRow): GraphNodeView {
  return {
    id: row.id,
    machineId: row.machineId,
    type: row.type as GraphNodeView['type'],
    refId: row.refId,
    title: row.title,
    status: row.status as GraphNodeView['status'],
    position: { x: row.positionX, y: row.positionY },
    data: asRecord(row.data),
    version: row.version,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function edgeView(row: EdgeRow): GraphEdgeView {
  return {
    id: row.id,
    machineId: row.machineId,
    sourceNodeId: row.sourceNodeId,
    targetNodeId: row.targetNodeId,
    type: row.type as GraphEdgeView['type'],
    ...(row.label !== null && { label: row.label }),
    data: asRecord(row.data),
    version: row.version,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

const json = (v: Record<string, unknown>) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonObject;

/**
 * The graph view as JSON text: each row's view (`nodeView`, `edgeView`: same fields, same order,
 * `label` omitted when unset) is kept in its `viewJson` column by a trigger on every write
 * (migration 20261203110406_graph_view_json), so reading a graph only concatenates stored text: no
 * per-row objects in Node and no JSON building per read (docs/database.md "JSON built in the
 * database"). Each table's rows come in `seq` order from its (`machineId`, `seq`) index through a
 * sorted subquery, which the aggregate consumes in that order: no sort, so no spill to disk
 * (an ordered `string_agg(… ORDER BY seq)` sorted 10,000 edge views past `work_mem`).
 *
 * One statement, so one snapshot, reads the machine's graph version too (docs/database.md "The
 * graph answer cache"): `$2` is the version of the process's cached answer, if any; when it is
 * still current the body is not built (NULL) and the cached answer is served.
 */
const GRAPH_JSON = `SELECT v."version", CASE WHEN $2::bigint IS NOT NULL AND v."version" = $2::bigint THEN NULL ELSE
  '{"nodes":[' || coalesce((SELECT string_agg(s."viewJson", ',') FROM (SELECT n."viewJson" FROM "GraphNode" n
      WHERE n."machineId" = $1 ORDER BY n."machineId", n."seq") s), '')
  || '],"edges":[' || coalesce((SELECT string_agg(s."viewJson", ',') FROM (SELECT e."viewJson" FROM "GraphEdge" e
      WHERE e."machineId" = $1 ORDER BY e."machineId", e."seq") s), '')
  || ']}' END AS "body"
  FROM (SELECT (SELECT g."version" FROM "GraphVersion" g WHERE g."machineId" = $1) AS "version") v`;

/**
 * The process's copy of finished GET graph answers (docs/database.md "The graph answer cache"), one
 * per store: per machine, the answer's bytes and the graph version they were built at. Bounded by
 * bytes (`maxBytes`, least recently used first out); an answer larger than the bound is not kept.
 */
export interface GraphCache {
  readonly maxBytes: number;
  get(machineId: string): { version: bigint; body: Buffer } | undefined;
  set(machineId: string, version: bigint, body: Buffer): void;
  /** Bytes held now (tests, metrics). */
  bytes(): number;
}

export const DEFAULT_GRAPH_CACHE_BYTES = 64 * 1024 * 1024;

export function createGraphCache(maxBytes = DEFAULT_GRAPH_CACHE_BYTES): GraphCache {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  const entries = new Map<string, { version: bigint; body: Buffer }>();
  let total = 0;
  const remove = (machineId: string) => {
    const e = entries.get(machineId);
    if (!e) return;
    entries.delete(machineId);
    total -= e.body.length;
  };
  return {
    maxBytes,
    get(machineId) {
      const e = entries.get(machineId);
      if (!e) return undefined;
      entries.delete(machineId);
      entries.set(machineId, e);
      return e;
    },
    set(machineId, version, body) {
      const current = entries.get(machineId);
      // Versions of one machine grow along its writes: never replace a newer answer by an older one.
      if (current && current.version >= version) return;
      remove(machineId);
      if (body.length > maxBytes) return;
      entries.set(machineId, { version, body });
      total += body.length;
      for (const [id] of entries) {
        if (total <= maxBytes) break;
        remove(id);
      }
    },
    bytes: () => total,
  };
}

/** The columns `nodeView` reads (not `viewJson`), for raw statements over many rows. */
const NODE_FIELDS = [
  'id',
  'machineId',
  'type',
  'refId',
  'title',
  'status',
  'positionX',
  'positionY',
  'data',
  'version',
  'createdAt',
  'updatedAt',
];
const NODE_COLUMNS = Prisma.raw(NODE_FIELDS.map((f) => `"${f}"`).join(', '));
const NODE_COLUMNS_OF_N = Prisma.raw(NODE_FIELDS.map((f) => `n."${f}"`).join(', '));

const EMPTY_GRAPH = Buffer.from('{"nodes":[],"edges":[]}');

export function graphRepo(db: Tx, cache: GraphCache = createGraphCache(0)): GraphRepo {
  return {
    async getGraphJson(machineId) {
      const cached = cache.get(machineId);
      const [row] = await db.$queryRawUnsafe<{ version: bigint | null; body: string | null }[]>(
        GRAPH_JSON,
        machineId,
        cached ? cached.version.toString() : null,
      );
      const version = row?.version ?? null;
      // No body: the cached answer's version is still the machine's.
      if (cached && version === cached.version && typeof row?.body !== 'string') {
        return { body: cached.body, version: version.toString() };
      }
      const body = row?.body ? Buffer.from(row.body) : EMPTY_GRAPH;
      // No version row: the machine has never had a graph write (empty graph); nothing worth keeping.
      if (version !== null) cache.set(machineId, version, body);
      return { body, version: version?.toString() ?? null };
    },
    // Takes the machine's graph version row lock first, before any graph row lock, so writers of
    // one machine queue on it and cannot deadlock with each other (docs/database.md "The graph answer
    // cache"); the statement triggers bump it again in the same transaction at no further wait.
    async touchVersion(machineId) {
      await db.$executeRaw`SELECT "mm_graph_version_touch"(ARRAY[${machineId}]::text[])`;
    },
    async getGraph(machineId) {
      const [nodes, edges] = await Promise.all([
        db.graphNode.findMany({ where: { machineId }, orderBy: { seq: 'asc' }, omit: { viewJson: true } }),
        db.graphEdge.findMany({ where: { machineId }, orderBy: { seq: 'asc' }, omit: { viewJson: true } }),
      ]);
      return { nodes: nodes.map(nodeView), edges: edges.map(edgeView) };
    },
    // Row locks (docs/concurrency.md): a read-modify-write of one node or edge holds its row until
    // commit, so concurrent PATCHes merge one after the other and a node delete waits for the edge
    // inserts that reference it (their foreign-key check holds a KEY SHARE lock on the node).
    async lockNode(machineId, nodeId) {
      await db.$queryRaw`SELECT 1 FROM "GraphNode" WHERE "id" = ${nodeId} AND "machineId" = ${machineId} FOR UPDATE`;
      const row = await db.graphNode.findFirst({ where: { id: nodeId, machineId } });
      return row ? nodeView(row) : null;
    },
    async lockEdge(machineId, edgeId) {
      await db.$queryRaw`SELECT 1 FROM "GraphEdge" WHERE "id" = ${edgeId} AND "machineId" = ${machineId} FOR UPDATE`;
      const row = await db.graphEdge.findFirst({ where: { id: edgeId, machineId } });
      return row ? edgeView(row) : null;
    },
    // Bulk moves (auto-layout) are set-based (docs/concurrency.md "Graph"): one locking read in id
    // order and one UPDATE … FROM unnest … RETURNING, whatever the number of nodes.
    async lockNodes(machineId, nodeIds) {
      if (!nodeIds.length) return [];
      const rows = await db.$queryRaw<NodeRow[]>`
        SELECT ${NODE_COLUMNS} FROM "GraphNode" WHERE "machineId" = ${machineId} AND "id" = ANY(${nodeIds}::text[])
        ORDER BY "id" FOR UPDATE`;
      return rows.map(nodeView);
    },
    async moveNodes(machineId, moves) {
      if (!moves.length) return [];
      const ids = moves.map((m) => m.nodeId);
      const rows = await db.$queryRaw<NodeRow[]>`
        UPDATE "GraphNode" AS n
        SET "positionX" = v.x, "positionY" = v.y, "version" = n."version" + 1, "updatedAt" = now()
        FROM unnest(${ids}::text[], ${moves.map((m) => m.x)}::float8[], ${moves.map((m) => m.y)}::float8[]) AS v(id, x, y)
        WHERE n."id" = v.id AND n."machineId" = ${machineId}
        RETURNING ${NODE_COLUMNS_OF_N}`;
      return rows.map(nodeView);
    },
    async lockGraph(machineId) {
      // One transaction at a time may add to a machine's graph, so the size limit holds exactly.
      await db.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`graph:${machineId}`}))::text AS locked`;
    },
    async counts(machineId) {
      const [nodes, edges] = await Promise.all([
        db.graphNode.count({ where: { machineId } }),
        db.graphEdge.count({ where: { machineId } }),
      ]);
      return { nodes, edges };
    },
    async getNode(machineId, nodeId) {
      const row = await db.graphNode.findFirst({ where: { id: nodeId, machineId } });
      return row ? nodeView(row) : null;
    },
    async createNode(input) {
      const row = await db.graphNode.create({
        data: {
          machineId: input.machineId,
          type: input.type,
          refId: input.refId ?? null,
          title: input.title,
          status: input.status,
          positionX: input.position.x,
          positionY: input.position.y,
          data: json(input.data),
        },
      });
      return nodeView(row);
    },
    async updateNode(nodeId, patch) {
      const row = await db.graphNode.update({
        where: { id: nodeId },
        data: {
          ...(patch.type !== undefined && { type: patch.type }),
          ...(patch.title !== undefined && { title: patch.title }),
          ...(patch.refId !== undefined && { refId: patch.refId }),
          ...(patch.status !== undefined && { status: patch.status }),
          ...(patch.position && { positionX: patch.position.x, positionY: patch.position.y }),
          ...(patch.data && { data: json(patch.data) }),
          version: { increment: 1 },
        },
      });
      return nodeView(row);
    },
    async deleteNode(nodeId) {
      // Its edges go with it (ON DELETE CASCADE); the service audits each one first.
      await db.graphNode.delete({ where: { id: nodeId } });
    },
    async getEdge(machineId, edgeId) {
      const row = await db.graphEdge.findFirst({ where: { id: edgeId, machineId } });
      return row ? edgeView(row) : null;
    },
    async edgesOfNode(nodeId) {
      const rows = await db.graphEdge.findMany({
        where: { OR: [{ sourceNodeId: nodeId }, { targetNodeId: nodeId }] },
        orderBy: { seq: 'asc' },
        omit: { viewJson: true },
      });
      return rows.map(edgeView);
    },
    async createEdge(machineId, input) {
      const row = await db.graphEdge.create({
        data: {
          machineId,
          sourceNodeId: input.sourceNodeId,
          targetNodeId: input.targetNodeId,
          type: input.type,
          label: input.label ?? null,
          data: json(input.data),
        },
      });
      return edgeView(row);
    },
    async updateEdge(edgeId, patch) {
      const row = await db.graphEdge.update({
        where: { id: edgeId },
        data: {
          ...(patch.type !== undefined && { type: patch.type }),
          ...(patch.label !== undefined && { label: patch.label }),
          ...(patch.data && { data: json(patch.data) }),
          version: { increment: 1 },
        },
      });
      return edgeView(row);
    },
    async deleteEdge(edgeId) {
      await db.graphEdge.delete({ where: { id: edgeId } });
    },
  };
}
