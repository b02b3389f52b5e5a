import {
  zCreateIdentityChallengeRequest,
  zIdentityChallengeView,
  zIdentityControllerView,
  zIdentityRefParams,
  zPutIdentityControllersRequest,
} from '@mm/contracts';
import { route, withStatus } from '../route.ts';
import { item } from './shared.ts';

export const identityRoutes = [
  route({
    method: 'POST',
    path: '/machine-identity/challenges',
    procedure: 'identity.createChallenge',
    tag: 'machine-identity',
    summary: 'Issue a one-time EIP-191 challenge for an identity (valid 5 minutes)',
    body: zCreateIdentityChallengeRequest,
    status: 201,
    // `{item}`, an ItemResponse like every other answer (context A3, corrected).
    response: item(zIdentityChallengeView),
    errors: ['VALIDATION_ERROR', 'NOT_FOUND', 'PEAQOS_IDENTITY_UNAVAILABLE'],
    handle: async ({ services, body, caller }) => ({ item: await services.identity.createChallenge(body, caller) }),
  }),
  route({
    method: 'GET',
    path: '/machine-identity/registry/:identityRef',
    procedure: 'identity.getController',
    tag: 'machine-identity',
    summary: 'Get the controller addresses the local identity registry holds for an identity',
    params: zIdentityRefParams,
    status: 200,
    response: item(zIdentityControllerView),
    errors: ['VALIDATION_ERROR', 'NOT_FOUND'],
    handle: async ({ services, params }) => ({ item: await services.identity.getControllers(params.identityRef) }),
  }),
  route({
    method: 'PUT',
    path: '/machine-identity/registry/:identityRef',
    procedure: 'identity.putController',
    tag: 'machine-identity',
    summary: 'Set the controller addresses of an identity in the local registry (201 create, 200 replace)',
    params: zIdentityRefParams,
    body: zPutIdentityControllersRequest,
    status: 200,
    upsert: true,
    response: item(zIdentityControllerView),
    errors: ['VALIDATION_ERROR', 'FORBIDDEN'],
    handle: async ({ services, params, body, caller }) => {
      const { item, created } = await services.identity.putControllers(params.identityRef, body, caller);
      return withStatus(created ? 201 : 200, { item });
    },
  }),
];
