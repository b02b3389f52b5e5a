import type {
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
import { MAX_CANDIDATES } from '@mm/contracts';
import type { Caller, CoreDeps } from '../deps.ts';
import { toPage } from '../deps.ts';
import { discover, fallbackChainOf } from '../engine/discovery.ts';
import type { DiscoveryResult } from '../engine/discovery.ts';
import { AppError, notFound, validation } from '../errors.ts';
import type { Repos } from '../ports.ts';
import { executeTask } from './execute.ts';
import { requireActiveMachine } from './machine-guard.ts';

/** Where discover and resolve are allowed (context B9). */
const DISCOVERABLE: readonly TaskStatus[] = ['queued', 'resolved', 'failed'];

export type TaskServiceDeps = CoreDeps;

async function loadTask(repos: Repos, machineId: string, taskId: string): Promise<TaskView> {
  const task = await repos.tasks.get(machineId, taskId);
  if (!task) throw notFound('task', taskId);
  return task;
}

function assertDiscoverable(task: TaskView, action: string) {
  if (!DISCOVERABLE.includes(task.status)) {
    throw new AppError('TASK_STATE_CONFLICT', `cannot ${action} a task that is ${task.status}`, {
      status: task.status,
      allowed: DISCOVERABLE,
    });
  }
}

export function createTaskService(deps: TaskServiceDeps) {
  const { store, config, clock } = deps;
  const { runtime } = deps;

  /** Discovery for one task on one machine, with request-time overrides. */
  async function runDiscovery(
    repos: Repos,
    machine: { id: string; policyIds: string[] },
    task: TaskView,
    overrides: DiscoverTaskRequest = {},
  ): Promise<DiscoveryResult> {
    const constraints: TaskConstraints = {
      ...task.constraints,
      ...(overrides.allowExternalHandoff !== undefined && { allowExternalHandoff: overrides.allowExternalHandoff }),
      ...(overrides.requireNativeExecution !== undefined && {
        requireNativeExecution: overrides.requireNativeExecution,
      }),
    };
    const [services, endpoints, policies] = await Promise.all([
      repos.catalogue.listServices({ serviceType: task.serviceType }),
      repos.endpoints.listAll(machine.id),
      repos.policies.getMany(machine.policyIds),
    ]);
    return discover(
      services,
      {
        task: { serviceType: task.serviceType, operation: task.operation, constraints },
        endpoints: new Map(endpoints.map((e) => [e.providerKey, e])),
        policies,
        now: clock.now(),
      },
      overrides.maxCandidates ?? task.discovery.maxCandidates,
    );
  }

  return {
    async create(machineId: string, req: CreateTaskRequest, caller: Caller): Promise<TaskView> {
      return store.transaction(async (tx) => {
        await requireActiveMachine(tx, config, machineId);
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
        const c = req.constraints ?? {};
        const task = await tx.tasks.create({
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
        });
        await tx.audit.record({
          actor: caller.actor,
          type: 'task.created',
          resourceType: 'task',
          resourceId: task.id,
          payload: { task },
        });
        return task;
      });
    },

    async list(machineId: string, query: ListQuery & { status?: TaskStatus | undefined }) {
      await requireActiveMachine(store, config, machineId);
      return store.tasks.list(machineId, { status: query.status }, toPage(query));
    },

    async get(machineId: string, taskId: string): Promise<TaskView> {
      await requireActiveMachine(store, config, machineId);
      return loadTask(store, machineId, taskId);
    },

    async discover(
      machineId: string,
      taskId: string,
      req: DiscoverTaskRequest,
      caller: Caller,
    ): Promise<DiscoverTaskResponse> {
      return store.transaction(async (tx) => {
        const machine = await requireActiveMachine(tx, config, machineId);
        const task = await loadTask(tx, machineId, taskId);
        assertDiscoverable(task, 'discover');
        const result = await runDiscovery(tx, machine, task, req);
        await tx.audit.record({
          actor: caller.actor,
          type: 'task.discovered',
          resourceType: 'task',
          resourceId: task.id,
          payload: {
            resolution: result.resolution.kind,
            candidates: result.candidates.map((c) => ({ serviceId: c.service.id, score: c.score })),
            excluded: result.excluded.map((e) => e.serviceId),
          },
        });
        return { taskId: task.id, machineId, ...result };
      });
    },

    async resolve(
      machineId: string,
      taskId: string,
      req: DiscoverTaskRequest,
      caller: Caller,
    ): Promise<ResolveTaskResponse> {
      return store.transaction(async (tx) => {
        const machine = await requireActiveMachine(tx, config, machineId);
        const task = await loadTask(tx, machineId, taskId);
        assertDiscoverable(task, 'resolve');
        const result = await runDiscovery(tx, machine, task, req);
        const { resolution } = result;
        if (resolution.kind === 'unavailable') {
          throw new AppError('NO_ROUTE_AVAILABLE', resolution.reason, {
            resolution,
            excluded: result.excluded,
          });
        }
        const { candidate } = resolution;
        const handoffAllowed = task.constraints.allowExternalHandoff && !task.constraints.requireNativeExecution;
        const chain = fallbackChainOf(result.candidates, candidate.service.id).filter(
          (hop) => hop.executionMode === 'native' || handoffAllowed,
        );
        const route = await tx.routes.create({
          machineId,
          taskId,
          selectedSkillKey: candidate.service.skillKey,
          selectedServiceId: candidate.service.id,
          executionMode: candidate.service.executionMode,
          integrationStatus: candidate.service.integrationStatus,
          status: 'selected',
          reason: candidate.reasons.join('; '),
          score: candidate.score,
          fallbackChain: chain,
          handoff: resolution.kind === 'handoff' ? resolution.handoff : null,
        });
        const updated = await tx.tasks.update(taskId, { status: 'resolved', routeId: route.id, outcomeId: null });
        await tx.audit.record({
          actor: caller.actor,
          type: 'task.resolved',
          resourceType: 'task',
          resourceId: taskId,
          payload: { task: updated, route },
        });
        return { item: route, ...result };
      });
    },

    execute(machineId: string, taskId: string, req: ExecuteTaskRequest, caller: Caller) {
      return executeTask({ store, config, clock, secrets: deps.secrets, runtime }, machineId, taskId, req, caller);
    },

    async listRoutes(machineId: string, query: ListQuery & { taskId?: string | undefined }) {
      await requireActiveMachine(store, config, machineId);
      return store.routes.list(machineId, { taskId: query.taskId }, toPage(query));
    },

    async listOutcomes(machineId: string, query: ListQuery & { taskId?: string | undefined }) {
      await requireActiveMachine(store, config, machineId);
      return store.outcomes.list(machineId, { taskId: query.taskId }, toPage(query));
    },

    async listRuns(
      query: ListQuery & {
        machineId: string;
        status?: RunView['status'] | undefined;
        skillKey?: string | undefined;
        serviceId?: string | undefined;
        executionMode?: RunView['executionMode'] | undefined;
        taskId?: string | undefined;
      },
    ) {
      await requireActiveMachine(store, config, query.machineId);
      const { limit, cursor, ...filter } = query;
      return store.runs.list(
        { ...filter, executionMode: filter.executionMode ?? undefined },
        toPage({ limit, cursor }),
      );
    },

    async getRun(runId: string) {
      const run = await store.runs.get(runId);
      if (!run) throw notFound('run', runId);
      const outcome = run.outcomeId ? await store.outcomes.get(run.outcomeId) : null;
      return { run, outcome };
    },
  };
}
export type TaskService = ReturnType<typeof createTaskService>;
