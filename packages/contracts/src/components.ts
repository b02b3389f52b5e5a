import { z } from 'zod';
import { zAgentStatus, zEnrolledMachineAgentView, zEnrollMachineAgentRequest, zHeartbeatRequest } from './agents.ts';
import { zHeartbeatResponse, zMachineAgentView } from './agents.ts';
import { zAuditEventView } from './audit.ts';
import {
  zCatalogServiceView,
  zExecutionMode,
  zExternalHandoff,
  zIntegrationStatus,
  zPricing,
  zServiceType,
  zSkillView,
  zUpsertServiceRequest,
  zUpsertSkillRequest,
} from './catalogue.ts';
import { ERROR_CODES } from './errors.ts';
import {
  zCreateGraphEdgeRequest,
  zCreateGraphNodeRequest,
  zDeleteGraphElementRequest,
  zEdgeType,
  zGraphEdgeView,
  zGraphNodeView,
  zGraphView,
  zMoveGraphNodesRequest,
  zNodeStatus,
  zNodeType,
  zUpdateGraphEdgeDocumented,
  zUpdateGraphNodeRequest,
} from './graph.ts';
import { zHealthView } from './health.ts';
import { zSessionView } from './session.ts';
import {
  zCreateIdentityChallengeRequest,
  zIdentityChallengeView,
  zIdentityControllerView,
  zPutIdentityControllersRequest,
} from './identity.ts';
import {
  zCreateMachineRequest,
  zIdentityProof,
  zMachineStatus,
  zMachineView,
  zUpdateMachineRequest,
} from './machines.ts';
import { zCreatePolicyRequest, zPolicyView, zUpdatePolicyRequest } from './policies.ts';
import {
  zEndpointAuthType,
  zEndpointStatus,
  zHeartbeatEndpoint,
  zNetworkScope,
  zRuntimeEndpointView,
  zUpsertRuntimeEndpointRequest,
} from './runtime-endpoints.ts';
import {
  zCandidate,
  zCreateTaskRequest,
  zDiscoverTaskRequest,
  zDiscoverTaskResponse,
  zExcludedService,
  zExecuteTaskRequest,
  zExecuteTaskResponse,
  zFallbackHop,
  zGetRunResponse,
  zOutcomeStatus,
  zOutcomeView,
  zResolveTaskResponse,
  zRouteStatus,
  zRouteView,
  zRunAttempt,
  zRunStatus,
  zRunView,
  zTaskResolution,
  zTaskStatus,
  zTaskView,
} from './tasks.ts';

/** Every error code of the one table (context B1). */
export const zErrorCode = z.enum(ERROR_CODES as [string, ...string[]]);

/** The envelope of every non-2xx answer under /api/v1 (context B1). */
export const zErrorBody = z.object({
  error: z.object({
    code: zErrorCode,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

/**
 * What a failed execution answers with 502/503/504 (context B4): the error envelope and the records
 * it settled, side by side.
 */
export const zExecuteTaskFailure = z.object({
  error: z.object({
    code: z.enum(['RUNTIME_ERROR', 'RUNTIME_UNREACHABLE', 'RUNTIME_TIMEOUT']),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
  item: zOutcomeView,
  run: zRunView,
  resolution: zTaskResolution,
});

/**
 * The OpenAPI document's named schemas (docs/api.md "OpenAPI document"): one per type of the
 * published reference, under the reference's name where it has one (`TaskRecord`, `RouteRecord`…),
 * else under the contract's (`…View`, `…Request`). A schema listed here becomes
 * `#/components/schemas/<name>` and every use of it a `$ref`.
 */
export const NAMED_SCHEMAS: ReadonlyArray<readonly [string, z.ZodType]> = [
  // machines and identity
  ['MachineStatus', zMachineStatus],
  ['Machine', zMachineView],
  ['IdentityProof', zIdentityProof],
  ['CreateMachineRequest', zCreateMachineRequest],
  ['UpdateMachineRequest', zUpdateMachineRequest],
  ['CreateIdentityChallengeRequest', zCreateIdentityChallengeRequest],
  ['IdentityChallenge', zIdentityChallengeView],
  ['PutIdentityControllersRequest', zPutIdentityControllersRequest],
  ['IdentityControllerView', zIdentityControllerView],
  // catalogue
  ['ServiceType', zServiceType],
  ['ExecutionMode', zExecutionMode],
  ['IntegrationStatus', zIntegrationStatus],
  ['ExternalHandoff', zExternalHandoff],
  ['Pricing', zPricing],
  ['SkillSummary', zSkillView],
  ['UpsertSkillRequest', zUpsertSkillRequest],
  ['CatalogService', zCatalogServiceView],
  ['UpsertServiceRequest', zUpsertServiceRequest],
  // runtime endpoints and agents
  ['EndpointAuthType', zEndpointAuthType],
  ['NetworkScope', zNetworkScope],
  ['EndpointStatus', zEndpointStatus],
  ['RuntimeEndpointView', zRuntimeEndpointView],
  ['UpsertRuntimeEndpointRequest', zUpsertRuntimeEndpointRequest],
  ['AgentStatus', zAgentStatus],
  ['MachineAgentView', zMachineAgentView],
  ['EnrolledMachineAgentView', zEnrolledMachineAgentView],
  ['EnrollMachineAgentRequest', zEnrollMachineAgentRequest],
  ['HeartbeatEndpoint', zHeartbeatEndpoint],
  ['HeartbeatRequest', zHeartbeatRequest],
  ['HeartbeatResponse', zHeartbeatResponse],
  // graph
  ['NodeType', zNodeType],
  ['EdgeType', zEdgeType],
  ['NodeStatus', zNodeStatus],
  ['GraphNodeRecord', zGraphNodeView],
  ['GraphEdgeRecord', zGraphEdgeView],
  ['GetGraphResponse', zGraphView],
  ['CreateGraphNodeRequest', zCreateGraphNodeRequest],
  ['UpdateGraphNodeRequest', zUpdateGraphNodeRequest],
  ['MoveGraphNodesRequest', zMoveGraphNodesRequest],
  ['CreateGraphEdgeRequest', zCreateGraphEdgeRequest],
  ['UpdateGraphEdgeRequest', zUpdateGraphEdgeDocumented],
  ['DeleteGraphElementRequest', zDeleteGraphElementRequest],
  // tasks, routes, outcomes, runs
  ['TaskStatus', zTaskStatus],
  ['TaskRecord', zTaskView],
  ['CreateTaskRequest', zCreateTaskRequest],
  ['DiscoverTaskRequest', zDiscoverTaskRequest],
  ['ExecuteTaskRequest', zExecuteTaskRequest],
  ['Candidate', zCandidate],
  ['ExcludedService', zExcludedService],
  ['TaskResolution', zTaskResolution],
  ['DiscoverTaskResponse', zDiscoverTaskResponse],
  ['ResolveTaskResponse', zResolveTaskResponse],
  ['ExecuteTaskResponse', zExecuteTaskResponse],
  ['ExecuteTaskFailure', zExecuteTaskFailure],
  ['RouteStatus', zRouteStatus],
  ['OutcomeStatus', zOutcomeStatus],
  ['RunStatus', zRunStatus],
  ['FallbackHop', zFallbackHop],
  ['RouteRecord', zRouteView],
  ['OutcomeRecord', zOutcomeView],
  ['RunAttempt', zRunAttempt],
  ['RunRecord', zRunView],
  ['GetRunResponse', zGetRunResponse],
  // policies, audit, health, errors
  ['PolicyRecord', zPolicyView],
  ['CreatePolicyRequest', zCreatePolicyRequest],
  ['UpdatePolicyRequest', zUpdatePolicyRequest],
  ['AuditEventRecord', zAuditEventView],
  ['Health', zHealthView],
  ['SessionView', zSessionView],
  ['ErrorCode', zErrorCode],
  ['Error', zErrorBody],
];
