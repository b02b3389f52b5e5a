import {
  zAgentParams,
  zEnrollMachineAgentRequest,
  zHeartbeatRequest,
  zListQuery,
  zMachineIdParams,
  zInspect,
} from '@mm/contracts';
import { procedureWith, publicProcedure, router } from '../trpc.ts';

export const agentsRouter = router({
  enroll: procedureWith(zMachineIdParams.extend(zEnrollMachineAgentRequest.shape)).mutation(({ ctx, input }) => {
    const { machineId, ...body } = input;
    return ctx.services.agents.enroll(machineId, body, ctx.caller);
  }),
  list: procedureWith(zMachineIdParams.extend(zListQuery.shape).extend(zInspect.shape)).query(({ ctx, input }) =>
    ctx.services.agents.list(input.machineId, input),
  ),
  get: procedureWith(zAgentParams.extend(zInspect.shape)).query(({ ctx, input }) =>
    ctx.services.agents.get(input.machineId, input.agentId, input),
  ),
  revoke: procedureWith(zAgentParams).mutation(({ ctx, input }) =>
    ctx.services.agents.revoke(input.machineId, input.agentId, ctx.caller),
  ),
  /**
   * Agents authenticate themselves with `agentToken`, so no API key is asked for; over tRPC the
   * token travels in the input only.
   */
  heartbeat: publicProcedure
    .input(zHeartbeatRequest)
    .mutation(({ ctx, input }) => ctx.services.agents.heartbeat(input)),
});
