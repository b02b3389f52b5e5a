/**
 * Executing a resolved task (context B4, B5): walk the route's hops in order on the machine's
 * runtime endpoints, record every attempt on the run, and settle task, route, run and outcome
 * together with their audit event.
 */
import type {
  CatalogServiceView,
  ExecuteTaskRequest,
  ExecuteTaskResponse,
  ExternalHandoff,
  FallbackHop,
  OutcomeView,
  RouteView,
  RunAttempt,
  RunView,
  TaskResolution,
  TaskView,
} from "@mm/contracts";
import type { Caller, CoreConfig } from "../deps.ts";
import { endpointProblem } from "../engine/scoring.ts";
import { RuntimeCallError } from "../engine/runtime.ts";
import type { RuntimeErrorCode, RuntimeInvoker } from "../engine/runtime.ts";
import { AppError, notFound } from "../errors.ts";
import type { SecretBox } from "../lib/secrets.ts";
import type { Clock, Store } from "../ports.ts";
import { requireActiveMachine } from "./machine-guard.ts";

export interface ExecuteDeps {
  store: Store;
  config: CoreConfig;
  clock: Clock;
  secrets: SecretBox;
  runtime: RuntimeInvoker;
}

type Walk =
  | {
      kind: "served";
      hop: FallbackHop;
      service: CatalogServiceView;
      result: unknown;
      attempts: RunAttempt[];
    }
  | {
      kind: "handoff";
      hop: FallbackHop;
      service: CatalogServiceView | null;
      handoff: ExternalHandoff;
      attempts: RunAttempt[];
    }
  | {
      kind: "failed";
      hop: FallbackHop;
      code: RuntimeErrorCode;
      message: string;
      attempts: RunAttempt[];
    };

/** Phase 1: claim the task (resolved|failed → executing) and open a run, in one transaction. */
async function start(
  deps: ExecuteDeps,
  machineId: string,
  taskId: string,
  caller: Caller,
) {
  return deps.store.transaction(async (tx) => {
    await requireActiveMachine(tx, deps.config, machineId);
    const task = await tx.tasks.get(machineId, taskId);
    if (!task) throw notFound("task", taskId);
    if (
      task.status === "completed" ||
      task.status === "executing" ||
      task.status === "handed_off"
    ) {
      throw new AppError(
        "TASK_STATE_CONFLICT",
        `cannot execute a task that is ${task.status}`,
        { status: task.status },
      );
    }
    const route = task.routeId ? await tx.routes.get(task.routeId) : null;
    if (!route || (task.status !== "resolved" && task.status !== "failed")) {
      throw new AppError(
        "ROUTE_REQUIRED",
        "resolve the task before executing it (POST …/resolve)",
      );
    }
    if (
      !(await tx.tasks.transition(taskId, ["resolved", "failed"], "executing"))
    ) {
      throw new AppError(
        "TASK_STATE_CONFLICT",
        "the task changed state while starting; try again",
      );
    }
    const run = await tx.runs.create({
      machineId,
      taskId,
      routeId: route.id,
      outcomeId: null,
      status: "running",
      executionMode: route.executionMode,
      skillKey: route.selectedSkillKey,
      serviceId: route.selectedServiceId,
      summary: null,
      attempts: [],
    });
    await tx.audit.record({
      actor: caller.actor,
      type: "run.started",
      resourceType: "run",
      resourceId: run.id,
      payload: { run, taskId, routeId: route.id },
    });
    return { task, route, run };
  });
}

function attemptOf(
  index: number,
  hop: FallbackHop,
  started: Date,
  clock: Clock,
  fields: Partial<RunAttempt> & Pick<RunAttempt, "status">,
): RunAttempt {
  return {
    hop: index,
    skillKey: hop.skillKey,
    serviceId: hop.serviceId,
    executionMode: hop.executionMode,
    providerKey: null,
    endpointBaseUrl: null,
    startedAt: started.toISOString(),
    durationMs: Math.max(0, clock.now().getTime() - started.getTime()),
    errorCode: null,
    errorMessage: null,
    httpStatus: null,
    ...fields,
  };
}

/** Phase 2: no transaction is held while runtimes are called. */
async function walk(
  deps: ExecuteDeps,
  task: TaskView,
  route: RouteView,
  input: Record<string, unknown>,
): Promise<Walk> {
  const selected: FallbackHop = {
    skillKey: route.selectedSkillKey,
    serviceId: route.selectedServiceId,
    executionMode: route.executionMode,
  };
  if (route.executionMode === "external-handoff" && route.handoff) {
    const attempt = attemptOf(1, selected, deps.clock.now(), deps.clock, {
      status: "handed_off",
    });
    return {
      kind: "handoff",
      hop: selected,
      service: null,
      handoff: route.handoff,
      attempts: [attempt],
    };
  }
  const hops = [selected, ...route.fallbackChain];
  const attempts: RunAttempt[] = [];
  let last: { hop: FallbackHop; code: RuntimeErrorCode; message: string } = {
    hop: selected,
    code: "RUNTIME_UNREACHABLE",
    message: "no native hop could be tried",
  };
  for (const [i, hop] of hops.entries()) {
    if (hop.executionMode !== "native") continue;
    const started = deps.clock.now();
    const service = await deps.store.catalogue.getService(hop.serviceId);
    if (!service) {
      attempts.push(
        attemptOf(i + 1, hop, started, deps.clock, {
          status: "skipped",
          errorCode: "RUNTIME_UNREACHABLE",
          errorMessage: `service ${hop.serviceId} is no longer in the catalogue`,
        }),
      );
      continue;
    }
    const endpoint = await deps.store.endpoints.get(
      task.machineId,
      service.providerKey,
    );
    const base = {
      providerKey: service.providerKey,
      endpointBaseUrl: endpoint?.endpointBaseUrl ?? null,
    };
    const problem = endpointProblem(
      endpoint ?? undefined,
      service.providerKey,
      started,
    );
    if (problem || !endpoint) {
      last = {
        hop,
        code: "RUNTIME_UNREACHABLE",
        message: problem ?? "no endpoint",
      };
      attempts.push(
        attemptOf(i + 1, hop, started, deps.clock, {
          ...base,
          status: "skipped",
          errorCode: last.code,
          errorMessage: last.message,
        }),
      );
      continue;
    }
    try {
      const cipher = await deps.store.endpoints.getCredential(
        task.machineId,
        service.providerKey,
      );
      let authToken: string | null = null;
      try {
        authToken = cipher ? deps.secrets.open(cipher) : null;
      } catch {
        throw new RuntimeCallError(
          "RUNTIME_ERROR",
          "the stored credential cannot be decrypted (was MM_SECRET_KEY changed?)",
        );
      }
      const response = await deps.runtime.invoke({
        providerKey: service.providerKey,
        endpointBaseUrl: endpoint.endpointBaseUrl,
        authType: endpoint.authType,
        authToken,
        modelAlias: endpoint.modelAlias,
        taskId: task.id,
        skillKey: service.skillKey,
        serviceId: service.id,
        operation: task.operation ?? service.operations[0] ?? null,
        input,
        timeoutMs: deps.config.runtimeTimeoutMs,
      });
      attempts.push(
        attemptOf(i + 1, hop, started, deps.clock, {
          ...base,
          status: "succeeded",
          httpStatus: response.httpStatus,
        }),
      );
      return {
        kind: "served",
        hop,
        service,
        result: response.result,
        attempts,
      };
    } catch (err) {
      const e =
        err instanceof RuntimeCallError
          ? err
          : new RuntimeCallError("RUNTIME_ERROR", "runtime call failed");
      last = { hop, code: e.code, message: e.message };
      attempts.push(
        attemptOf(i + 1, hop, started, deps.clock, {
          ...base,
          status: "failed",
          errorCode: e.code,
          errorMessage: e.message,
          httpStatus: e.httpStatus,
        }),
      );
    }
  }
  // Every native hop failed: a remaining handoff hop takes over (context B9).
  for (const [i, hop] of hops.entries()) {
    if (hop.executionMode !== "external-handoff") continue;
    const service = await deps.store.catalogue.getService(hop.serviceId);
    if (!service?.handoff) continue;
    attempts.push(
      attemptOf(i + 1, hop, deps.clock.now(), deps.clock, {
        status: "handed_off",
        providerKey: service.providerKey,
      }),
    );
    return {
      kind: "handoff",
      hop,
      service,
      handoff: service.handoff,
      attempts,
    };
  }
  return { kind: "failed", ...last, attempts };
}

function summaryOf(outcome: Walk, hops: number): string {
  const tried = outcome.attempts.filter(
    (a) => a.status !== "handed_off",
  ).length;
  switch (outcome.kind) {
    case "served": {
      const a = outcome.attempts.at(-1);
      return `served by ${outcome.hop.serviceId} (hop ${a?.hop ?? 1} of ${hops}) in ${a?.durationMs ?? 0} ms`;
    }
    case "handoff":
      return tried
        ? `handed off to ${outcome.handoff.url} via ${outcome.hop.serviceId} after ${tried} native hop(s) failed`
        : `handed off to ${outcome.handoff.url} via ${outcome.hop.serviceId}`;
    case "failed":
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
  const status =
    w.kind === "served"
      ? "completed"
      : w.kind === "handoff"
        ? "external"
        : "failed";
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
      externalRef: w.kind === "handoff" ? w.handoff.url : null,
      errorCode: w.kind === "failed" ? w.code : null,
      errorMessage: w.kind === "failed" ? w.message : null,
      result: w.kind === "served" ? w.result : null,
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
    const routeStatus =
      w.kind === "served"
        ? "completed"
        : w.kind === "handoff"
          ? "handed_off"
          : "failed";
    const settledRoute = await tx.routes.update(route.id, {
      status: routeStatus,
    });
    const taskStatus =
      w.kind === "served"
        ? "completed"
        : w.kind === "handoff"
          ? "handed_off"
          : "failed";
    const settledTask = await tx.tasks.update(task.id, {
      status: taskStatus,
      outcomeId: outcome.id,
    });
    const now = deps.clock.now();
    for (const a of w.attempts) {
      if (!a.providerKey || (a.status !== "succeeded" && a.status !== "failed"))
        continue;
      const endpoint = await tx.endpoints.get(task.machineId, a.providerKey);
      if (endpoint) {
        await tx.endpoints.setStatus(endpoint.id, {
          lastCheckedAt: now,
          ...(a.status === "succeeded" && { lastHealthyAt: now }),
        });
      }
    }
    await tx.audit.record({
      actor: caller.actor,
      type: w.kind === "failed" ? "task.failed" : "task.executed",
      resourceType: "task",
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

async function resolutionOf(
  deps: ExecuteDeps,
  route: RouteView,
  w: Walk,
): Promise<TaskResolution> {
  const service =
    (await deps.store.catalogue.getService(w.hop.serviceId)) ??
    (await deps.store.catalogue.getService(route.selectedServiceId));
  if (!service)
    return {
      kind: "unavailable",
      reason: `service ${w.hop.serviceId} is no longer in the catalogue`,
      candidates: [],
    };
  const selected = service.id === route.selectedServiceId;
  const candidate = {
    service,
    score: selected ? route.score : 0,
    reasons: selected ? route.reason.split("; ") : ["fallback hop"],
  };
  if (w.kind === "handoff")
    return { kind: "handoff", candidate, handoff: w.handoff };
  return { kind: "native", candidate };
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
      kind: "failed",
      hop: {
        skillKey: ctx.route.selectedSkillKey,
        serviceId: ctx.route.selectedServiceId,
        executionMode: ctx.route.executionMode,
      },
      code: "RUNTIME_ERROR",
      message:
        err instanceof Error
          ? `execution failed: ${err.message}`
          : "execution failed",
      attempts: [],
    };
  }
  const { outcome, run } = await settle(deps, ctx, w, caller);
  const resolution = await resolutionOf(deps, ctx.route, w);
  if (w.kind === "failed") {
    throw new AppError(w.code, w.message, undefined, {
      item: outcome,
      run,
      resolution,
    });
  }
  return { item: outcome, run, resolution };
}
