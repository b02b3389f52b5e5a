import {
  zCreateGraphEdgeRequest,
  zCreateGraphNodeRequest,
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

const item = <T extends z.ZodType>(s: T) => z.object({ item: s });
const GUARD = ['NOT_FOUND', 'MACHINE_NOT_ACTIVE', 'MACHINE_NOT_ACTIVATED', 'VALIDATION_ERROR'];

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
    path: '/machines/:machineId/graph/nodes/:nodeId',
    tag: 'graph',
    summary: 'Update a graph node (data is shallow-merged)',
    params: zNodeParams,
    body: zUpdateGraphNodeRequest,
    status: 200,
    response: item(zGraphNodeView),
    errors: GUARD,
    handle: async ({ services, params, body, caller }) => ({
      item: await services.graph.updateNode(params.machineId, params.nodeId, body, caller),
    }),
  }),
  route({
    method: 'DELETE',
    path: '/machines/:machineId/graph/nodes/:nodeId',
    tag: 'graph',
    summary: 'Delete a graph node and its edges',
    params: zNodeParams,
    status: 204,
    errors: GUARD,
    handle: ({ services, params, caller }) => services.graph.deleteNode(params.machineId, params.nodeId, caller),
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
    summary: 'Update a graph edge (type, label, data; data is shallow-merged)',
    params: zEdgeParams,
    body: zUpdateGraphEdgeRequest,
    status: 200,
    response: item(zGraphEdgeView),
    errors: GUARD,
    handle: async ({ services, params, body, caller }) => ({
      item: await services.graph.updateEdge(params.machineId, params.edgeId, body, caller),
    }),
  }),
  route({
    method: 'DELETE',
    path: '/machines/:machineId/graph/edges/:edgeId',
    tag: 'graph',
    summary: 'Delete a graph edge',
    params: zEdgeParams,
    status: 204,
    errors: GUARD,
    handle: ({ services, params, caller }) => services.graph.deleteEdge(params.machineId, params.edgeId, caller),
  }),
];
