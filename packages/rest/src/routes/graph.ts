import {
  zMoveGraphNodesRequest,
  zCreateGraphEdgeRequest,
  zCreateGraphNodeRequest,
  zDeleteGraphElementRequest,
  zEdgeParams,
  zGraphEdgeView,
  zGraphNodeView,
  zGraphView,
  zMachineIdParams,
  zNodeParams,
  zUpdateGraphEdgeRequest,
  zUpdateGraphNodeRequest,
} from '@mm/contracts';
import { z } from 'zod';
import { route } from '../route.ts';
import { expectedVersionOf, GUARD, item, VERSIONED } from './shared.ts';

export const graphRoutes = [
  route({
    method: 'GET',
    path: '/machines/:machineId/graph',
    tag: 'graph',
    summary: 'Get the graph of a machine',
    params: zMachineIdParams,
    status: 200,
    response: zGraphView,
    errors: GUARD,
    handle: ({ services, params }) => services.graph.get(params.machineId),
  }),
  route({
    method: 'POST',
    path: '/machines/:machineId/graph/nodes',
    tag: 'graph',
    summary: 'Create a graph node',
    params: zMachineIdParams,
    body: zCreateGraphNodeRequest,
    status: 201,
    response: item(zGraphNodeView),
    errors: GUARD,
    handle: async ({ services, params, body, caller }) => ({
      item: await services.graph.createNode(params.machineId, body, caller),
    }),
  }),
  route({
    method: 'PATCH',
    path: '/machines/:machineId/graph/nodes',
    tag: 'graph',
    summary: 'Move many nodes at once (our addition: auto-layout); answers the moved nodes',
    params: zMachineIdParams,
    body: zMoveGraphNodesRequest,
    status: 200,
    response: z.object({ items: z.array(zGraphNodeView) }),
    errors: GUARD,
    handle: async ({ services, params, body, caller }) => ({
      items: await services.graph.moveNodes(params.machineId, body, caller),
    }),
  }),
  route({
    method: 'PATCH',
    path: '/machines/:machineId/graph/nodes/:nodeId',
    tag: 'graph',
    summary: 'Update a graph node (data is shallow-merged; If-Match or expectedVersion for optimistic concurrency)',
    params: zNodeParams,
    body: zUpdateGraphNodeRequest,
    status: 200,
    response: item(zGraphNodeView),
    errors: VERSIONED,
    handle: async ({ services, params, body, caller, headers }) => ({
      item: await services.graph.updateNode(
        params.machineId,
        params.nodeId,
        { ...body, expectedVersion: expectedVersionOf(headers, body.expectedVersion) },
        caller,
      ),
    }),
  }),
  route({
    method: 'DELETE',
    path: '/machines/:machineId/graph/nodes/:nodeId',
    tag: 'graph',
    summary: 'Delete a graph node and its edges (If-Match or expectedVersion for optimistic concurrency)',
    params: zNodeParams,
    body: zDeleteGraphElementRequest,
    status: 204,
    errors: VERSIONED,
    handle: ({ services, params, caller, body, headers }) =>
      services.graph.deleteNode(params.machineId, params.nodeId, caller, {
        expectedVersion: expectedVersionOf(headers, body.expectedVersion),
      }),
  }),
  route({
    method: 'POST',
    path: '/machines/:machineId/graph/edges',
    tag: 'graph',
    summary: 'Create a graph edge between two nodes of the machine',
    params: zMachineIdParams,
    body: zCreateGraphEdgeRequest,
    status: 201,
    response: item(zGraphEdgeView),
    errors: GUARD,
    handle: async ({ services, params, body, caller }) => ({
      item: await services.graph.createEdge(params.machineId, body, caller),
    }),
  }),
  route({
    method: 'PATCH',
    path: '/machines/:machineId/graph/edges/:edgeId',
    tag: 'graph',
    summary: 'Update a graph edge (type, label, data; data is shallow-merged; If-Match or expectedVersion)',
    params: zEdgeParams,
    body: zUpdateGraphEdgeRequest,
    status: 200,
    response: item(zGraphEdgeView),
    errors: VERSIONED,
    handle: async ({ services, params, body, caller, headers }) => ({
      item: await services.graph.updateEdge(
        params.machineId,
        params.edgeId,
        { ...body, expectedVersion: expectedVersionOf(headers, body.expectedVersion) },
        caller,
      ),
    }),
  }),
  route({
    method: 'DELETE',
    path: '/machines/:machineId/graph/edges/:edgeId',
    tag: 'graph',
    summary: 'Delete a graph edge (If-Match or expectedVersion for optimistic concurrency)',
    params: zEdgeParams,
    body: zDeleteGraphElementRequest,
    status: 204,
    errors: VERSIONED,
    handle: ({ services, params, caller, body, headers }) =>
      services.graph.deleteEdge(params.machineId, params.edgeId, caller, {
        expectedVersion: expectedVersionOf(headers, body.expectedVersion),
      }),
  }),
];
