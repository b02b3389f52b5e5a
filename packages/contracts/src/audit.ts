import { z } from 'zod';
import { LIMITS, str, zTimestamp } from './common.ts';

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
  type: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: zTimestamp,
});
export type AuditEventView = z.infer<typeof zAuditEventView>;

export const zAuditListQuery = z.object({
  type: str(LIMITS.id).optional(),
  resourceType: str(LIMITS.id).optional(),
  // A machine identity's id is its identityRef, which may be longer than other ids.
  resourceId: str(LIMITS.identityRef).optional(),
});
