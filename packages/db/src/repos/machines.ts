import type { MachineView } from '@mm/contracts';
import type { MachineRepo } from '@mm/core';
import type { Machine, Prisma } from '../generated/prisma/client.ts';
import type { Tx } from './tx.ts';
import { asRecord, iso, pageOf } from './paging.ts';

export function machineView(row: Machine): MachineView {
  return {
    id: row.id,
    displayName: row.displayName,
    status: row.status as MachineView['status'],
    ownerId: row.ownerId,
    identityRef: row.identityRef,
    identityProof: (row.identityProof ?? null) as MachineView['identityProof'],
    machineType: row.machineType,
    runtimeProfile: row.runtimeProfile,
    capabilities: row.capabilities,
    labels: asRecord(row.labels) as Record<string, string>,
    policyIds: row.policyIds,
    skillKeys: row.skillKeys,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function machineRepo(db: Tx): MachineRepo {
  return {
    async create(input) {
      const { identityProof, ...rest } = input;
      return machineView(
        await db.machine.create({
          data: { ...rest, ...(identityProof && { identityProof }) },
        }),
      );
    },
    async get(id) {
      const row = await db.machine.findUnique({ where: { id } });
      return row ? machineView(row) : null;
    },
    async findByIdentityRef(identityRef) {
      const row = await db.machine.findUnique({ where: { identityRef } });
      return row ? machineView(row) : null;
    },
    list(filter, page) {
      const where: Prisma.MachineWhereInput = {
        ...(filter.status && { status: filter.status }),
        ...(filter.ownerId !== undefined && { ownerId: filter.ownerId }),
      };
      return pageOf((args) => db.machine.findMany(args), where, page, machineView);
    },
    async update(id, patch) {
      return machineView(await db.machine.update({ where: { id }, data: patch }));
    },
    async idsOfOwner(ownerId) {
      const rows = await db.machine.findMany({ where: { ownerId }, select: { id: true } });
      return rows.map((r) => r.id);
    },
    async listByPolicy(policyId) {
      const rows = await db.machine.findMany({ where: { policyIds: { has: policyId } } });
      return rows.map(machineView);
    },
  };
}
