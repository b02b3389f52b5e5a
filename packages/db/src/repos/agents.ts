import type { MachineAgentView } from '@mm/contracts';
import type { AgentRepo } from '@mm/core';
import type { MachineAgent } from '../generated/prisma/client.ts';
import { iso, isoOrNull, pageOf } from './paging.ts';
import type { Tx } from './tx.ts';

const select = {
  id: true,
  seq: true,
  machineId: true,
  label: true,
  allowedProviderKeys: true,
  status: true,
  lastSeenAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

type Row = Omit<MachineAgent, 'tokenHash'>;

/** The token hash is never selected into a view; every enrolled agent has one. */
export function agentView(row: Row): MachineAgentView {
  return {
    id: row.id,
    machineId: row.machineId,
    label: row.label,
    allowedProviderKeys: row.allowedProviderKeys,
    status: row.status as MachineAgentView['status'],
    hasAgentToken: true,
    lastSeenAt: isoOrNull(row.lastSeenAt),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function agentRepo(db: Tx): AgentRepo {
  return {
    async create(input) {
      return agentView(await db.machineAgent.create({ data: { ...input, status: 'provisioned' }, select }));
    },
    async get(id) {
      const row = await db.machineAgent.findUnique({ where: { id }, select });
      return row ? agentView(row) : null;
    },
    async getTokenHash(id) {
      const row = await db.machineAgent.findUnique({ where: { id }, select: { tokenHash: true } });
      return row?.tokenHash ?? null;
    },
    list(machineId, page) {
      return pageOf((args) => db.machineAgent.findMany({ ...args, select }), { machineId }, page, agentView);
    },
    async lock(id) {
      await db.$queryRaw`SELECT 1 FROM "MachineAgent" WHERE "id" = ${id} FOR UPDATE`;
      const row = await db.machineAgent.findUnique({ where: { id }, select });
      return row ? agentView(row) : null;
    },
    async markSeen(id, at) {
      // Conditional on not revoked (docs/concurrency.md): a heartbeat can never undo a revoke.
      const res = await db.machineAgent.updateMany({
        where: { id, status: { not: 'revoked' } },
        data: { status: 'active', lastSeenAt: at },
      });
      if (res.count !== 1) return null;
      const row = await db.machineAgent.findUniqueOrThrow({ where: { id }, select });
      return agentView(row);
    },
    async update(id, patch) {
      return agentView(await db.machineAgent.update({ where: { id }, data: patch, select }));
    },
  };
}
