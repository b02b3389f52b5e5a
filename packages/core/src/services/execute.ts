/**
 * Executing a resolved task (context B4, B5): claim the task and open a run, walk the route's hops
 * (execute-walk.ts), then settle task, route, run and outcome together with their audit event.
 */
import type {
  ExecuteTaskRequest,
  ExecuteTaskResponse,
  OutcomeView,
  RouteView,
  RunView,
  TaskResolution,
  TaskView,
} from '@mm/contracts';
import type { Caller } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';
import { walk } from './execute-walk.ts';
import type { ExecuteDeps, Walk } from './execute-walk.ts';
import { requireActiveMachine } from './machine-guard.ts';

export type { ExecuteDeps } from './execute-walk.ts';

/** Phase 1: claim the task (resolved|failed → executing) and open a run, in one transaction. */
async function start(deps: ExecuteDeps, machineId: string, taskId: string, caller: Caller) {
  return deps.store.transaction(async (tx) => {
    await requireActiveMachine(tx, deps.config, machineId);
    const task = await tx.tasks.get(machineId, taskId);
    if (!task) throw notFound('task', taskId);
    if (task.status === 'completed' || task.status === 'executing' || task.status === 'handed_off') {
      throw new AppError('TASK_STATE_CONFLICT', `cannot execute a task that is ${task.status}`, {
        status: task.status,
      });
    }
    const route = task.routeId ? await tx.routes.get(task.routeId) : null;
    if (!route || (task.status !== 'resolved' && task.status !== 'failed')) {
      throw new AppError('ROUTE_REQUIRED', 'resolve the task before executing it (POST …/resolve)');
    }
    if (!(await tx.tasks.transition(taskId, ['resolved', 'failed'], 'executing'))) {
      throw new AppError('TASK_STATE_CONFLICT', 'the task changed state while starting; try again');
    }
    const run = await tx.runs.create({
      machineId,
      taskId,
      routeId: route.id,
      outcomeId: null,
      status: 'running',
      executionMode: route.executionMode,
      skillKey: route.selectedSkillKey,
      serviceId: route.selectedServiceId,
      summary: null,
      attempts: [],
    });
    await tx.audit.record({
      actor: caller.actor,
      type: 'run.started',
      resourceType: 'run',
      resourceId: run.id,
      payload: { run, taskId, routeId: route.id },
    });
    return { task, route, run };
  });
}

function summaryOf(outcome: Walk, hops: number): string {
  const tried = outcome.attempts.filter((a) => a.status !== 'handed_off').length;
  switch (outcome.kind) {
    case 'served': {
      const a = outcome.attempts.at(-1);
      return `served by ${outcome.hop.serviceId} (hop ${a?.hop ?? 1} of ${hops}) in ${a?.durationMs ?? 0} ms`;
    }
    case 'handoff':
      return tried
        ? `handed off to ${outcome.handoff.url} via ${outcome.hop.serviceId} after ${tried} native hop(s) failed`
        : `handed off to ${outcome.handoff.url} via ${outcome.hop.serviceId}`;
    case 'failed':
      return `failed: ${tried} native hop(s) tried; last ${outcome.code} at ${outcome.hop.serviceId}: ${outcome.message}`;
  }
}

/** Phase 3: settle everything the run touched, with its audit event, in one transaction. */
async function settle(
  deps: ExecuteDeps,
  ctx: { task: TaskView; route: RouteView; run: RunView },
  w: Walk,
  caller: Caller,
): Promise<{ outcome: OutcomeView; run: RunView }> {
  const { task, route, run } = ctx;
  const status = w.kind === 'served' ? 'completed' : w.kind === 'handoff' ? 'external' : 'failed';
  return deps.store.transaction(async (tx) => {
    const outcome = await tx.outcomes.create({
      machineId: task.machineId,
      taskId: task.id,
      routeId: route.id,
      status,
      skillKey: w.hop.skillKey,
      serviceId: w.hop.serviceId,
      executionMode: w.hop.executionMode,
      receiptRef: null,
      logsRef: `runs/${run.id}`,
      externalRef: w.kind === 'handoff' ? w.handoff.url : null,
      errorCode: w.kind === 'failed' ? w.code : null,
      errorMessage: w.kind === 'failed' ? w.message : null,
      result: w.kind === 'served' ? w.result : null,
    });
    const settledRun = await tx.runs.update(run.id, {
      status,
      outcomeId: outcome.id,
      skillKey: w.hop.skillKey,
      serviceId: w.hop.serviceId,
      executionMode: w.hop.executionMode,
      attempts: w.attempts,
      summary: summaryOf(w, 1 + route.fallbackChain.length),
    });
    const routeStatus = w.kind === 'served' ? 'completed' : w.kind === 'handoff' ? 'handed_off' : 'failed';
    const settledRoute = await tx.routes.update(route.id, {
      status: routeStatus,
    });
    const taskStatus = w.kind === 'served' ? 'completed' : w.kind === 'handoff' ? 'handed_off' : 'failed';
    const settledTask = await tx.tasks.update(task.id, {
      status: taskStatus,
      outcomeId: outcome.id,
    });
    const now = deps.clock.now();
    for (const a of w.attempts) {
      if (!a.providerKey || (a.status !== 'succeeded' && a.status !== 'failed')) continue;
      const endpoint = await tx.endpoints.get(task.machineId, a.providerKey);
      if (endpoint) {
        await tx.endpoints.setStatus(endpoint.id, {
          lastCheckedAt: now,
          ...(a.status === 'succeeded' && { lastHealthyAt: now }),
        });
      }
    }
    await tx.audit.record({
      actor: caller.actor,
      type: w.kind === 'failed' ? 'task.failed' : 'task.executed',
      resourceType: 'task',
      resourceId: task.id,
      payload: {
        task: settledTask,
        route: settledRoute,
        run: settledRun,
        outcome: { ...outcome, result: undefined },
      },
    });
    return { outcome, run: settledRun };
  });
}

async function resolutionOf(deps: ExecuteDeps, route: RouteView, w: Walk): Promise<TaskResolution> {
  const service =
    (await deps.store.catalogue.getService(w.hop.serviceId)) ??
    (await deps.store.catalogue.getService(route.selectedServiceId));
  if (!service)
    return {
      kind: 'unavailable',
      reason: `service ${w.hop.serviceId} is no longer in the catalogue`,
      candidates: [],
    };
  const selected = service.id === route.selectedServiceId;
  const candidate = {
    service,
    score: selected ? route.score : 0,
    reasons: selected ? route.reason.split('; ') : ['fallback hop'],
  };
  if (w.kind === 'handoff') return { kind: 'handoff', candidate, handoff: w.handoff };
  return { kind: 'native', candidate };
}

export async function executeTask(
  deps: ExecuteDeps,
  machineId: string,
  taskId: string,
  req: ExecuteTaskRequest,
  caller: Caller,
): Promise<ExecuteTaskResponse> {
  const ctx = await start(deps, machineId, taskId, caller);
  let w: Walk;
  try {
    w = await walk(deps, ctx.task, ctx.route, req.input ?? ctx.task.input);
  } catch (err) {
    // Something unexpected (not a runtime answer): record the failure rather than leave it executing.
    w = {
      kind: 'failed',
      hop: {
        skillKey: ctx.route.selectedSkillKey,
        serviceId: ctx.route.selectedServiceId,
        executionMode: ctx.route.executionMode,
      },
      code: 'RUNTIME_ERROR',
      message: err instanceof Error ? `execution failed: ${err.message}` : 'execution failed',
      attempts: [],
    };
  }
  const { outcome, run } = await settle(deps, ctx, w, caller);
  const resolution = await resolutionOf(deps, ctx.route, w);
  if (w.kind === 'failed') {
    throw new AppError(w.code, w.message, undefined, {
      item: outcome,
      run,
      resolution,
    });
  }
  return { item: outcome, run, resolution };
}
