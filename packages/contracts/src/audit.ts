import { z } from 'zod';
import { LIMITS, str, zDateTime, zId, zTimestamp } from './common.ts';

/** Event types of the reference plus ours (context B7). */
export const AUDIT_EVENT_TYPES = [
  'machine.created',
  'machine.updated',
  'machine-identity.challenge-created',
  'machine-identity.controllers-set',
  'runtime-endpoint.upserted',
  'runtime-endpoint.deleted',
  'runtime-endpoint.status-changed',
  'machine-agent.enrolled',
  'machine-agent.heartbeat',
  'machine-agent.revoked',
  'graph.node.created',
  'graph.node.updated',
  'graph.node.deleted',
  'graph.edge.created',
  'graph.edge.updated',
  'graph.edge.deleted',
  'task.created',
  'task.discovered',
  'task.resolved',
  'task.executed',
  'task.failed',
  'run.started',
  'run.hop-started',
  'policy.created',
  'policy.updated',
  'policy.deleted',
  'skill.upserted',
  'market-service.upserted',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export const RESOURCE_TYPES = [
  'machine',
  'machine-identity',
  'runtime-endpoint',
  'machine-agent',
  'graph-node',
  'graph-edge',
  'task',
  'route',
  'outcome',
  'run',
  'policy',
  'skill',
  'market-service',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const zAuditEventView = z.object({
  id: z.string(),
  actor: z.string(),
  /** Who asked: the API-key owner, `local`, an agent id, or `system` (context C3, additive). */
  principal: z.string(),
  /** The machine the resource belongs to, when it belongs to one (additive, context C7). */
  machineId: z.string().nullable(),
  type: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: zTimestamp,
});
export type AuditEventView = z.infer<typeof zAuditEventView>;

export const zAuditListQuery = z.object({
  /** Exact, or a prefix when it ends in `*` (`graph.node.*`). */
  type: str(LIMITS.id).optional(),
  resourceType: str(LIMITS.id).optional(),
  // A machine identity's id is its identityRef, which may be longer than other ids.
  resourceId: str(LIMITS.identityRef).optional(),
  machineId: str(LIMITS.id).optional(),
  principal: str(LIMITS.id).optional(),
  /** ISO 8601, inclusive. */
  since: zDateTime.optional(),
  until: zDateTime.optional(),
});

/** Where a change-feed subscriber starts: after this seq (decimal string), or now when absent. */
export const zFeedPosition = z
  .string()
  .refine(
    (v) => /^\d{1,19}$/.test(v) && BigInt(v) <= 9223372036854775807n,
    'must be an event id (a seq) returned by this feed',
  );

/** `GET /events` (Server-Sent Events) and tRPC `events.onMachine` (context C7). */
export const zMachineEventsQuery = z.object({
  machineId: zId,
  /** Resume after this event id; the `Last-Event-ID` header wins when both are sent. */
  after: zFeedPosition.optional(),
  /** Stream a machine that is not active (context C8); still 404 for an unknown one. */
  includeInactive: z.enum(['true', 'false']).optional(),
});

export const zMachineEventsInput = z.object({
  machineId: zId,
  /** tRPC's resumption position (the id of the last event received, from `tracked`). */
  lastEventId: zFeedPosition.nullish(),
  includeInactive: z.boolean().optional(),
});
export type MachineEventsInput = z.infer<typeof zMachineEventsInput>;
