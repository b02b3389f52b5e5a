import {
  zByTaskQuery,
  zCreateTaskRequest,
  zDiscoverTaskRequest,
  zExecuteTaskRequest,
  zListQuery,
  zMachineIdParams,
  zRunListQuery,
  zRunParams,
  zTaskListQuery,
  zTaskParams,
  zInspect,
} from '@mm/contracts';
import { procedureWith, router } from '../trpc.ts';

/** Tasks and what they produce: routes, outcomes, runs. */
export const tasksRouter = router({
  list: procedureWith(
    zMachineIdParams.extend(zListQuery.shape).extend(zTaskListQuery.shape).extend(zInspect.shape),
  ).query(({ ctx, input }) => ctx.services.tasks.list(input.machineId, input)),
  get: procedureWith(zTaskParams.extend(zInspect.shape)).query(({ ctx, input }) =>
    ctx.services.tasks.get(input.machineId, input.taskId, input),
  ),
  create: procedureWith(zMachineIdParams.extend(zCreateTaskRequest.shape)).mutation(({ ctx, input }) =>
    ctx.services.tasks.create(input, ctx.caller),
  ),
  discover: procedureWith(zTaskParams.extend(zDiscoverTaskRequest.shape)).mutation(({ ctx, input }) =>
    ctx.services.tasks.discover(input, ctx.caller),
  ),
  resolve: procedureWith(zTaskParams.extend(zDiscoverTaskRequest.shape)).mutation(({ ctx, input }) =>
    ctx.services.tasks.resolve(input, ctx.caller),
  ),
  execute: procedureWith(zTaskParams.extend(zExecuteTaskRequest.shape)).mutation(({ ctx, input }) =>
    ctx.services.tasks.execute(input, ctx.caller),
  ),
  listRoutes: procedureWith(
    zMachineIdParams.extend(zListQuery.shape).extend(zByTaskQuery.shape).extend(zInspect.shape),
  ).query(({ ctx, input }) => ctx.services.tasks.listRoutes(input.machineId, input)),
  listOutcomes: procedureWith(
    zMachineIdParams.extend(zListQuery.shape).extend(zByTaskQuery.shape).extend(zInspect.shape),
  ).query(({ ctx, input }) => ctx.services.tasks.listOutcomes(input.machineId, input)),
  listRuns: procedureWith(zRunListQuery.extend(zListQuery.shape).extend(zInspect.shape)).query(({ ctx, input }) =>
    ctx.services.tasks.listRuns(input),
  ),
  getRun: procedureWith(zRunParams).query(({ ctx, input }) => ctx.services.tasks.getRun(input.runId)),
});
