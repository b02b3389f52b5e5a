import {
  zAuditEventView,
  zAuditListQuery,
  zCatalogServiceView,
  zCreateMachineRequest,
  zListQuery,
  zMachineIdParams,
  zMachineListQuery,
  zMachineView,
  zRuntimeEndpointParams,
  zRuntimeEndpointView,
  zServiceIdParams,
  zServiceListQuery,
  zSkillKeyParams,
  zSkillView,
  zUpdateMachineRequest,
  zUpsertRuntimeEndpointRequest,
  zUpsertServiceRequest,
  zUpsertSkillRequest,
  zInspect,
  zSessionView,
} from '@mm/contracts';
import { API_CALLER } from '@mm/core';
import { route, withStatus } from '../route.ts';
import { GUARD, item, list } from './shared.ts';

export const machineRoutes = [
  route({
    method: 'GET',
    path: '/machines',
    procedure: 'machines.list',
    tag: 'machines',
    summary: 'List machines',
    query: zListQuery.extend(zMachineListQuery.shape),
    status: 200,
    response: list(zMachineView),
    errors: ['VALIDATION_ERROR', 'PEAQOS_IDENTITY_UNAVAILABLE'],
    handle: ({ services, query }) => services.machines.list(query),
  }),
  route({
    method: 'POST',
    path: '/machines',
    procedure: 'machines.create',
    tag: 'machines',
    summary: 'Create a machine',
    body: zCreateMachineRequest,
    status: 201,
    response: item(zMachineView),
    errors: [
      'VALIDATION_ERROR',
      'MACHINE_IDENTITY_EXISTS',
      'MACHINE_IDENTITY_PROOF_REQUIRED',
      'MACHINE_IDENTITY_PROOF_INVALID',
      'MACHINE_IDENTITY_PROOF_EXPIRED',
      'PEAQOS_IDENTITY_UNAVAILABLE',
      'NOT_FOUND',
    ],
    handle: async ({ services, body, caller }) => ({ item: await services.machines.create(body, caller) }),
  }),
  route({
    method: 'GET',
    path: '/machines/:machineId',
    procedure: 'machines.get',
    tag: 'machines',
    summary: 'Get a machine',
    params: zMachineIdParams,
    status: 200,
    response: item(zMachineView),
    errors: ['NOT_FOUND', 'VALIDATION_ERROR', 'MACHINE_NOT_ACTIVATED', 'PEAQOS_IDENTITY_UNAVAILABLE'],
    handle: async ({ services, params }) => ({ item: await services.machines.get(params.machineId) }),
  }),
  route({
    method: 'PATCH',
    path: '/machines/:machineId',
    procedure: 'machines.update',
    tag: 'machines',
    summary: 'Update a machine',
    params: zMachineIdParams,
    body: zUpdateMachineRequest,
    status: 200,
    response: item(zMachineView),
    errors: [
      'NOT_FOUND',
      'VALIDATION_ERROR',
      'MACHINE_IDENTITY_IMMUTABLE',
      'MACHINE_IDENTITY_EXISTS',
      'MACHINE_NOT_ACTIVATED',
      'PEAQOS_IDENTITY_UNAVAILABLE',
    ],
    handle: async ({ services, params, body, caller }) => ({
      item: await services.machines.update(params.machineId, body, caller),
    }),
  }),
];

export const catalogueRoutes = [
  route({
    method: 'GET',
    path: '/skills',
    procedure: 'catalogue.listSkills',
    tag: 'catalogue',
    summary: 'List skills',
    query: zListQuery,
    status: 200,
    response: list(zSkillView),
    handle: ({ services, query }) => services.catalogue.listSkills(query),
  }),
  route({
    method: 'PUT',
    path: '/skills/:skillKey',
    procedure: 'catalogue.upsertSkill',
    tag: 'catalogue',
    summary: 'Create or replace a skill (201 create, 200 replace)',
    params: zSkillKeyParams,
    body: zUpsertSkillRequest,
    status: 200,
    upsert: true,
    response: item(zSkillView),
    errors: ['VALIDATION_ERROR', 'FORBIDDEN'],
    handle: async ({ services, params, body, caller }) => {
      const { item, created } = await services.catalogue.upsertSkill(params.skillKey, body, caller);
      return withStatus(created ? 201 : 200, { item });
    },
  }),
  route({
    method: 'GET',
    path: '/market/services',
    procedure: 'catalogue.listServices',
    tag: 'catalogue',
    summary: 'List catalogue services',
    query: zListQuery.extend(zServiceListQuery.shape),
    status: 200,
    response: list(zCatalogServiceView),
    handle: ({ services, query }) => services.catalogue.listServices(query),
  }),
  route({
    method: 'GET',
    path: '/market/services/:serviceId',
    procedure: 'catalogue.getService',
    tag: 'catalogue',
    summary: 'Get a catalogue service',
    params: zServiceIdParams,
    status: 200,
    response: item(zCatalogServiceView),
    errors: ['NOT_FOUND'],
    handle: async ({ services, params }) => ({ item: await services.catalogue.getService(params.serviceId) }),
  }),
  route({
    method: 'PUT',
    path: '/market/services/:serviceId',
    procedure: 'catalogue.upsertService',
    tag: 'catalogue',
    summary: 'Create or replace a catalogue service (201 create, 200 replace)',
    params: zServiceIdParams,
    body: zUpsertServiceRequest,
    status: 200,
    upsert: true,
    response: item(zCatalogServiceView),
    errors: ['VALIDATION_ERROR', 'FORBIDDEN'],
    handle: async ({ services, params, body, caller }) => {
      const { item, created } = await services.catalogue.upsertService(params.serviceId, body, caller);
      return withStatus(created ? 201 : 200, { item });
    },
  }),
];

export const runtimeEndpointRoutes = [
  route({
    method: 'GET',
    path: '/machines/:machineId/runtime-endpoints',
    procedure: 'runtimeEndpoints.list',
    tag: 'runtime-endpoints',
    summary: 'List runtime endpoints',
    params: zMachineIdParams,
    query: zListQuery.extend(zInspect.shape),
    status: 200,
    response: list(zRuntimeEndpointView),
    errors: GUARD,
    handle: ({ services, params, query }) => services.runtimeEndpoints.list(params.machineId, query),
  }),
  route({
    method: 'GET',
    path: '/machines/:machineId/runtime-endpoints/:providerKey',
    procedure: 'runtimeEndpoints.get',
    tag: 'runtime-endpoints',
    summary: 'Get a runtime endpoint',
    params: zRuntimeEndpointParams,
    query: zInspect,
    status: 200,
    response: item(zRuntimeEndpointView),
    errors: GUARD,
    handle: async ({ services, params, query }) => ({
      item: await services.runtimeEndpoints.get(params.machineId, params.providerKey, query),
    }),
  }),
  route({
    method: 'PUT',
    path: '/machines/:machineId/runtime-endpoints/:providerKey',
    procedure: 'runtimeEndpoints.upsert',
    tag: 'runtime-endpoints',
    summary: 'Upsert a manual runtime endpoint (201 create, 200 update)',
    params: zRuntimeEndpointParams,
    body: zUpsertRuntimeEndpointRequest,
    status: 200,
    upsert: true,
    response: item(zRuntimeEndpointView),
    errors: GUARD,
    handle: async ({ services, params, body, caller }) => {
      const { item, created } = await services.runtimeEndpoints.upsert(
        params.machineId,
        params.providerKey,
        body,
        caller,
      );
      return withStatus(created ? 201 : 200, { item });
    },
  }),
  route({
    method: 'DELETE',
    path: '/machines/:machineId/runtime-endpoints/:providerKey',
    procedure: 'runtimeEndpoints.delete',
    tag: 'runtime-endpoints',
    summary: 'Delete a runtime endpoint',
    params: zRuntimeEndpointParams,
    status: 204,
    errors: GUARD,
    handle: ({ services, params, caller }) =>
      services.runtimeEndpoints.delete(params.machineId, params.providerKey, caller),
  }),
];

export const sessionRoutes = [
  route({
    method: 'GET',
    path: '/session',
    procedure: 'session.get',
    tag: 'session',
    summary: 'Who is calling: principal, administrator, whether an API key is required',
    status: 200,
    response: item(zSessionView),
    errors: ['API_KEY_REQUIRED', 'API_KEY_INVALID'],
    // With auth off every call is the one caller API_CALLER (`local`, an administrator).
    handle: async ({ caller }) =>
      Promise.resolve({
        item: { principal: caller.ownerId, admin: caller.admin ?? false, authRequired: caller !== API_CALLER },
      }),
  }),
];

export const auditRoutes = [
  route({
    method: 'GET',
    path: '/audit-events',
    procedure: 'audit.list',
    tag: 'audit',
    summary: 'List audit events, newest first',
    query: zListQuery.extend(zAuditListQuery.shape),
    status: 200,
    response: list(zAuditEventView),
    errors: ['VALIDATION_ERROR'],
    handle: ({ services, query }) => services.audit.list(query),
  }),
];
