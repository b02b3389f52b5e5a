import { zListQuery, zMachineIdParams, zRuntimeEndpointParams, zUpsertRuntimeEndpointRequest } from '@mm/contracts';
import { procedureWith, router } from '../trpc.ts';

export const runtimeEndpointsRouter = router({
  list: procedureWith(zMachineIdParams.extend(zListQuery.shape)).query(({ ctx, input }) =>
    ctx.services.runtimeEndpoints.list(input.machineId, input),
  ),
  get: procedureWith(zRuntimeEndpointParams).query(({ ctx, input }) =>
    ctx.services.runtimeEndpoints.get(input.machineId, input.providerKey),
  ),
  upsert: procedureWith(zRuntimeEndpointParams.extend(zUpsertRuntimeEndpointRequest.shape)).mutation(
    ({ ctx, input }) => {
      const { machineId, providerKey, ...body } = input;
      return ctx.services.runtimeEndpoints.upsert(machineId, providerKey, body, ctx.caller);
    },
  ),
  delete: procedureWith(zRuntimeEndpointParams).mutation(async ({ ctx, input }) => {
    await ctx.services.runtimeEndpoints.delete(input.machineId, input.providerKey, ctx.caller);
    return { deleted: true as const };
  }),
});
