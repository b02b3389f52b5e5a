import {
  zAgentParams,
  zEnrolledMachineAgentView,
  zEnrollMachineAgentRequest,
  zHeartbeatRequest,
  zHeartbeatResponse,
  zListQuery,
  zMachineAgentView,
  zMachineIdParams,
  zInspect,
} from '@mm/contracts';
import type { HeartbeatHeaderTokens } from '@mm/core';
import { route } from '../route.ts';
import { GUARD, item, list } from './shared.ts';

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The header transports of the agent token (context A1): `x-agent-pairing-token`, `Authorization: Bearer`. */
function headerTokens(headers: Record<string, string | string[] | undefined>): HeartbeatHeaderTokens {
  const pairing = first(headers['x-agent-pairing-token'])?.trim();
  const bearer = /^bearer\s+(.+)$/i.exec(first(headers.authorization)?.trim() ?? '')?.[1]?.trim();
  return { pairingToken: pairing || undefined, bearer: bearer || undefined };
}

export const agentsRoutes = [
  route({
    method: 'POST',
    path: '/machines/:machineId/agents/enrollment',
    procedure: 'agents.enroll',
    tag: 'agents',
    summary: 'Enrol a runtime agent; the agentToken is returned once',
    params: zMachineIdParams,
    body: zEnrollMachineAgentRequest,
    status: 201,
    response: item(zEnrolledMachineAgentView),
    errors: GUARD,
    handle: async ({ services, params, body, caller }) => ({
      item: await services.agents.enroll(params.machineId, body, caller),
    }),
  }),
  route({
    method: 'GET',
    path: '/machines/:machineId/agents',
    procedure: 'agents.list',
    tag: 'agents',
    summary: 'List the agents of a machine',
    params: zMachineIdParams,
    query: zListQuery.extend(zInspect.shape),
    status: 200,
    response: list(zMachineAgentView),
    errors: GUARD,
    handle: ({ services, params, query }) => services.agents.list(params.machineId, query),
  }),
  route({
    method: 'GET',
    path: '/machines/:machineId/agents/:agentId',
    procedure: 'agents.get',
    tag: 'agents',
    summary: 'Get an agent',
    params: zAgentParams,
    status: 200,
    response: item(zMachineAgentView),
    errors: GUARD,
    query: zInspect,
    handle: async ({ services, params, query }) => ({
      item: await services.agents.get(params.machineId, params.agentId, query),
    }),
  }),
  route({
    method: 'POST',
    path: '/machines/:machineId/agents/:agentId/revoke',
    procedure: 'agents.revoke',
    tag: 'agents',
    summary: 'Revoke an agent; its later heartbeats answer AGENT_PAIRING_INACTIVE',
    params: zAgentParams,
    status: 200,
    response: item(zMachineAgentView),
    errors: GUARD,
    handle: async ({ services, params, caller }) => ({
      item: await services.agents.revoke(params.machineId, params.agentId, caller),
    }),
  }),
  route({
    method: 'POST',
    path: '/machine-agents/heartbeat',
    procedure: 'agents.heartbeat',
    tag: 'agents',
    summary: 'Heartbeat of a runtime agent: renews it and upserts its endpoints with a lease',
    body: zHeartbeatRequest,
    status: 200,
    response: zHeartbeatResponse,
    auth: 'agent',
    errors: [
      'VALIDATION_ERROR',
      'NOT_FOUND',
      'AGENT_PAIRING_INACTIVE',
      'AGENT_AUTH_REQUIRED',
      'AGENT_AUTH_INVALID',
      'AGENT_POLICY_DENIED',
      'MACHINE_NOT_ACTIVE',
      'MACHINE_NOT_ACTIVATED',
    ],
    handle: ({ services, body, headers }) => services.agents.heartbeat(body, headerTokens(headers)),
  }),
];
