import type { RuntimeEndpointView } from '@mm/contracts';
import { nextHealth } from '@mm/core';
import type { ProbeClaim, RuntimeEndpointRepo } from '@mm/core';
import { Prisma } from '../generated/prisma/client.ts';
import type { RuntimeEndpoint } from '../generated/prisma/client.ts';
import { iso, isoOrNull, isoSql, pageOf } from './paging.ts';
import type { Tx } from './tx.ts';

/**
 * The mapper reads the ciphertext column only to say whether a credential is stored; it never
 * copies it into the view. The ciphertext leaves this file only through `getCredential` (and, for the
 * walk, `lifecycle.hopTarget` and the claim `lifecycle.startExecution`, which reads the first hop's).
 */
export function endpointView(row: RuntimeEndpoint): RuntimeEndpointView {
  return {
    id: row.id,
    machineId: row.machineId,
    providerKey: row.providerKey,
    source: row.source as RuntimeEndpointView['source'],
    agentId: row.agentId,
    label: row.label,
    endpointBaseUrl: row.endpointBaseUrl,
    authType: row.authType as RuntimeEndpointView['authType'],
    hasAuthToken: row.authTokenCipher !== null,
    modelAlias: row.modelAlias,
    networkScope: row.networkScope as RuntimeEndpointView['networkScope'],
    probePath: row.probePath,
    status: row.status as RuntimeEndpointView['status'],
    leaseExpiresAt: isoOrNull(row.leaseExpiresAt),
    lastCheckedAt: isoOrNull(row.lastCheckedAt),
    lastHealthyAt: isoOrNull(row.lastHealthyAt),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

const ISO = (col: string) => Prisma.raw(isoSql(col));

/**
 * `endpointView` in SQL, field for field, over the row alias `a` (the sweep's audit payloads,
 * discovery's read): the ciphertext only says whether a credential is stored.
 */
export const endpointJson = (a: string) => `json_build_object(
  'id', ${a}."id", 'machineId', ${a}."machineId", 'providerKey', ${a}."providerKey", 'source', ${a}."source",
  'agentId', ${a}."agentId", 'label', ${a}."label", 'endpointBaseUrl', ${a}."endpointBaseUrl",
  'authType', ${a}."authType", 'hasAuthToken', ${a}."authTokenCipher" IS NOT NULL, 'modelAlias', ${a}."modelAlias",
  'networkScope', ${a}."networkScope", 'probePath', ${a}."probePath", 'status', ${a}."status",
  'leaseExpiresAt', ${isoSql(`${a}."leaseExpiresAt"`)}, 'lastCheckedAt', ${isoSql(`${a}."lastCheckedAt"`)},
  'lastHealthyAt', ${isoSql(`${a}."lastHealthyAt"`)}, 'createdAt', ${isoSql(`${a}."createdAt"`)},
  'updatedAt', ${isoSql(`${a}."updatedAt"`)})`;

export function endpointRepo(db: Tx): RuntimeEndpointRepo {
  return {
    async list(machineId, page) {
      return pageOf((args) => db.runtimeEndpoint.findMany(args), { machineId }, page, endpointView);
    },
    async listAll(machineId) {
      const rows = await db.runtimeEndpoint.findMany({ where: { machineId }, orderBy: { seq: 'asc' } });
      return rows.map(endpointView);
    },
    async get(machineId, providerKey) {
      const row = await db.runtimeEndpoint.findUnique({ where: { machineId_providerKey: { machineId, providerKey } } });
      return row ? endpointView(row) : null;
    },
    async upsert(machineId, write) {
      const existing = await db.runtimeEndpoint.findUnique({
        where: { machineId_providerKey: { machineId, providerKey: write.providerKey } },
        select: { id: true, status: true, endpointBaseUrl: true, probePath: true },
      });
      const { authTokenCipher, probeNow, ...rest } = write;
      // A write that sets another status, URL or probe path starts the hysteresis over from it
      // (docs/liveness.md "Probing": a status set by hand holds until the next probe says otherwise).
      const fresh =
        !existing ||
        existing.status !== write.status ||
        existing.endpointBaseUrl !== write.endpointBaseUrl ||
        existing.probePath !== write.probePath;
      const data = {
        ...rest,
        ...(authTokenCipher !== undefined && { authTokenCipher }),
        ...(fresh && { failureCount: 0, successCount: 0 }),
        ...(probeNow && { nextProbeAt: null }),
      };
      const row = await db.runtimeEndpoint.upsert({
        where: { machineId_providerKey: { machineId, providerKey: write.providerKey } },
        create: { machineId, ...data },
        update: data,
      });
      return { item: endpointView(row), created: !existing };
    },
    async delete(machineId, providerKey) {
      const res = await db.runtimeEndpoint.deleteMany({ where: { machineId, providerKey } });
      return res.count > 0;
    },
    async getCredential(machineId, providerKey) {
      const row = await db.runtimeEndpoint.findUnique({
        where: { machineId_providerKey: { machineId, providerKey } },
        select: { authTokenCipher: true },
      });
      return row?.authTokenCipher ?? null;
    },
    async lockAgentEndpoints(agentId) {
      await db.$queryRaw`SELECT 1 FROM "RuntimeEndpoint" WHERE "agentId" = ${agentId} AND "source" = 'agent' ORDER BY "id" FOR UPDATE`;
      const rows = await db.runtimeEndpoint.findMany({ where: { agentId, source: 'agent' }, orderBy: { seq: 'asc' } });
      return rows.map(endpointView);
    },
    async sweepLapsed(now, limit, by, after) {
      // One set-based statement, auto-committed (docs/database.md "Set-based writes"): claim lapsed
      // rows with SKIP LOCKED, flip them, and insert each one's audit event with the payload the
      // event has always had (the endpoint's view, as endpointView builds it, from, to, reason).
      // Rows come in (leaseExpiresAt, id) order from the index of those columns, after the previous
      // batch's last row: endpoints already `unreachable` keep their lapsed lease in the index, and
      // starting every batch from the oldest lease re-read all the earlier batches' rows
      // (quadratic in a pass; docs/database.md "Set-based writes").
      const cursor = after
        ? Prisma.sql`AND ("leaseExpiresAt", "id") > (${after.leaseExpiresAt}::timestamptz, ${after.id}::text)`
        : Prisma.empty;
      const [row] = await db.$queryRaw<{ n: number; lastLease: Date | null; lastId: string | null }[]>`
        WITH lapsed AS (
          SELECT "id", "status", "leaseExpiresAt" FROM "RuntimeEndpoint"
          WHERE "leaseExpiresAt" < ${now} AND "status" <> 'unreachable' ${cursor}
          ORDER BY "leaseExpiresAt", "id"
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        ), flipped AS (
          UPDATE "RuntimeEndpoint" e
          SET "status" = 'unreachable', "lastCheckedAt" = ${now}, "updatedAt" = ${now}
          FROM lapsed WHERE e."id" = lapsed."id"
          RETURNING e.*, lapsed."status" AS "from"
        ), audit AS (
          INSERT INTO "AuditEvent" ("id", "actor", "principal", "machineId", "type", "resourceType", "resourceId", "payload")
          SELECT gen_random_uuid()::text, ${by.actor}, ${by.principal}, f."machineId", 'runtime-endpoint.status-changed',
            'runtime-endpoint', f."id",
            jsonb_build_object(
              'endpoint', ${Prisma.raw(endpointJson('f'))},
              'from', f."from", 'to', 'unreachable',
              'reason', 'lease expired at ' || coalesce(${ISO('f."leaseExpiresAt"')}, 'unknown'))
          FROM flipped f ORDER BY f."leaseExpiresAt", f."id"
          RETURNING 1
        ), last AS (
          SELECT "leaseExpiresAt", "id" FROM lapsed ORDER BY "leaseExpiresAt" DESC, "id" DESC LIMIT 1
        )
        SELECT (SELECT count(*)::int FROM audit) AS "n", last."leaseExpiresAt" AS "lastLease", last."id" AS "lastId"
        FROM (SELECT 1) AS one LEFT JOIN last ON true`;
      const last = row?.lastLease && row.lastId ? { leaseExpiresAt: row.lastLease, id: row.lastId } : null;
      return { count: row?.n ?? 0, last };
    },
    async renewAgentLeases(agentId, leaseExpiresAt) {
      await db.runtimeEndpoint.updateMany({ where: { agentId, source: 'agent' }, data: { leaseExpiresAt } });
      const rows = await db.runtimeEndpoint.findMany({ where: { agentId, source: 'agent' } });
      return rows.map(endpointView);
    },
    async claimDueForProbe(now, nextProbeAt, limit) {
      // One statement (docs/liveness.md "Probing"): claim due rows with SKIP LOCKED and move their
      // next probe forward, so no other process claims them in this interval. Lapsed leases and
      // revoked agents are not probed: the lease is the agent's liveness, and revocation is final.
      // Raw SQL leaves updatedAt alone: scheduling a probe is not a change of the endpoint.
      return db.$queryRaw<ProbeClaim[]>`
        WITH due AS (
          SELECT e."id" FROM "RuntimeEndpoint" e
          JOIN "Machine" m ON m."id" = e."machineId" AND m."status" = 'active'
          LEFT JOIN "MachineAgent" a ON a."id" = e."agentId"
          WHERE (e."nextProbeAt" IS NULL OR e."nextProbeAt" <= ${now})
            AND (e."leaseExpiresAt" IS NULL OR e."leaseExpiresAt" >= ${now})
            AND (a."id" IS NULL OR a."status" <> 'revoked')
          ORDER BY e."nextProbeAt" ASC NULLS FIRST
          LIMIT ${limit}
          FOR UPDATE OF e SKIP LOCKED
        )
        UPDATE "RuntimeEndpoint" e SET "nextProbeAt" = ${nextProbeAt}
        FROM due WHERE e."id" = due."id"
        RETURNING e."id", e."machineId", e."providerKey", e."endpointBaseUrl", e."probePath",
          e."networkScope", e."authType", e."authTokenCipher"`;
    },
    async observe(id, o) {
      // Row lock first; every check below reads after it (a new statement, so a new snapshot): a
      // revoke or a lease sweep that committed while this waited is seen, one still to come runs
      // after this commit and wins (docs/liveness.md "Probing").
      const locked = await db.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "RuntimeEndpoint" WHERE "id" = ${id} FOR UPDATE`;
      if (!locked.length) return null;
      const row = await db.runtimeEndpoint.findUnique({ where: { id } });
      if (!row) return null;
      if (o.endpointBaseUrl !== undefined && row.endpointBaseUrl !== o.endpointBaseUrl) return null;
      if (row.leaseExpiresAt && row.leaseExpiresAt < o.at) return null;
      if (row.agentId) {
        const agent = await db.machineAgent.findUnique({ where: { id: row.agentId }, select: { status: true } });
        if (agent?.status === 'revoked') return null;
      }
      const from = row.status as RuntimeEndpointView['status'];
      const next = nextHealth(
        { status: from, failureCount: row.failureCount, successCount: row.successCount },
        o.healthy,
        o,
      );
      const updated = await db.runtimeEndpoint.update({
        where: { id },
        data: {
          ...next,
          lastCheckedAt: o.at,
          ...(o.healthy && { lastHealthyAt: o.at }),
        },
      });
      return { endpoint: endpointView(updated), from };
    },
    async setStatus(id, patch) {
      return endpointView(await db.runtimeEndpoint.update({ where: { id }, data: patch }));
    },
  };
}
