import { z } from 'zod';
import { zTimestamp } from './common.ts';
import { zIdentityRef } from './machines.ts';

/** A `0x`-prefixed 20-byte hex Ethereum address, lowercased. */
export const zEthAddress = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address')
  .transform((a) => a.toLowerCase());

export const zIdentityRefParams = z.object({ identityRef: zIdentityRef });

export const zCreateIdentityChallengeRequest = z.object({ identityRef: zIdentityRef });
export type CreateIdentityChallengeRequest = z.infer<typeof zCreateIdentityChallengeRequest>;

/** `POST /machine-identity/challenges` answers `{item: IdentityChallengeView}` (context A3, corrected). */
export const zIdentityChallengeView = z.object({
  challengeId: z.string(),
  identityRef: z.string(),
  message: z.string(),
  expiresAt: zTimestamp,
  verificationMethod: z.literal('eip191'),
  controllerAddresses: z.array(z.string()),
});
export type IdentityChallengeView = z.infer<typeof zIdentityChallengeView>;

export const zPutIdentityControllersRequest = z.object({
  controllerAddresses: z
    .array(zEthAddress)
    .min(1, 'must name at least one controller address')
    .max(64, 'must have at most 64 items'),
});
export type PutIdentityControllersRequest = z.infer<typeof zPutIdentityControllersRequest>;

/** One entry of the local identity registry. */
export const zIdentityControllerView = z.object({
  identityRef: z.string(),
  controllerAddresses: z.array(z.string()),
  source: z.literal('local-registry'),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type IdentityControllerView = z.infer<typeof zIdentityControllerView>;
