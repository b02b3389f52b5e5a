import type { RuntimeEndpointView } from '@mm/contracts';
import type { RuntimeEndpointRepo } from '@mm/core';
import type { RuntimeEndpoint } from '../generated/prisma/client.ts';
import { iso, isoOrNull, pageOf } from './paging.ts';
import type { Tx } from './tx.ts';

/** Every column but the credential ciphertext: a view can only say whether one is stored. */
const select = {
  id: true,
  seq: true,
  machineId: true,
  providerKey: true,
  source: true,
  agentId: true,
  label: true,
  endpointBaseUrl: true,
  authType: true,
  modelAlias: true,
  networkScope: true,
  probePath: true,
  status: true,
  leaseExpiresAt: true,
  lastCheckedAt: true,
  lastHealthyAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

type Row = Omit<RuntimeEndpoint, 'authTokenCipher'>;

async function withTokenFlags(db: Tx, rows: Row[]): Promise<RuntimeEndpointView[]> {
  if (!rows.length) return [];
  const withToken = await db.runtimeEndpoint.findMany({
    where: { id: { in: rows.map((r) => r.id) }, authTokenCipher: { not: null } },
    select: { id: true },
  });
  const has = new Set(withToken.map((r) => r.id));
  return rows.map((r) => endpointView(r, has.has(r.id)));
}

export function endpointView(row: Row, hasAuthToken: boolean): RuntimeEndpointView {
  return {
    id: row.id,
    machineId: row.machineId,
    providerKey: row.providerKey,
    source: row.source as RuntimeEndpointView['source'],
    agentId: row.agentId,
    label: row.label,
    endpointBaseUrl: row.endpointBaseUrl,
    authType: row.authType as RuntimeEndpointView['authType'],
    hasAuthToken,
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
  const one = async (row: Row | null) => (row ? ((await withTokenFlags(db, [row]))[0] ?? null) : null);
  return {
    async list(machineId, page) {
      const result = await pageOf(
        (args) => db.runtimeEndpoint.findMany({ ...args, select }),
        { machineId },
        page,
        (r) => r,
      );
      return { ...result, items: await withTokenFlags(db, result.items) };
    },
    async listAll(machineId) {
      return withTokenFlags(
        db,
        await db.runtimeEndpoint.findMany({ where: { machineId }, select, orderBy: { seq: 'asc' } }),
      );
    },
    async get(machineId, providerKey) {
      return one(
        await db.runtimeEndpoint.findUnique({ where: { machineId_providerKey: { machineId, providerKey } }, select }),
      );
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
        select,
      });
      const item = await one(row);
      if (!item) throw new Error('upserted endpoint vanished');
      return { item, created: !existing };
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
      return withTokenFlags(db, await db.runtimeEndpoint.findMany({ where: { agentId, source: 'agent' }, select }));
    },
    async listLapsed(now) {
      const rows = await db.runtimeEndpoint.findMany({
        where: { leaseExpiresAt: { lt: now }, status: { not: 'unreachable' } },
        select,
        take: 500,
      });
      return withTokenFlags(db, rows);
    },
    async setStatus(id, patch) {
      const item = await one(await db.runtimeEndpoint.update({ where: { id }, data: patch, select }));
      if (!item) throw new Error('endpoint vanished');
      return item;
    },
  };
}
