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
} from '@mm/contracts';
import { route, withStatus } from '../route.ts';
import { GUARD, item, list } from './shared.ts';

export const machineRoutes = [
  route({
    method: 'GET',
    path: '/machines',
    tag: 'machines',
    summary: 'List machines',
    query: zListQuery.extend(zMachineListQuery.shape),
    status: 200,
    response: list(zMachineView),
    handle: ({ services, query }) => services.machines.list(query),
  }),
  route({
    method: 'POST',
    path: '/machines',
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
    ],
    handle: async ({ services, body, caller }) => ({ item: await services.machines.create(body, caller) }),
  }),
  route({
    method: 'GET',
    path: '/machines/:machineId',
    tag: 'machines',
    summary: 'Get a machine',
    params: zMachineIdParams,
    status: 200,
    response: item(zMachineView),
    errors: ['NOT_FOUND'],
    handle: async ({ services, params }) => ({ item: await services.machines.get(params.machineId) }),
  }),
  route({
    method: 'PATCH',
    path: '/machines/:machineId',
    tag: 'machines',
    summary: 'Update a machine',
    params: zMachineIdParams,
    body: zUpdateMachineRequest,
    status: 200,
    response: item(zMachineView),
    errors: ['NOT_FOUND', 'VALIDATION_ERROR', 'MACHINE_IDENTITY_IMMUTABLE', 'MACHINE_IDENTITY_EXISTS'],
    handle: async ({ services, params, body, caller }) => ({
      item: await services.machines.update(params.machineId, body, caller),
    }),
  }),
];

export const catalogueRoutes = [
  route({
    method: 'GET',
    path: '/skills',
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
    tag: 'catalogue',
    summary: 'Create or replace a skill (201 create, 200 replace)',
    params: zSkillKeyParams,
    body: zUpsertSkillRequest,
    status: 200,
    upsert: true,
    response: item(zSkillView),
    handle: async ({ services, params, body, caller }) => {
      const { item, created } = await services.catalogue.upsertSkill(params.skillKey, body, caller);
      return withStatus(created ? 201 : 200, { item });
    },
  }),
  route({
    method: 'GET',
    path: '/market/services',
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
    tag: 'catalogue',
    summary: 'Create or replace a catalogue service (201 create, 200 replace)',
    params: zServiceIdParams,
    body: zUpsertServiceRequest,
    status: 200,
    upsert: true,
    response: item(zCatalogServiceView),
    errors: ['VALIDATION_ERROR'],
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
    tag: 'runtime-endpoints',
    summary: 'List runtime endpoints',
    params: zMachineIdParams,
    query: zListQuery,
    status: 200,
    response: list(zRuntimeEndpointView),
    errors: GUARD,
    handle: ({ services, params, query }) => services.runtimeEndpoints.list(params.machineId, query),
  }),
  route({
    method: 'GET',
    path: '/machines/:machineId/runtime-endpoints/:providerKey',
    tag: 'runtime-endpoints',
    summary: 'Get a runtime endpoint',
    params: zRuntimeEndpointParams,
    status: 200,
    response: item(zRuntimeEndpointView),
    errors: GUARD,
    handle: async ({ services, params }) => ({
      item: await services.runtimeEndpoints.get(params.machineId, params.providerKey),
    }),
  }),
  route({
    method: 'PUT',
    path: '/machines/:machineId/runtime-endpoints/:providerKey',
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
    tag: 'runtime-endpoints',
    summary: 'Delete a runtime endpoint',
    params: zRuntimeEndpointParams,
    status: 204,
    errors: GUARD,
    handle: ({ services, params, caller }) =>
      services.runtimeEndpoints.delete(params.machineId, params.providerKey, caller),
  }),
];

export const auditRoutes = [
  route({
    method: 'GET',
    path: '/audit-events',
    tag: 'audit',
    summary: 'List audit events, newest first',
    query: zListQuery.extend(zAuditListQuery.shape),
    status: 200,
    response: list(zAuditEventView),
    errors: ['VALIDATION_ERROR'],
    handle: ({ services, query }) => services.audit.list(query),
  }),
];
