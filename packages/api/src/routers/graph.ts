import {
  zCreateGraphEdgeRequest,
  zCreateGraphNodeRequest,
  zDeleteGraphElementRequest,
  zEdgeParams,
  zMachineIdParams,
  zMoveGraphNodesRequest,
  zNodeParams,
  zUpdateGraphEdgeRequest,
  zUpdateGraphNodeRequest,
  zInspect,
} from '@mm/contracts';
import { procedureWith, router } from '../trpc.ts';

/** Mutations answer the view; deletes answer nothing (docs/api.md "tRPC answers"). */
export const graphRouter = router({
  get: procedureWith(zMachineIdParams.extend(zInspect.shape)).query(({ ctx, input }) =>
    ctx.services.graph.get(input.machineId, input),
  ),
  createNode: procedureWith(zMachineIdParams.extend(zCreateGraphNodeRequest.shape)).mutation(({ ctx, input }) => {
    const { machineId, ...body } = input;
    return ctx.services.graph.createNode(machineId, body, ctx.caller);
  }),
  updateNode: procedureWith(zNodeParams.extend(zUpdateGraphNodeRequest.shape)).mutation(({ ctx, input }) => {
    const { machineId, nodeId, ...patch } = input;
    return ctx.services.graph.updateNode(machineId, nodeId, patch, ctx.caller);
  }),
  /** Many nodes: `{items}`, as REST answers it (docs/api.md "tRPC answers"). */
  moveNodes: procedureWith(zMachineIdParams.extend(zMoveGraphNodesRequest.shape)).mutation(async ({ ctx, input }) => {
    const { machineId, ...body } = input;
    return { items: await ctx.services.graph.moveNodes(machineId, body, ctx.caller) };
  }),
  deleteNode: procedureWith(zNodeParams.extend(zDeleteGraphElementRequest.shape)).mutation(async ({ ctx, input }) => {
    const { machineId, nodeId, ...req } = input;
    await ctx.services.graph.deleteNode(machineId, nodeId, ctx.caller, req);
  }),
  createEdge: procedureWith(zMachineIdParams.extend(zCreateGraphEdgeRequest.shape)).mutation(({ ctx, input }) => {
    const { machineId, ...body } = input;
    return ctx.services.graph.createEdge(machineId, body, ctx.caller);
  }),
  updateEdge: procedureWith(zEdgeParams.extend(zUpdateGraphEdgeRequest.shape)).mutation(({ ctx, input }) => {
    const { machineId, edgeId, ...patch } = input;
    return ctx.services.graph.updateEdge(machineId, edgeId, patch, ctx.caller);
  }),
  deleteEdge: procedureWith(zEdgeParams.extend(zDeleteGraphElementRequest.shape)).mutation(async ({ ctx, input }) => {
    const { machineId, edgeId, ...req } = input;
    await ctx.services.graph.deleteEdge(machineId, edgeId, ctx.caller, req);
  }),
});
