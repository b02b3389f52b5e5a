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
 * database").
 */
const GRAPH_JSON = `SELECT '{"nodes":[' || coalesce(
    (SELECT string_agg(n."viewJson", ',' ORDER BY n."seq") FROM "GraphNode" n WHERE n."machineId" = $1), '')
  || '],"edges":[' || coalesce(
    (SELECT string_agg(e."viewJson", ',' ORDER BY e."seq") FROM "GraphEdge" e WHERE e."machineId" = $1), '')
  || ']}' AS "body"`;

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

export function graphRepo(db: Tx): GraphRepo {
  return {
    async getGraphJson(machineId) {
      const [row] = await db.$queryRawUnsafe<{ body: string }[]>(GRAPH_JSON, machineId);
      return row?.body ?? '{"nodes":[],"edges":[]}';
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
