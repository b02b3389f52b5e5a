import type {
  CatalogServiceView,
  CreateTaskRequest,
  DiscoverTaskRequest,
  DiscoverTaskResponse,
  ExecuteTaskRequest,
  ListQuery,
  ResolveTaskResponse,
  RunView,
  TaskConstraints,
  TaskStatus,
  TaskView,
} from '@mm/contracts';
import type { Inspect } from '@mm/contracts';
import { MAX_CANDIDATES, TASK_ACTIONS, taskAllows } from '@mm/contracts';
import type { Caller, CoreDeps } from '../deps.ts';
import { SYSTEM_ACTOR, toPage } from '../deps.ts';
import { discover, fallbackChainOf } from '../engine/discovery.ts';
import type { DiscoveryResult } from '../engine/discovery.ts';
import { AppError, notFound, validation } from '../errors.ts';
import type { DiscoveryReads, Repos } from '../ports.ts';
import { createExecutionTracker, executeTask, recoverInterruptedRuns } from './execute.ts';
import { maySee, ownerFilter } from '../lib/request-scope.ts';
import { checkMachine, requireActiveMachine } from './machine-guard.ts';
import type { GuardDeps } from './machine-guard.ts';

export type TaskServiceDeps = CoreDeps;

async function loadTask(repos: Repos, machineId: string, taskId: string): Promise<TaskView> {
  const task = await repos.tasks.get(machineId, taskId);
  if (!task) throw notFound('task', taskId);
  return task;
}

function assertAllows(task: Pick<TaskView, 'status'>, action: 'discover' | 'resolve') {
  if (!taskAllows(action, task.status)) {
    throw new AppError('TASK_STATE_CONFLICT', `cannot ${action} a task that is ${task.status}`, {
      status: task.status,
      allowed: TASK_ACTIONS[action],
    });
  }
}

export type CreateTaskInput = CreateTaskRequest & { machineId: string };

/**
 * Creates a task inside the caller's transaction (an order that materialises a task, say), with
 * its audit event. `tasks.create` is this in a transaction of its own.
 */
export async function createTaskIn(
  tx: Repos,
  deps: GuardDeps,
  req: CreateTaskInput,
  caller: Caller,
): Promise<TaskView> {
  const { machineId } = req;
  await requireActiveMachine(tx, deps, machineId);
  const preferred = req.constraints?.preferredSkillKeys;
  if (preferred?.length) {
    const known = new Set((await tx.catalogue.listSkills()).map((s) => s.key));
    const unknown = preferred.filter((k) => !known.has(k));
    if (unknown.length) {
      throw validation(`unknown skill(s) in constraints.preferredSkillKeys: ${unknown.join(', ')}`, {
        'constraints.preferredSkillKeys': `unknown skills: ${unknown.join(', ')}`,
      });
    }
  }
  const task = await tx.tasks.create(taskRecordOf(req));
  await tx.audit.record({
    actor: caller.actor,
    type: 'task.created',
    resourceType: 'task',
    resourceId: task.id,
    payload: { task },
  });
  return task;
}

/** The stored form of a new task, defaults filled in. */
function taskRecordOf(req: CreateTaskInput) {
  const { machineId } = req;
  const c = req.constraints ?? {};
  return {
    machineId,
    serviceType: req.serviceType,
    ...(req.operation !== undefined && { operation: req.operation }),
    taskType: req.taskType,
    status: 'queued',
    input: req.input ?? {},
    constraints: {
      ...(c.region !== undefined && { region: c.region }),
      ...(c.budget !== undefined && { budget: c.budget }),
      allowExternalHandoff: c.allowExternalHandoff ?? true,
      requireNativeExecution: c.requireNativeExecution ?? false,
      requiredCapabilities: c.requiredCapabilities ?? [],
      ...(c.preferredSkillKeys !== undefined && { preferredSkillKeys: c.preferredSkillKeys }),
    },
    discovery: { maxCandidates: req.discovery?.maxCandidates ?? MAX_CANDIDATES.default },
  } satisfies Parameters<Repos['tasks']['create']>[0];
}

export type TaskRef = { machineId: string; taskId: string };

/**
 * The machine guard and the task read side by side (two round trips in parallel, not in series),
 * failing in the guard's order: the machine's error first, then the task's.
 */
async function guardAndLoad(repos: Repos, deps: GuardDeps, machineId: string, taskId: string) {
  const [machine, task] = await Promise.allSettled([
    requireActiveMachine(repos, deps, machineId),
    loadTask(repos, machineId, taskId),
  ]);
  if (machine.status === 'rejected') throw machine.reason;
  if (task.status === 'rejected') throw task.reason;
  return { machine: machine.value, task: task.value };
}

export function createTaskService(deps: TaskServiceDeps) {
  const { store, config, clock } = deps;
  const { runtime } = deps;
  const tracker = createExecutionTracker();

  /** What scoring reads besides the task: the machine's endpoints and policies, the services of the type. */
  type DiscoveryInputs = Pick<DiscoveryReads, 'endpoints' | 'policies'> & {
    services: readonly CatalogServiceView[];
  };

  /**
   * The guard, the task and discovery's inputs. Without identity verification, one statement reads
   * them all (`discovery.read`, docs/api.md "Discovery at catalogue scale") and the guard's checks
   * run on the machine it returned, in the guard's order: the machine's 404 or MACHINE_NOT_ACTIVE,
   * then the task's 404. Under `required` the full guard (which asks the identity resolver) and
   * the separate reads keep their route. The services come from the process's copy when it is at
   * the version the statement read; otherwise `servicesOfType` reads them.
   */
  async function readForDiscovery(machineId: string, taskId: string) {
    if (config.identityVerification === 'required') {
      const { machine, task } = await guardAndLoad(store, deps, machineId, taskId);
      return { task, load: () => loadInputs(store, machine, task) };
    }
    const read = await store.discovery.read(machineId, taskId);
    checkMachine(read.machine, machineId);
    const { task } = read;
    if (!task) throw notFound('task', taskId);
    const { services } = read;
    return {
      task,
      load: async (): Promise<DiscoveryInputs> => ({
        endpoints: read.endpoints,
        policies: read.policies,
        services: services ?? (await store.catalogue.servicesOfType(task.serviceType)),
      }),
    };
  }

  /** Discovery's inputs read separately (the `required` route), in parallel. */
  async function loadInputs(
    repos: Repos,
    machine: { id: string; policyIds: string[] },
    task: TaskView,
  ): Promise<DiscoveryInputs> {
    const [endpoints, policies, services] = await Promise.all([
      repos.endpoints.listAll(machine.id),
      repos.policies.getMany(machine.policyIds),
      repos.catalogue.servicesOfType(task.serviceType),
    ]);
    return { endpoints, policies, services };
  }

  /** Discovery for one task on one machine, with request-time overrides. */
  function runDiscovery(inputs: DiscoveryInputs, task: TaskView, overrides: DiscoverTaskRequest = {}): DiscoveryResult {
    const constraints: TaskConstraints = {
      ...task.constraints,
      ...(overrides.allowExternalHandoff !== undefined && { allowExternalHandoff: overrides.allowExternalHandoff }),
      ...(overrides.requireNativeExecution !== undefined && {
        requireNativeExecution: overrides.requireNativeExecution,
      }),
    };
    // The services of the type from the process's copy of the catalogue, current as of this
    // read (docs/api.md "Discovery at catalogue scale"): no catalogue rows cross the wire.
    const input = {
      task: { serviceType: task.serviceType, operation: task.operation, constraints },
      endpoints: new Map(inputs.endpoints.map((e) => [e.providerKey, e])),
      policies: inputs.policies,
      now: clock.now(),
    };
    return discover(inputs.services, input, overrides.maxCandidates ?? task.discovery.maxCandidates);
  }

  return {
    async create(req: CreateTaskInput, caller: Caller): Promise<TaskView> {
      // The common path is one statement: guard, insert and event (docs/concurrency.md "The claim
      // as one statement"). Preferred skills to check, an identity to re-verify, or a guard that
      // refused (to give its error) take the transaction.
      if (!req.constraints?.preferredSkillKeys?.length && config.identityVerification !== 'required') {
        const task = await store.lifecycle.createTask(taskRecordOf(req), {
          ownerId: ownerFilter() ?? null,
          actor: caller.actor,
        });
        if (task) return task;
      }
      return store.transaction((tx) => createTaskIn(tx, deps, req, caller));
    },

    async list(machineId: string, query: ListQuery & Inspect & { status?: TaskStatus | undefined }) {
      await requireActiveMachine(store, deps, machineId, query);
      return store.tasks.list(machineId, { status: query.status }, toPage(query));
    },

    async get(machineId: string, taskId: string, opts: Inspect = {}): Promise<TaskView> {
      await requireActiveMachine(store, deps, machineId, opts);
      return loadTask(store, machineId, taskId);
    },

    async discover(req: DiscoverTaskRequest & TaskRef, caller: Caller): Promise<DiscoverTaskResponse> {
      const { machineId, taskId } = req;
      // One read and one insert, no transaction (each statement reads committed data anyway; the
      // task is not written): two round trips (docs/concurrency.md "The claim as one statement").
      const { task, load } = await readForDiscovery(machineId, taskId);
      assertAllows(task, 'discover');
      const result = runDiscovery(await load(), task, req);
      // `recordMany`: one plain INSERT, without the ORM's create and the row it returns.
      await store.audit.recordMany([
        {
          actor: caller.actor,
          type: 'task.discovered',
          machineId,
          resourceType: 'task',
          resourceId: task.id,
          payload: {
            resolution: result.resolution.kind,
            candidates: result.candidates.map((c) => ({ serviceId: c.service.id, score: c.score })),
            excluded: result.excluded.map((e) => e.serviceId),
            excludedTotal: result.excludedTotal,
          },
        },
      ]);
      return { taskId: task.id, machineId, ...result };
    },

    /**
     * One statement moves the task to `resolved` with a compare-and-set from the statuses resolve
     * allows and inserts the route and its event from the row it returned: a resolve racing an
     * execute that claimed the task in between matches nothing and writes nothing, so it never
     * rewrites an `executing` task (docs/concurrency.md "The claim as one statement").
     */
    async resolve(req: DiscoverTaskRequest & TaskRef, caller: Caller): Promise<ResolveTaskResponse> {
      const { machineId, taskId } = req;
      const { task, load } = await readForDiscovery(machineId, taskId);
      assertAllows(task, 'resolve');
      const result = runDiscovery(await load(), task, req);
      const { resolution } = result;
      if (resolution.kind === 'unavailable') {
        throw new AppError('NO_ROUTE_AVAILABLE', resolution.reason, {
          resolution,
          excluded: result.excluded,
          excludedTotal: result.excludedTotal,
        });
      }
      const { candidate } = resolution;
      const handoffAllowed = task.constraints.allowExternalHandoff && !task.constraints.requireNativeExecution;
      const chain = fallbackChainOf(result.candidates, candidate.service.id).filter(
        (hop) => hop.executionMode === 'native' || handoffAllowed,
      );
      // One statement: the compare-and-set, the route and the `task.resolved` event.
      const resolved = await store.lifecycle.resolveTask({
        machineId,
        taskId,
        from: TASK_ACTIONS.resolve,
        route: {
          selectedSkillKey: candidate.service.skillKey,
          selectedServiceId: candidate.service.id,
          executionMode: candidate.service.executionMode,
          integrationStatus: candidate.service.integrationStatus,
          status: 'selected',
          reason: candidate.reasons.join('; '),
          score: candidate.score,
          fallbackChain: chain,
          handoff: resolution.kind === 'handoff' ? resolution.handoff : null,
        },
        actor: caller.actor,
      });
      if (!resolved) {
        const now = await loadTask(store, machineId, taskId);
        assertAllows(now, 'resolve');
        throw new AppError('TASK_STATE_CONFLICT', 'the task changed state while resolving; try again');
      }
      return { item: resolved.route, ...result };
    },

    execute(req: ExecuteTaskRequest & TaskRef, caller: Caller) {
      return executeTask(
        { store, config, clock, secrets: deps.secrets, runtime, identityResolver: deps.identityResolver, tracker },
        req,
        caller,
      );
    },

    /** Settles runs whose claim lapsed (crash, kill, deploy); see `recoverInterruptedRuns`. */
    recoverInterrupted(opts: { everyRunning?: boolean } = {}) {
      return recoverInterruptedRuns({ store, clock }, { ...opts, actor: SYSTEM_ACTOR });
    },

    /** Executions in flight in this process (graceful shutdown waits for them). */
    executions: tracker,

    async listRoutes(machineId: string, query: ListQuery & Inspect & { taskId?: string | undefined }) {
      await requireActiveMachine(store, deps, machineId, query);
      return store.routes.list(machineId, { taskId: query.taskId }, toPage(query));
    },

    async listOutcomes(machineId: string, query: ListQuery & Inspect & { taskId?: string | undefined }) {
      await requireActiveMachine(store, deps, machineId, query);
      return store.outcomes.list(machineId, { taskId: query.taskId }, toPage(query));
    },

    async listRuns(
      query: ListQuery &
        Inspect & {
          machineId: string;
          status?: RunView['status'] | undefined;
          skillKey?: string | undefined;
          serviceId?: string | undefined;
          executionMode?: RunView['executionMode'] | undefined;
          taskId?: string | undefined;
          since?: string | undefined;
          until?: string | undefined;
        },
    ) {
      await requireActiveMachine(store, deps, query.machineId, query);
      const { limit, cursor, includeInactive: _inspect, since, until, ...filter } = query;
      return store.runs.list(
        {
          ...filter,
          executionMode: filter.executionMode ?? undefined,
          since: since ? new Date(since) : undefined,
          until: until ? new Date(until) : undefined,
        },
        toPage({ limit, cursor }),
      );
    },

    async getRun(runId: string) {
      const run = await store.runs.get(runId);
      const machine = run ? await store.machines.get(run.machineId) : null;
      // A run of another owner's machine does not exist for this caller (context C3).
      if (!run || !machine || !maySee(machine.ownerId)) throw notFound('run', runId);
      const outcome = run.outcomeId ? await store.outcomes.get(run.outcomeId) : null;
      return { run, outcome };
    },
  };
}
export type TaskService = ReturnType<typeof createTaskService>;
