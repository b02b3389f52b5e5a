import { z } from 'zod';
import { LIMITS, nonEmpty, zDateTime, zId, zJsonObject, zKey, zStringList, zTimestamp } from './common.ts';
import {
  zCatalogServiceView,
  zExecutionMode,
  zExternalHandoff,
  zIntegrationStatus,
  zServiceType,
} from './catalogue.ts';

export const TASK_STATUSES = [
  'draft',
  'queued',
  'resolving',
  'resolved',
  'executing',
  'completed',
  'failed',
  'handed_off',
] as const;
export const zTaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof zTaskStatus>;

/**
 * The task state machine as data (context B4/B9, docs/concurrency.md): which statuses allow each
 * action, and what an execution settles to. Core enforces it with conditional updates; the console
 * reads it to enable its buttons.
 */
export const TASK_ACTIONS = {
  discover: ['queued', 'resolved', 'failed'],
  resolve: ['queued', 'resolved', 'failed'],
  execute: ['resolved', 'failed'],
} as const satisfies Record<string, readonly TaskStatus[]>;
export type TaskAction = keyof typeof TASK_ACTIONS;

/** What `executing` settles to, by how the walk ended. */
export const TASK_SETTLES = { served: 'completed', handoff: 'handed_off', failed: 'failed' } as const satisfies Record<
  string,
  TaskStatus
>;

export function taskAllows(action: TaskAction, status: TaskStatus): boolean {
  return (TASK_ACTIONS[action] as readonly TaskStatus[]).includes(status);
}

export const MAX_CANDIDATES = { min: 1, max: 25, default: 10 } as const;
const zMaxCandidates = z
  .number({ message: 'must be a number' })
  .int('must be an integer')
  .min(MAX_CANDIDATES.min, 'must be between 1 and 25')
  .max(MAX_CANDIDATES.max, 'must be between 1 and 25');

export const zTaskConstraintsInput = z.object({
  region: nonEmpty(LIMITS.id).optional(),
  budget: z.number({ message: 'must be a number' }).finite().min(0, 'must be >= 0').optional(),
  allowExternalHandoff: z.boolean().optional(),
  requireNativeExecution: z.boolean().optional(),
  requiredCapabilities: zStringList.optional(),
  preferredSkillKeys: zStringList.optional(),
});

export const zCreateTaskRequest = z.object({
  serviceType: zServiceType,
  taskType: nonEmpty(LIMITS.id),
  operation: nonEmpty(LIMITS.id).optional(),
  input: zJsonObject.optional(),
  constraints: zTaskConstraintsInput.optional(),
  discovery: z.object({ maxCandidates: zMaxCandidates.optional() }).optional(),
});
export type CreateTaskRequest = z.infer<typeof zCreateTaskRequest>;

export const zTaskConstraints = z.object({
  region: z.string().optional(),
  budget: z.number().optional(),
  allowExternalHandoff: z.boolean(),
  requireNativeExecution: z.boolean(),
  requiredCapabilities: z.array(z.string()),
  preferredSkillKeys: z.array(z.string()).optional(),
});
export type TaskConstraints = z.infer<typeof zTaskConstraints>;

export const zTaskView = z.object({
  id: z.string(),
  machineId: z.string(),
  serviceType: zServiceType,
  operation: z.string().optional(),
  taskType: z.string(),
  status: zTaskStatus,
  input: z.record(z.string(), z.unknown()),
  constraints: zTaskConstraints,
  discovery: z.object({ maxCandidates: z.number() }),
  routeId: z.string().nullable().optional(),
  outcomeId: z.string().nullable().optional(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type TaskView = z.infer<typeof zTaskView>;

export const zDiscoverTaskRequest = z.object({
  allowExternalHandoff: z.boolean().optional(),
  requireNativeExecution: z.boolean().optional(),
  maxCandidates: zMaxCandidates.optional(),
});
export type DiscoverTaskRequest = z.infer<typeof zDiscoverTaskRequest>;

export const zExecuteTaskRequest = z.object({ input: zJsonObject.optional() });
export type ExecuteTaskRequest = z.infer<typeof zExecuteTaskRequest>;

export const zCandidate = z.object({ service: zCatalogServiceView, score: z.number(), reasons: z.array(z.string()) });
export type Candidate = z.infer<typeof zCandidate>;

export const zExcludedService = z.object({
  serviceId: z.string(),
  skillKey: z.string(),
  reasons: z.array(z.string()),
});
export type ExcludedService = z.infer<typeof zExcludedService>;

export const zTaskResolution = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('native'), candidate: zCandidate }),
  z.object({ kind: z.literal('handoff'), candidate: zCandidate, handoff: zExternalHandoff }),
  z.object({ kind: z.literal('unavailable'), reason: z.string(), candidates: z.array(zCandidate) }),
]);
export type TaskResolution = z.infer<typeof zTaskResolution>;

/**
 * Our addition: `excluded` lists the first 50 excluded services by id; this counts them all, so
 * the answer does not grow with the catalogue (docs/api.md "Discovery at catalogue scale").
 */
const zExcludedTotal = z.number().int().min(0);

export const zDiscoverTaskResponse = z.object({
  taskId: z.string(),
  machineId: z.string(),
  resolution: zTaskResolution,
  candidates: z.array(zCandidate),
  excluded: z.array(zExcludedService),
  excludedTotal: zExcludedTotal,
});
export type DiscoverTaskResponse = z.infer<typeof zDiscoverTaskResponse>;

export const ROUTE_STATUSES = ['selected', 'blocked', 'handed_off', 'failed', 'completed'] as const;
export const OUTCOME_STATUSES = ['pending', 'running', 'completed', 'failed', 'external'] as const;
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'external', 'blocked'] as const;
export const zRouteStatus = z.enum(ROUTE_STATUSES);
export const zOutcomeStatus = z.enum(OUTCOME_STATUSES);
export const zRunStatus = z.enum(RUN_STATUSES);
export type RouteStatus = z.infer<typeof zRouteStatus>;
export type OutcomeStatus = z.infer<typeof zOutcomeStatus>;
export type RunStatus = z.infer<typeof zRunStatus>;

export const zFallbackHop = z.object({ skillKey: z.string(), serviceId: z.string(), executionMode: zExecutionMode });
export type FallbackHop = z.infer<typeof zFallbackHop>;

export const zRouteView = z.object({
  id: z.string(),
  machineId: z.string(),
  taskId: z.string(),
  selectedSkillKey: z.string(),
  selectedServiceId: z.string(),
  executionMode: zExecutionMode,
  integrationStatus: zIntegrationStatus,
  status: zRouteStatus,
  reason: z.string(),
  score: z.number(),
  fallbackChain: z.array(zFallbackHop),
  handoff: zExternalHandoff.nullable(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type RouteView = z.infer<typeof zRouteView>;

export const zOutcomeView = z.object({
  id: z.string(),
  machineId: z.string(),
  taskId: z.string(),
  routeId: z.string(),
  status: zOutcomeStatus,
  skillKey: z.string(),
  serviceId: z.string(),
  executionMode: zExecutionMode,
  receiptRef: z.string().nullable().optional(),
  logsRef: z.string().nullable().optional(),
  externalRef: z.string().nullable().optional(),
  errorCode: z.string().nullable().optional(),
  errorMessage: z.string().nullable().optional(),
  result: z.unknown().optional(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type OutcomeView = z.infer<typeof zOutcomeView>;

/** One try against one hop of the route (context B4). Ours; carried on the run as `attempts`. */
export const zRunAttempt = z.object({
  hop: z.number().int(),
  skillKey: z.string(),
  serviceId: z.string(),
  executionMode: zExecutionMode,
  providerKey: z.string().nullable(),
  endpointBaseUrl: z.string().nullable(),
  startedAt: zTimestamp,
  durationMs: z.number(),
  status: z.enum(['succeeded', 'failed', 'skipped', 'handed_off']),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  httpStatus: z.number().nullable(),
});
export type RunAttempt = z.infer<typeof zRunAttempt>;

export const zRunView = z.object({
  id: z.string(),
  machineId: z.string(),
  taskId: z.string(),
  routeId: z.string().nullable().optional(),
  outcomeId: z.string().nullable().optional(),
  status: zRunStatus,
  executionMode: zExecutionMode.nullable().optional(),
  skillKey: z.string().nullable().optional(),
  serviceId: z.string().nullable().optional(),
  summary: z.string().nullable().optional(),
  attempts: z.array(zRunAttempt),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type RunView = z.infer<typeof zRunView>;

export const zResolveTaskResponse = z.object({
  item: zRouteView,
  resolution: zTaskResolution,
  candidates: z.array(zCandidate),
  excluded: z.array(zExcludedService),
  excludedTotal: zExcludedTotal,
});
export type ResolveTaskResponse = z.infer<typeof zResolveTaskResponse>;

export const zExecuteTaskResponse = z.object({ item: zOutcomeView, run: zRunView, resolution: zTaskResolution });
export type ExecuteTaskResponse = z.infer<typeof zExecuteTaskResponse>;

export const zTaskParams = z.object({ machineId: zId, taskId: zId });
export const zTaskListQuery = z.object({ status: zTaskStatus.optional() });

export const zRunListQuery = z.object({
  machineId: zId,
  status: zRunStatus.optional(),
  skillKey: zKey.optional(),
  serviceId: zKey.optional(),
  executionMode: zExecutionMode.optional(),
  taskId: zId.optional(),
  /** Runs started at or after this instant (ISO 8601, inclusive; our addition). */
  since: zDateTime.optional(),
  /** Runs started at or before this instant (ISO 8601, inclusive; our addition). */
  until: zDateTime.optional(),
});
/** Optional `taskId` filter of the route and outcome lists. */
export const zByTaskQuery = z.object({ taskId: zId.optional() });
export const zRunParams = z.object({ runId: zId });
export const zGetRunResponse = z.object({ run: zRunView, outcome: zOutcomeView.nullable() });
export type GetRunResponse = z.infer<typeof zGetRunResponse>;
