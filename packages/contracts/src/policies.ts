import { z } from 'zod';
import { LIMITS, nonEmpty, zId, zKey, zStringList, zTimestamp } from './common.ts';

const zBudgetCap = z.object({
  amount: z.number({ message: 'must be a number' }).finite().min(0, 'must be >= 0'),
  currency: nonEmpty(16),
});

export const zCreatePolicyRequest = z.object({
  name: nonEmpty(LIMITS.title),
  allowedSkillKeys: zStringList.optional(),
  deniedSkillKeys: zStringList.optional(),
  budgetCap: zBudgetCap.nullable().optional(),
  regionRules: z.array(zKey).max(64).optional(),
  nativeOnly: z.boolean().optional(),
  handoffAllowed: z.boolean().optional(),
  requiredCapabilities: zStringList.optional(),
});
export type CreatePolicyRequest = z.infer<typeof zCreatePolicyRequest>;

export const zUpdatePolicyRequest = zCreatePolicyRequest.partial();
export type UpdatePolicyRequest = z.infer<typeof zUpdatePolicyRequest>;

export const zPolicyView = z.object({
  id: z.string(),
  name: z.string(),
  allowedSkillKeys: z.array(z.string()),
  deniedSkillKeys: z.array(z.string()),
  budgetCap: z.object({ currency: z.string(), amount: z.number() }).nullable().optional(),
  regionRules: z.array(z.string()),
  nativeOnly: z.boolean(),
  handoffAllowed: z.boolean(),
  requiredCapabilities: z.array(z.string()),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type PolicyView = z.infer<typeof zPolicyView>;

export const zPolicyParams = z.object({ policyId: zId });
