import type { AuditEventView } from '@mm/contracts';
import type { AuditRepo } from '@mm/core';
import type { AuditEvent, Prisma } from '../generated/prisma/client.ts';
import { asRecord, iso, pageOf } from './paging.ts';
import type { Tx } from './tx.ts';

export function auditView(row: AuditEvent): AuditEventView {
  return {
    id: row.id,
    actor: row.actor,
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
      return auditView(await db.auditEvent.create({ data: { ...event, payload } }));
    },
    async recordMany(events) {
      if (!events.length) return;
      await db.auditEvent.createMany({
        data: events.map((e) => ({ ...e, payload: JSON.parse(JSON.stringify(e.payload)) as Prisma.InputJsonObject })),
      });
    },
    list(filter, page) {
      const where: Prisma.AuditEventWhereInput = {
        ...(filter.type && { type: filter.type }),
        ...(filter.resourceType && { resourceType: filter.resourceType }),
        ...(filter.resourceId && { resourceId: filter.resourceId }),
      };
      return pageOf((args) => db.auditEvent.findMany(args), where, page, auditView);
    },
  };
}
