import {
  zListQuery,
  zMachineIdParams,
  zRuntimeEndpointParams,
  zUpsertRuntimeEndpointRequest,
  zInspect,
} from '@mm/contracts';
import { procedureWith, router } from '../trpc.ts';

export const runtimeEndpointsRouter = router({
  list: procedureWith(zMachineIdParams.extend(zListQuery.shape).extend(zInspect.shape)).query(({ ctx, input }) =>
    ctx.services.runtimeEndpoints.list(input.machineId, input),
  ),
  get: procedureWith(zRuntimeEndpointParams.extend(zInspect.shape)).query(({ ctx, input }) =>
    ctx.services.runtimeEndpoints.get(input.machineId, input.providerKey, input),
  ),
  upsert: procedureWith(zRuntimeEndpointParams.extend(zUpsertRuntimeEndpointRequest.shape)).mutation(
    async ({ ctx, input }) => {
      const { machineId, providerKey, ...body } = input;
      // The view, not `{item, created}`: REST tells create from replace by its status (docs/api.md "tRPC answers").
      const { item } = await ctx.services.runtimeEndpoints.upsert(machineId, providerKey, body, ctx.caller);
      return item;
    },
  ),
  delete: procedureWith(zRuntimeEndpointParams).mutation(async ({ ctx, input }) => {
    // Deletes answer nothing, as REST's 204 (docs/api.md "tRPC answers").
    await ctx.services.runtimeEndpoints.delete(input.machineId, input.providerKey, ctx.caller);
  }),
});
