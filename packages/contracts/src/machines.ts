import { z } from 'zod';
import { LIMITS, nonEmpty, str, zId, zKey, zStringList, zTimestamp } from './common.ts';

export const MACHINE_STATUSES = ['draft', 'active', 'degraded', 'blocked', 'archived'] as const;
export const zMachineStatus = z.enum(MACHINE_STATUSES);
export type MachineStatus = z.infer<typeof zMachineStatus>;

/** `did:peaq:0x…` or `peaqos:machine:<id>` (context A1). */
export const zIdentityRef = z
  .string()
  .max(LIMITS.identityRef, `must be at most ${LIMITS.identityRef} characters`)
  .regex(
    /^(did:peaq:0x[0-9a-fA-F]{1,128}|peaqos:machine:[A-Za-z0-9._:-]{1,200})$/,
    'must be a peaq DID (did:peaq:0x…) or a machine public id (peaqos:machine:<id>)',
  );

const zLabels = z
  .record(str(LIMITS.id).min(1), str(LIMITS.title))
  .refine((r) => Object.keys(r).length <= 64, 'must have at most 64 labels')
  .refine((r) => !Object.keys(r).some((k) => ['__proto__', 'constructor', 'prototype'].includes(k)), {
    message: 'label keys __proto__, constructor and prototype are not allowed',
  });

export const zCreateMachineRequest = z.object({
  displayName: nonEmpty(LIMITS.title),
  identityRef: zIdentityRef,
  status: z.enum(['draft', 'active']).optional(),
  machineType: nonEmpty(LIMITS.id).optional(),
  runtimeProfile: nonEmpty(LIMITS.id).optional(),
  capabilities: zStringList.optional(),
  labels: zLabels.optional(),
  policyIds: z.array(zId).max(LIMITS.arrayItems).optional(),
  skillKeys: zStringList.optional(),
  identityProof: z.object({ challengeId: zId, signature: str(1024) }).optional(),
});
export type CreateMachineRequest = z.infer<typeof zCreateMachineRequest>;

export const zUpdateMachineRequest = z.object({
  displayName: nonEmpty(LIMITS.title).optional(),
  identityRef: zIdentityRef.optional(),
  status: zMachineStatus.optional(),
  machineType: nonEmpty(LIMITS.id).optional(),
  runtimeProfile: nonEmpty(LIMITS.id).optional(),
  capabilities: zStringList.optional(),
  labels: zLabels.optional(),
  policyIds: z.array(zId).max(LIMITS.arrayItems).optional(),
  skillKeys: zStringList.optional(),
});
export type UpdateMachineRequest = z.infer<typeof zUpdateMachineRequest>;

export const zIdentityProof = z.object({
  method: z.literal('eip191'),
  identityRef: z.string(),
  signerAddress: z.string(),
  challengeId: z.string(),
  verifiedAt: zTimestamp,
  challengeExpiresAt: zTimestamp,
  controllerAddresses: z.array(z.string()),
  resolutionSource: z.string(),
});

export const zMachineView = z.object({
  id: z.string(),
  displayName: z.string(),
  status: zMachineStatus,
  ownerId: z.string(),
  identityRef: z.string(),
  identityProof: zIdentityProof.nullable(),
  machineType: z.string(),
  runtimeProfile: z.string(),
  capabilities: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  policyIds: z.array(z.string()),
  skillKeys: z.array(z.string()),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type MachineView = z.infer<typeof zMachineView>;

export const zMachineIdParams = z.object({ machineId: zId });
export const zMachineListQuery = z.object({
  status: zMachineStatus.optional(),
});
export { zKey };
