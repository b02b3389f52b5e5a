import type { PolicyView } from '@mm/contracts';
import type { PolicyRepo } from '@mm/core';
import { Prisma } from '../generated/prisma/client.ts';
import type { Policy } from '../generated/prisma/client.ts';
import { iso, pageOf } from './paging.ts';
import type { Tx } from './tx.ts';

export function policyView(row: Policy): PolicyView {
  return {
    id: row.id,
    name: row.name,
    allowedSkillKeys: row.allowedSkillKeys,
    deniedSkillKeys: row.deniedSkillKeys,
    budgetCap: (row.budgetCap ?? null) as PolicyView['budgetCap'],
    regionRules: row.regionRules,
    nativeOnly: row.nativeOnly,
    handoffAllowed: row.handoffAllowed,
    requiredCapabilities: row.requiredCapabilities,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

const cap = (v: PolicyView['budgetCap']) =>
  v ? ({ currency: v.currency, amount: v.amount } as Prisma.InputJsonObject) : Prisma.DbNull;

export function policyRepo(db: Tx): PolicyRepo {
  return {
    async create(input) {
      return policyView(await db.policy.create({ data: { ...input, budgetCap: cap(input.budgetCap) } }));
    },
    async get(id, ownerId) {
      const row = await db.policy.findFirst({ where: { id, ...(ownerId !== undefined && { ownerId }) } });
      return row ? policyView(row) : null;
    },
    async getMany(ids, ownerId) {
      if (!ids.length) return [];
      const rows = await db.policy.findMany({
        where: { id: { in: ids }, ...(ownerId !== undefined && { ownerId }) },
        orderBy: { seq: 'asc' },
      });
      return rows.map(policyView);
    },
    list(page, ownerId) {
      return pageOf((args) => db.policy.findMany(args), ownerId !== undefined ? { ownerId } : {}, page, policyView);
    },
    async update(id, patch) {
      const { budgetCap, ...rest } = patch;
      const row = await db.policy.update({
        where: { id },
        data: { ...rest, ...(budgetCap !== undefined && { budgetCap: cap(budgetCap) }) },
      });
      return policyView(row);
    },
    async delete(id) {
      await db.policy.delete({ where: { id } });
    },
  };
}
