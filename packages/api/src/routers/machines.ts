import {
  zCreateMachineRequest,
  zListQuery,
  zMachineIdParams,
  zMachineListQuery,
  zUpdateMachineRequest,
} from '@mm/contracts';
import { procedureWith, router } from '../trpc.ts';

export const machinesRouter = router({
  list: procedureWith(zListQuery.extend(zMachineListQuery.shape).default({})).query(({ ctx, input }) =>
    ctx.services.machines.list(input),
  ),
  get: procedureWith(zMachineIdParams).query(({ ctx, input }) => ctx.services.machines.get(input.machineId)),
  create: procedureWith(zCreateMachineRequest).mutation(({ ctx, input }) =>
    ctx.services.machines.create(input, ctx.caller),
  ),
  update: procedureWith(zMachineIdParams.extend(zUpdateMachineRequest.shape)).mutation(({ ctx, input }) => {
    const { machineId, ...patch } = input;
    return ctx.services.machines.update(machineId, patch, ctx.caller);
  }),
});
