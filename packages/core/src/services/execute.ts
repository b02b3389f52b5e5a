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
import { TASK_ACTIONS, TASK_SETTLES, taskAllows } from '@mm/contracts';
import type { Caller } from '../deps.ts';
import { probeConfigOf, SYSTEM_ACTOR } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';
import { walk } from './execute-walk.ts';
import type { ExecuteDeps, HopStart, Walk } from './execute-walk.ts';
import { requireActiveMachine } from './machine-guard.ts';
import { observeEndpointIn } from './probes.ts';
import { ownerFilter } from '../lib/request-scope.ts';
import type { HopTarget } from '../ports.ts';

export type { ExecuteDeps } from './execute-walk.ts';

/** Slack on top of the walk's bound before a claim counts as lapsed (commit, settle). */
const CLAIM_MARGIN_MS = 5_000;

/** How long a walk over `route` may take at most: every hop times out (docs/concurrency.md). */
export function walkBoundMs(route: RouteView, runtimeTimeoutMs: number): number {
  return (1 + route.fallbackChain.length) * runtimeTimeoutMs + CLAIM_MARGIN_MS;
}

const stateConflict = (status: TaskView['status']) =>
  new AppError('TASK_STATE_CONFLICT', `cannot execute a task that is ${status}`, {
    status,
    allowed: TASK_ACTIONS.execute,
  });

/**
 * Phase 1, one statement (docs/concurrency.md "The claim as one statement"): the machine guard,
 * the task and route reads, the claim (a compare-and-set resolved|failed → executing, held by the
 * new run), the run and its `run.started` event. Of two executes racing, one claim matches; the
 * other writes nothing and answers 409, so at most one run of a task is ever `running`. When the
 * statement claims nothing, the reads below find out why, with the errors the guard has always
 * given (errors are the slow path); a claim lost to a resolve that replaced the route is tried again.
 */
async function start(deps: ExecuteDeps, machineId: string, taskId: string, caller: Caller) {
  // The identity check asks the resolver, which SQL cannot: under `required` it runs first.
  if (deps.config.identityVerification === 'required') await requireActiveMachine(deps.store, deps, machineId);
  for (let attempt = 1; ; attempt++) {
    const claimed = await deps.store.lifecycle.startExecution({
      machineId,
      taskId,
      ownerId: ownerFilter() ?? null,
      now: deps.clock.now(),
      hopTimeoutMs: deps.config.runtimeTimeoutMs,
      marginMs: CLAIM_MARGIN_MS,
      actor: caller.actor,
    });
    if (claimed) return claimed;
    await requireActiveMachine(deps.store, deps, machineId);
    const task = await deps.store.tasks.get(machineId, taskId);
    if (!task) throw notFound('task', taskId);
    if (task.status === 'completed' || task.status === 'executing' || task.status === 'handed_off') {
      throw stateConflict(task.status);
    }
    const route = task.routeId ? await deps.store.routes.get(task.routeId) : null;
    if (!route || !taskAllows('execute', task.status)) {
      throw new AppError('ROUTE_REQUIRED', 'resolve the task before executing it (POST …/resolve)');
    }
    // Executable now: the claim raced a write that has committed since (a resolve, say).
    if (attempt >= 3) throw stateConflict(task.status);
  }
}

/**
 * Phase 2's progress, one small transaction per native hop: the run's attempts so far and a
 * `run.hop-started` event naming the hop now called, so the change feed tells a console which hop
 * is being tried while the runtime answers. Advisory: a failure to write it never fails the walk
 * (settle records the attempts anyway), and a run already settled by recovery is left alone.
 */
async function recordHop(deps: ExecuteDeps, ctx: { task: TaskView; run: RunView }, h: HopStart, caller: Caller) {
  try {
    const { attempts, ...hop } = h;
    // One statement: the attempts (only while the run is running) and the event.
    await deps.store.lifecycle.recordHop(ctx.run.id, attempts, {
      actor: caller.actor,
      taskId: ctx.task.id,
      hop: { ...hop },
    });
  } catch {
    // Best effort (see above): the runtime call goes ahead.
  }
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

const outlived = () =>
  new AppError(
    'TASK_STATE_CONFLICT',
    'this execution outlived its claim and was settled as interrupted; execute the task again',
  );

/** Phase 3: settle everything the run touched, with its audit event, in one transaction. */
async function settle(
  deps: ExecuteDeps,
  ctx: { task: TaskView; route: RouteView; run: RunView },
  w: Walk,
  caller: Caller,
): Promise<{ outcome: OutcomeView; run: RunView }> {
  const { task, route, run } = ctx;
  const status = w.kind === 'served' ? 'completed' : w.kind === 'handoff' ? 'external' : 'failed';
  const routeStatus = w.kind === 'served' ? 'completed' : w.kind === 'handoff' ? 'handed_off' : 'failed';
  const summary = summaryOf(w, 1 + route.fallbackChain.length);
  const observed = w.attempts.some((a) => a.providerKey && a.status === 'failed');
  if (!observed) {
    // The common path, one statement (docs/concurrency.md "The claim as one statement"). A failed
    // attempt is passive evidence with hysteresis (observeEndpointIn), which the transaction below keeps.
    const settled = await deps.store.lifecycle.settleExecution({
      taskId: task.id,
      runId: run.id,
      routeId: route.id,
      taskStatus: TASK_SETTLES[w.kind],
      status,
      routeStatus,
      skillKey: w.hop.skillKey,
      serviceId: w.hop.serviceId,
      executionMode: w.hop.executionMode,
      externalRef: w.kind === 'handoff' ? w.handoff.url : null,
      errorCode: w.kind === 'failed' ? w.code : null,
      errorMessage: w.kind === 'failed' ? w.message : null,
      result: w.kind === 'served' ? w.result : null,
      attempts: w.attempts,
      summary,
      healthyProviderKeys: [
        ...new Set(w.attempts.flatMap((a) => (a.providerKey && a.status === 'succeeded' ? [a.providerKey] : []))),
      ],
      now: deps.clock.now(),
      actor: caller.actor,
      eventType: w.kind === 'failed' ? 'task.failed' : 'task.executed',
    });
    if (!settled) throw outlived();
    return { outcome: settled.outcome, run: settled.run };
  }
  return deps.store.transaction(async (tx) => {
    // The claim must still be ours: if this walk outlived its lease, recovery already settled the
    // run as interrupted and the task may be running again under another claim.
    const settledTask = await tx.tasks.settle(task.id, run.id, TASK_SETTLES[w.kind], null);
    if (!settledTask) throw outlived();
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
    const settledRun = await tx.runs.settleRunning(run.id, {
      status,
      outcomeId: outcome.id,
      skillKey: w.hop.skillKey,
      serviceId: w.hop.serviceId,
      executionMode: w.hop.executionMode,
      attempts: w.attempts,
      summary,
    });
    if (!settledRun) throw new AppError('TASK_STATE_CONFLICT', 'the run was settled by someone else');
    const settledRoute = await tx.routes.update(route.id, {
      status: routeStatus,
    });
    const finalTask = await tx.tasks.update(task.id, { outcomeId: outcome.id });
    const now = deps.clock.now();
    for (const a of w.attempts) {
      if (!a.providerKey || (a.status !== 'succeeded' && a.status !== 'failed')) continue;
      const endpoint = await tx.endpoints.get(task.machineId, a.providerKey);
      if (!endpoint) continue;
      if (a.status === 'succeeded') {
        await tx.endpoints.setStatus(endpoint.id, { lastCheckedAt: now, lastHealthyAt: now });
      } else {
        // Passive evidence (context C6, docs/liveness.md "Probing"): a failed attempt counts like a
        // failed probe, with the same counters, transitions and audit event, in this transaction.
        await observeEndpointIn(
          tx,
          endpoint.id,
          {
            healthy: false,
            at: now,
            reason: `execution failed: ${a.errorCode ?? 'RUNTIME_ERROR'}${a.errorMessage ? `: ${a.errorMessage}` : ''}`,
            actor: SYSTEM_ACTOR,
          },
          probeConfigOf(deps.config),
        );
      }
    }
    await tx.audit.record({
      actor: caller.actor,
      type: w.kind === 'failed' ? 'task.failed' : 'task.executed',
      resourceType: 'task',
      resourceId: task.id,
      payload: {
        task: finalTask,
        route: settledRoute,
        run: settledRun,
        outcome: { ...outcome, result: undefined },
      },
    });
    return { outcome, run: settledRun };
  });
}

async function resolutionOf(deps: ExecuteDeps, route: RouteView, w: Walk): Promise<TaskResolution> {
  // The walk read the hop's service already when it served or handed off through it.
  const walked = w.kind !== 'failed' && w.service?.id === w.hop.serviceId ? w.service : null;
  const service =
    walked ??
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

/**
 * Executions in flight in this process, so a graceful shutdown can wait for them (each is bounded
 * by its claim's lease) instead of leaving tasks `executing` (docs/faults.md).
 */
export function createExecutionTracker() {
  const inFlight = new Map<Promise<unknown>, number>();
  return {
    track<T>(work: Promise<T>, deadline: number): Promise<T> {
      inFlight.set(work, deadline);
      const forget = () => inFlight.delete(work);
      work.then(forget, forget);
      return work;
    },
    get size() {
      return inFlight.size;
    },
    /** When the last execution in flight must have ended (epoch ms), or null when none runs. */
    latestDeadline(): number | null {
      return inFlight.size ? Math.max(...inFlight.values()) : null;
    },
    async drain(): Promise<void> {
      await Promise.allSettled([...inFlight.keys()]);
    },
  };
}
export type ExecutionTracker = ReturnType<typeof createExecutionTracker>;

export async function executeTask(
  deps: ExecuteDeps & { tracker?: ExecutionTracker },
  req: ExecuteTaskRequest & { machineId: string; taskId: string },
  caller: Caller,
): Promise<ExecuteTaskResponse> {
  const ctx = await start(deps, req.machineId, req.taskId, caller);
  const deadline = deps.clock.now().getTime() + walkBoundMs(ctx.route, deps.config.runtimeTimeoutMs);
  const work = finish(deps, ctx, req, caller);
  return deps.tracker ? deps.tracker.track(work, deadline) : work;
}

async function finish(
  deps: ExecuteDeps,
  ctx: { task: TaskView; route: RouteView; run: RunView; target: HopTarget | null },
  req: ExecuteTaskRequest,
  caller: Caller,
): Promise<ExecuteTaskResponse> {
  let w: Walk;
  try {
    w = await walk(deps, ctx.task, ctx.route, req.input ?? ctx.task.input, (h) => recordHop(deps, ctx, h, caller), {
      target: ctx.target,
    });
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

export const INTERRUPTED_MESSAGE =
  'the execution was interrupted (the server stopped or lost it before it finished); execute the task again';

/**
 * The recovery pass (context C1, docs/concurrency.md): settles running runs whose claim lapsed as
 * failed/interrupted, with their outcome, route, task and audit event, in one transaction per
 * batch. Runs are taken with SKIP LOCKED, and the task's settle is conditional on the lapsed
 * run still holding the claim, so with several processes each run is settled once. At start on the
 * embedded database (one process by construction) every running run is orphaned: `everyRunning`.
 */
export async function recoverInterruptedRuns(
  deps: Pick<ExecuteDeps, 'store' | 'clock'>,
  opts: { everyRunning?: boolean; batch?: number; actor: string } = { actor: 'system:machine-markets' },
): Promise<number> {
  const batch = opts.batch ?? 100;
  let settled = 0;
  for (;;) {
    const n = await deps.store.transaction(async (tx) => {
      const runs = await tx.runs.claimLapsed(deps.clock.now(), batch, opts.everyRunning ?? false);
      for (const run of runs) {
        const route = run.routeId ? await tx.routes.get(run.routeId) : null;
        const hop = {
          skillKey: run.skillKey ?? route?.selectedSkillKey ?? 'unknown',
          serviceId: run.serviceId ?? route?.selectedServiceId ?? 'unknown',
          executionMode: run.executionMode ?? route?.executionMode ?? 'native',
        };
        const outcome = await tx.outcomes.create({
          machineId: run.machineId,
          taskId: run.taskId,
          routeId: run.routeId ?? '',
          status: 'failed',
          ...hop,
          receiptRef: null,
          logsRef: `runs/${run.id}`,
          externalRef: null,
          errorCode: 'RUNTIME_ERROR',
          errorMessage: INTERRUPTED_MESSAGE,
          result: null,
        });
        const failedRun = await tx.runs.settleRunning(run.id, {
          status: 'failed',
          outcomeId: outcome.id,
          summary: `failed: ${INTERRUPTED_MESSAGE}`,
        });
        const failedRoute = route ? await tx.routes.update(route.id, { status: 'failed' }) : null;
        const task = await tx.tasks.settle(run.taskId, run.id, 'failed', outcome.id);
        await tx.audit.record({
          actor: opts.actor,
          type: 'task.failed',
          resourceType: 'task',
          resourceId: run.taskId,
          payload: { task, route: failedRoute, run: failedRun, outcome, reason: 'interrupted' },
        });
      }
      return runs.length;
    });
    settled += n;
    if (n < batch) return settled;
  }
}
