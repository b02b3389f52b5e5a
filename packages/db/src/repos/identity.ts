import type { IdentityControllerView } from '@mm/contracts';
import type { IdentityChallengeRecord, IdentityRepo } from '@mm/core';
import type { IdentityChallenge, IdentityController } from '../generated/prisma/client.ts';
import { iso } from './paging.ts';
import type { Tx } from './tx.ts';

export function identityControllerView(row: IdentityController): IdentityControllerView {
  return {
    identityRef: row.identityRef,
    controllerAddresses: row.controllerAddresses,
    source: 'local-registry',
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

function challengeRecord(row: IdentityChallenge): IdentityChallengeRecord {
  return {
    id: row.id,
    identityRef: row.identityRef,
    message: row.message,
    controllerAddresses: row.controllerAddresses,
    expiresAt: row.expiresAt,
    consumedAt: row.consumedAt,
    machineId: row.machineId,
  };
}

export function identityRepo(db: Tx): IdentityRepo {
  return {
    async getControllers(identityRef) {
      const row = await db.identityController.findUnique({ where: { identityRef } });
      return row ? identityControllerView(row) : null;
    },
    async putControllers(identityRef, controllerAddresses) {
      const existing = await db.identityController.findUnique({ where: { identityRef }, select: { seq: true } });
      const row = await db.identityController.upsert({
        where: { identityRef },
        create: { identityRef, controllerAddresses },
        update: { controllerAddresses },
      });
      return { item: identityControllerView(row), created: !existing };
    },
    async createChallenge(input) {
      return challengeRecord(await db.identityChallenge.create({ data: input }));
    },
    async getChallenge(id) {
      const row = await db.identityChallenge.findUnique({ where: { id } });
      return row ? challengeRecord(row) : null;
    },
    async consumeChallenge(id, machineId, at) {
      // Conditional update: of two concurrent consumers only one matches `consumedAt: null`.
      const { count } = await db.identityChallenge.updateMany({
        where: { id, consumedAt: null },
        data: { consumedAt: at, machineId },
      });
      return count === 1;
    },
  };
}
