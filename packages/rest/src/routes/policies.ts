import { zCreatePolicyRequest, zListQuery, zPolicyParams, zPolicyView, zUpdatePolicyRequest } from '@mm/contracts';
import { route } from '../route.ts';
import { item, list } from './shared.ts';

export const policiesRoutes = [
  route({
    method: 'GET',
    path: '/policies',
    tag: 'policies',
    summary: 'List policies',
    query: zListQuery,
    status: 200,
    response: list(zPolicyView),
    errors: ['VALIDATION_ERROR'],
    handle: ({ services, query }) => services.policies.list(query),
  }),
  route({
    method: 'POST',
    path: '/policies',
    tag: 'policies',
    summary: 'Create a policy',
    body: zCreatePolicyRequest,
    status: 201,
    response: item(zPolicyView),
    errors: ['VALIDATION_ERROR'],
    handle: async ({ services, body, caller }) => ({ item: await services.policies.create(body, caller) }),
  }),
  route({
    method: 'GET',
    path: '/policies/:policyId',
    tag: 'policies',
    summary: 'Get a policy',
    params: zPolicyParams,
    status: 200,
    response: item(zPolicyView),
    errors: ['NOT_FOUND'],
    handle: async ({ services, params }) => ({ item: await services.policies.get(params.policyId) }),
  }),
  route({
    method: 'PATCH',
    path: '/policies/:policyId',
    tag: 'policies',
    summary: 'Update a policy (named arrays are replaced)',
    params: zPolicyParams,
    body: zUpdatePolicyRequest,
    status: 200,
    response: item(zPolicyView),
    errors: ['NOT_FOUND', 'VALIDATION_ERROR'],
    handle: async ({ services, params, body, caller }) => ({
      item: await services.policies.update(params.policyId, body, caller),
    }),
  }),
  route({
    method: 'DELETE',
    path: '/policies/:policyId',
    tag: 'policies',
    summary: 'Delete a policy and remove it from every machine that names it',
    params: zPolicyParams,
    status: 204,
    errors: ['NOT_FOUND'],
    handle: ({ services, params, caller }) => services.policies.delete(params.policyId, caller),
  }),
];
