import { CURSOR_MESSAGE, encodeTimeCursor, parseCursor } from '@mm/contracts';
import type { AuditEventView, ListResponse } from '@mm/contracts';
import { AppError, currentPrincipal } from '@mm/core';
import type { AuditInput, AuditRepo, Page } from '@mm/core';
import { Prisma } from '../generated/prisma/client.ts';
import type { AuditEvent } from '../generated/prisma/client.ts';
import { asRecord, decodeCursor, encodeCursor, iso, isoSql } from './paging.ts';
import type { Tx } from './tx.ts';

export function auditView(row: AuditEvent): AuditEventView {
  return {
    id: row.id,
    actor: row.actor,
    principal: row.principal,
    machineId: row.machineId,
    type: row.type,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    payload: asRecord(row.payload),
    createdAt: iso(row.createdAt),
  };
}

/** Payload members that hold a machine's resource, in the order the backfill migration reads them. */
const MACHINE_MEMBERS = ['node', 'edge', 'task', 'endpoint', 'agent', 'run', 'route', 'outcome'] as const;

/**
 * The machine an event belongs to (context C7), when the caller did not say: the machine itself,
 * or the `machineId` of the resource view in the payload. Same rule as the backfill in migration
 * 20261202055653_concurrency_versions_claims.
 */
export function machineIdOf(event: AuditInput): string | null {
  if (event.machineId !== undefined) return event.machineId;
  if (event.resourceType === 'machine') return event.resourceId;
  for (const member of MACHINE_MEMBERS) {
    const id = asRecord(event.payload[member]).machineId;
    if (typeof id === 'string') return id;
  }
  const direct = event.payload.machineId;
  return typeof direct === 'string' ? direct : null;
}

/** A time-ordered list takes only the cursors it hands out (docs/api.md "Paging"). */
function decodeTimeCursor(cursor: string): { at: Date; seq: bigint } {
  const parsed = parseCursor(cursor);
  if (parsed?.kind !== 'time') {
    throw new AppError('VALIDATION_ERROR', `cursor ${CURSOR_MESSAGE}`, { fields: { cursor: CURSOR_MESSAGE } });
  }
  return parsed;
}

function rowOf(event: AuditInput) {
  return {
    actor: event.actor,
    type: event.type,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    principal: event.principal ?? currentPrincipal(),
    machineId: machineIdOf(event),
    payload: JSON.parse(JSON.stringify(event.payload)) as Prisma.InputJsonObject,
  };
}

/** `LIKE` wildcards and its escape character taken literally: a type prefix is a plain prefix. */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** One event's view (`auditView`: same fields, same order) as JSON, built by the database. */
const EVENT_JSON = Prisma.raw(
  `json_build_object('id', e."id", 'actor', e."actor", 'principal', e."principal", 'machineId', e."machineId",
    'type', e."type", 'resourceType', e."resourceType", 'resourceId', e."resourceId",
    'payload', CASE WHEN jsonb_typeof(e."payload") = 'object' THEN e."payload" ELSE '{}'::jsonb END,
    'createdAt', ${isoSql('e."createdAt"')})`,
);

const BY_SEQ = Prisma.sql`e."seq" DESC`;
const BY_TIME = Prisma.sql`e."createdAt" DESC, e."seq" DESC`;

/**
 * One page of events in one statement whose answer is one row (docs/database.md "Audit lists"): the
 * page's views as one JSON array built by the database, how many rows matched up to `limit + 1`
 * (so whether another page exists), and the last item's keys for the cursor. Through the ORM, the
 * page cost several times the statement: per-row argument and result mapping in Node.
 */
async function pageJson(
  db: Tx,
  conditions: Prisma.Sql[],
  order: 'seq' | 'time',
  limit: number,
): Promise<ListResponse<AuditEventView>> {
  const orderBy = order === 'seq' ? BY_SEQ : BY_TIME;
  const where = conditions.length ? Prisma.join(conditions, ' AND ') : Prisma.sql`TRUE`;
  const [row] = await db.$queryRaw<{ items: string; n: number; lastSeq: bigint | null; lastAt: Date | null }[]>`
    SELECT coalesce(json_agg(p."j" ORDER BY p."k") FILTER (WHERE p."k" <= ${limit}::int), '[]')::text AS "items",
           count(*)::int AS "n",
           max(p."seq") FILTER (WHERE p."k" = ${limit}::int) AS "lastSeq",
           max(p."createdAt") FILTER (WHERE p."k" = ${limit}::int) AS "lastAt"
    FROM (SELECT row_number() OVER (ORDER BY ${orderBy}) AS "k", e."seq", e."createdAt", ${EVENT_JSON} AS "j"
          FROM "AuditEvent" e WHERE ${where} ORDER BY ${orderBy} LIMIT ${limit + 1}::int) p`;
  const items = JSON.parse(row?.items ?? '[]') as AuditEventView[];
  if (!row || row.n <= limit || row.lastSeq === null) return { items };
  const nextCursor =
    order === 'seq' || !row.lastAt ? encodeCursor(row.lastSeq) : encodeTimeCursor(row.lastAt, row.lastSeq);
  return { items, nextCursor };
}

/**
 * The filter of a list as SQL conditions, the same as the ORM's `where` they replace: a type ending
 * in `*` is a prefix; `visibleTo` keeps the events of the owner's machines and its own machine-less
 * events (context C3).
 */
function filterSql(filter: Parameters<AuditRepo['list']>[0]): Prisma.Sql[] {
  const out: Prisma.Sql[] = [];
  const type = filter.type;
  if (type) {
    out.push(
      type.endsWith('*') ? Prisma.sql`e."type" LIKE ${likePrefix(type.slice(0, -1))}` : Prisma.sql`e."type" = ${type}`,
    );
  }
  if (filter.resourceType) out.push(Prisma.sql`e."resourceType" = ${filter.resourceType}`);
  if (filter.resourceId) out.push(Prisma.sql`e."resourceId" = ${filter.resourceId}`);
  if (filter.visibleTo) {
    out.push(Prisma.sql`(e."machineId" = ANY(${filter.visibleTo.machineIds}::text[])
      OR (e."machineId" IS NULL AND e."principal" = ${filter.visibleTo.principal}))`);
  }
  if (filter.machineId) out.push(Prisma.sql`e."machineId" = ${filter.machineId}`);
  if (filter.principal) out.push(Prisma.sql`e."principal" = ${filter.principal}`);
  return out;
}

/**
 * A list with a time range, newest first by (`createdAt`, `seq`) (docs/api.md "Paging", docs/database.md
 * "Audit indexes"): the range and the cursor are both bounds of the (`createdAt`, `seq`) index, so a
 * page reads about `limit` index entries wherever the range lies in the log. Ordering such a list by
 * `seq` alone made the planner walk the whole log backwards discarding rows outside the range.
 */
function timePage(
  db: Tx,
  conditions: Prisma.Sql[],
  range: { since?: Date | undefined; until?: Date | undefined },
  page: Page,
): Promise<ListResponse<AuditEventView>> {
  const after = page.cursor ? decodeTimeCursor(page.cursor) : undefined;
  const upper = [range.until, after?.at].filter((d): d is Date => d !== undefined);
  const until = upper.length ? new Date(Math.min(...upper.map((d) => d.getTime()))) : undefined;
  const bounds = [
    ...(range.since ? [Prisma.sql`e."createdAt" >= ${range.since}`] : []),
    ...(until ? [Prisma.sql`e."createdAt" <= ${until}`] : []),
    ...(after
      ? [Prisma.sql`(e."createdAt" < ${after.at} OR (e."createdAt" = ${after.at} AND e."seq" < ${after.seq}))`]
      : []),
  ];
  return pageJson(db, [...conditions, ...bounds], 'time', page.limit);
}

export function auditRepo(db: Tx): AuditRepo {
  return {
    async record(event) {
      return auditView(await db.auditEvent.create({ data: rowOf(event) }));
    },
    async recordMany(events) {
      if (!events.length) return;
      // One statement and one JSON parameter for the whole batch (docs/database.md "Set-based
      // writes"): the ORM's per-row argument handling cost more than the insert itself. Rows keep
      // the batch's order, so their `seq`s follow it.
      const rows = events.map((e) => ({
        actor: e.actor,
        principal: e.principal ?? currentPrincipal(),
        machineId: machineIdOf(e),
        type: e.type,
        resourceType: e.resourceType,
        resourceId: e.resourceId,
        payload: e.payload,
      }));
      await db.$executeRaw`
        INSERT INTO "AuditEvent" ("id", "actor", "principal", "machineId", "type", "resourceType", "resourceId", "payload")
        SELECT gen_random_uuid()::text, e.v->>'actor', e.v->>'principal', e.v->>'machineId', e.v->>'type',
               e.v->>'resourceType', e.v->>'resourceId', e.v->'payload'
        FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) WITH ORDINALITY AS e(v, n)
        ORDER BY e.n`;
    },
    list(filter, page) {
      const conditions = filterSql(filter);
      if (!filter.since && !filter.until) {
        const before = page.cursor ? [Prisma.sql`e."seq" < ${decodeCursor(page.cursor)}`] : [];
        return pageJson(db, [...conditions, ...before], 'seq', page.limit);
      }
      return timePage(db, conditions, { since: filter.since, until: filter.until }, page);
    },
    async readAfter(machineId, after, upTo, limit) {
      if (upTo <= after) return [];
      const rows = await db.auditEvent.findMany({
        where: { machineId, seq: { gt: after, lte: upTo } },
        orderBy: { seq: 'asc' },
        take: limit,
      });
      return rows.map((row) => ({ seq: row.seq.toString(), event: auditView(row) }));
    },
    async feedHorizon() {
      // Two statements, in this order (docs/liveness.md "The change feed"): the sequence's last
      // value first, then the snapshot. A writer takes its transaction id before its seq (the
      // insert trigger), so every seq up to `lastSeq` belongs to a transaction that had ended or
      // is listed in progress in the snapshot read after it.
      const [seq] = await db.$queryRaw<{ last: bigint | null }[]>`
        SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS "last" FROM "AuditEvent_seq_seq"`;
      const xip = await db.$queryRaw<{ xid: string }[]>`
        SELECT x::text AS "xid" FROM pg_snapshot_xip(pg_current_snapshot()) AS x`;
      return { lastSeq: BigInt(seq?.last ?? 0), inProgress: xip.map((r) => r.xid) };
    },
    async stillInProgress(xids) {
      if (!xids.length) return [];
      const rows = await db.$queryRaw<{ xid: string }[]>`
        SELECT x AS "xid" FROM unnest(${xids}::text[]) AS x
        WHERE pg_xact_status(x::xid8) = 'in progress'`;
      return rows.map((r) => r.xid);
    },
    async lastSeqOf(machineId) {
      const row = await db.auditEvent.findFirst({
        where: { machineId },
        orderBy: { seq: 'desc' },
        select: { seq: true },
      });
      return row?.seq ?? 0n;
    },
    async pruneBefore(before, limit) {
      // Set-based and bounded (context C7): one DELETE of at most `limit` rows, skipping rows
      // another process is deleting.
      return db.$executeRaw`
        DELETE FROM "AuditEvent" WHERE "seq" IN (
          SELECT "seq" FROM "AuditEvent" WHERE "createdAt" < ${before}
          ORDER BY "seq" LIMIT ${limit} FOR UPDATE SKIP LOCKED
        )`;
    },
  };
}
