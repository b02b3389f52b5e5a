import type { AuditEventView } from '@mm/contracts';
import { currentPrincipal } from '@mm/core';
import type { AuditRepo } from '@mm/core';
import type { AuditEvent, Prisma } from '../generated/prisma/client.ts';
import { asRecord, iso, pageOf } from './paging.ts';
import type { Tx } from './tx.ts';

export function auditView(row: AuditEvent): AuditEventView {
  return {
    id: row.id,
    actor: row.actor,
    principal: row.principal,
    type: row.type,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    payload: asRecord(row.payload),
    createdAt: iso(row.createdAt),
  };
}

export function auditRepo(db: Tx): AuditRepo {
  return {
    async record(event) {
      const payload = JSON.parse(JSON.stringify(event.payload)) as Prisma.InputJsonObject;
      const principal = event.principal ?? currentPrincipal();
      return auditView(await db.auditEvent.create({ data: { ...event, principal, payload } }));
    },
    async recordMany(events) {
      if (!events.length) return;
      const principal = currentPrincipal();
      await db.auditEvent.createMany({
        data: events.map((e) => ({
          ...e,
          principal: e.principal ?? principal,
          payload: JSON.parse(JSON.stringify(e.payload)) as Prisma.InputJsonObject,
        })),
      });
    },
    list(filter, page) {
      const where: Prisma.AuditEventWhereInput = {
        ...(filter.type && { type: filter.type }),
        ...(filter.resourceType && { resourceType: filter.resourceType }),
        ...(filter.resourceId && { resourceId: filter.resourceId }),
        ...(filter.visibleTo && {
          OR: [
            { machineId: { in: filter.visibleTo.machineIds } },
            { machineId: null, principal: filter.visibleTo.principal },
          ],
        }),
      };
      return pageOf((args) => db.auditEvent.findMany(args), where, page, auditView);
    },
  };
}
