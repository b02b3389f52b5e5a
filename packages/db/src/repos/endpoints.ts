import type { RuntimeEndpointView } from '@mm/contracts';
import type { RuntimeEndpointRepo } from '@mm/core';
import type { RuntimeEndpoint } from '../generated/prisma/client.ts';
import { iso, isoOrNull, pageOf } from './paging.ts';
import type { Tx } from './tx.ts';

/**
 * The mapper reads the ciphertext column only to say whether a credential is stored; it never
 * copies it into the view. The ciphertext leaves this file only through `getCredential`.
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
        select: { id: true },
      });
      const { authTokenCipher, ...rest } = write;
      const data = { ...rest, ...(authTokenCipher !== undefined && { authTokenCipher }) };
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
    async sweepLapsed(now, limit) {
      // One set-based pass (docs/concurrency.md): claim lapsed rows with SKIP LOCKED, flip them in
      // the same statement, and return what each was before, for its audit event.
      const flipped = await db.$queryRaw<{ id: string; from: string }[]>`
        WITH lapsed AS (
          SELECT "id", "status" FROM "RuntimeEndpoint"
          WHERE "leaseExpiresAt" < ${now} AND "status" <> 'unreachable'
          ORDER BY "leaseExpiresAt"
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        )
        UPDATE "RuntimeEndpoint" e
        SET "status" = 'unreachable', "lastCheckedAt" = ${now}, "updatedAt" = ${now}
        FROM lapsed WHERE e."id" = lapsed."id"
        RETURNING e."id", lapsed."status" AS "from"`;
      if (!flipped.length) return [];
      const from = new Map(flipped.map((f) => [f.id, f.from]));
      const rows = await db.runtimeEndpoint.findMany({ where: { id: { in: [...from.keys()] } } });
      return rows.map((row) => ({
        endpoint: endpointView(row),
        from: from.get(row.id) as RuntimeEndpointView['status'],
      }));
    },
    async renewAgentLeases(agentId, leaseExpiresAt) {
      await db.runtimeEndpoint.updateMany({ where: { agentId, source: 'agent' }, data: { leaseExpiresAt } });
      const rows = await db.runtimeEndpoint.findMany({ where: { agentId, source: 'agent' } });
      return rows.map(endpointView);
    },
    async setStatus(id, patch) {
      return endpointView(await db.runtimeEndpoint.update({ where: { id }, data: patch }));
    },
  };
}
