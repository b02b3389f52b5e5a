import { z } from 'zod';
import { LIMITS, nonEmpty, str, zId, zKey, zTimestamp } from './common.ts';
import { zHeartbeatEndpoint, zRuntimeEndpointView } from './runtime-endpoints.ts';

export const zAgentStatus = z.enum(['provisioned', 'active', 'revoked']);

export const zEnrollMachineAgentRequest = z.object({
  label: nonEmpty(LIMITS.title).optional(),
  allowedProviderKeys: z.array(zKey).max(64).optional(),
  /** Alias of `allowedProviderKeys`. */
  providerKeys: z.array(zKey).max(64).optional(),
});
export type EnrollMachineAgentRequest = z.infer<typeof zEnrollMachineAgentRequest>;

export const zMachineAgentView = z.object({
  id: z.string(),
  machineId: z.string(),
  label: z.string(),
  allowedProviderKeys: z.array(z.string()),
  status: zAgentStatus,
  hasAgentToken: z.boolean(),
  lastSeenAt: zTimestamp.nullable(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type MachineAgentView = z.infer<typeof zMachineAgentView>;

export const zEnrolledMachineAgentView = zMachineAgentView.extend({ agentToken: z.string() });
export type EnrolledMachineAgentView = z.infer<typeof zEnrolledMachineAgentView>;

export const LEASE_SECONDS = { min: 30, max: 86_400, default: 120 } as const;

export const zHeartbeatRequest = z.object({
  machineId: zId,
  agentId: zId,
  agentToken: str(512).min(1, 'must not be empty').optional(),
  leaseSeconds: z
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(LEASE_SECONDS.min, `must be between ${LEASE_SECONDS.min} and ${LEASE_SECONDS.max}`)
    .max(LEASE_SECONDS.max, `must be between ${LEASE_SECONDS.min} and ${LEASE_SECONDS.max}`)
    .optional(),
  endpoints: z.array(zHeartbeatEndpoint).max(64).optional(),
});
export type HeartbeatRequest = z.infer<typeof zHeartbeatRequest>;

export const zHeartbeatResponse = z.object({
  item: zMachineAgentView,
  endpoints: z.array(zRuntimeEndpointView),
  /** When the agent should heartbeat next: a third of the lease (context C6, additive). */
  nextHeartbeatInSeconds: z.number().int().positive(),
});
export type HeartbeatResponse = z.infer<typeof zHeartbeatResponse>;

export const zAgentParams = z.object({ machineId: zId, agentId: zId });
