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
    async renewAgentLeases(agentId, leaseExpiresAt) {
      await db.runtimeEndpoint.updateMany({ where: { agentId, source: 'agent' }, data: { leaseExpiresAt } });
      const rows = await db.runtimeEndpoint.findMany({ where: { agentId, source: 'agent' } });
      return rows.map(endpointView);
    },
    async listLapsed(now) {
      const rows = await db.runtimeEndpoint.findMany({
        where: { leaseExpiresAt: { lt: now }, status: { not: 'unreachable' } },
        take: 500,
      });
      return rows.map(endpointView);
    },
    async setStatus(id, patch) {
      return endpointView(await db.runtimeEndpoint.update({ where: { id }, data: patch }));
    },
  };
}
