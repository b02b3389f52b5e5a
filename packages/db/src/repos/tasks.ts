import type { OutcomeView, RouteView, RunView, TaskView } from '@mm/contracts';
import type { OutcomeRepo, RouteRepo, RunRepo, TaskRepo } from '@mm/core';
import { Prisma } from '../generated/prisma/client.ts';
import type { Outcome, Route, Run, Task } from '../generated/prisma/client.ts';
import { asRecord, iso, pageOf } from './paging.ts';
import type { Tx } from './tx.ts';

const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;
const jsonOrNull = (v: unknown) => (v === null || v === undefined ? Prisma.DbNull : json(v));

export function taskView(row: Task): TaskView {
  return {
    id: row.id,
    machineId: row.machineId,
    serviceType: row.serviceType as TaskView['serviceType'],
    ...(row.operation !== null && { operation: row.operation }),
    taskType: row.taskType,
    status: row.status as TaskView['status'],
    input: asRecord(row.input),
    constraints: row.constraints as TaskView['constraints'],
    discovery: row.discovery as TaskView['discovery'],
    routeId: row.routeId,
    outcomeId: row.outcomeId,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function routeView(row: Route): RouteView {
  return {
    id: row.id,
    machineId: row.machineId,
    taskId: row.taskId,
    selectedSkillKey: row.selectedSkillKey,
    selectedServiceId: row.selectedServiceId,
    executionMode: row.executionMode as RouteView['executionMode'],
    integrationStatus: row.integrationStatus as RouteView['integrationStatus'],
    status: row.status as RouteView['status'],
    reason: row.reason,
    score: row.score,
    fallbackChain: row.fallbackChain as RouteView['fallbackChain'],
    handoff: (row.handoff ?? null) as RouteView['handoff'],
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function outcomeView(row: Outcome): OutcomeView {
  return {
    id: row.id,
    machineId: row.machineId,
    taskId: row.taskId,
    routeId: row.routeId,
    status: row.status as OutcomeView['status'],
    skillKey: row.skillKey,
    serviceId: row.serviceId,
    executionMode: row.executionMode as OutcomeView['executionMode'],
    receiptRef: row.receiptRef,
    logsRef: row.logsRef,
    externalRef: row.externalRef,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    result: row.result ?? null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function runView(row: Run): RunView {
  return {
    id: row.id,
    machineId: row.machineId,
    taskId: row.taskId,
    routeId: row.routeId,
    outcomeId: row.outcomeId,
    status: row.status as RunView['status'],
    executionMode: row.executionMode as RunView['executionMode'],
    skillKey: row.skillKey,
    serviceId: row.serviceId,
    summary: row.summary,
    attempts: (Array.isArray(row.attempts) ? row.attempts : []) as RunView['attempts'],
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function taskRepo(db: Tx): TaskRepo {
  return {
    async create(input) {
      const row = await db.task.create({
        data: {
          machineId: input.machineId,
          serviceType: input.serviceType,
          operation: input.operation ?? null,
          taskType: input.taskType,
          status: input.status,
          input: json(input.input),
          constraints: json(input.constraints),
          discovery: json(input.discovery),
        },
      });
      return taskView(row);
    },
    async get(machineId, taskId) {
      const row = await db.task.findFirst({ where: { id: taskId, machineId } });
      return row ? taskView(row) : null;
    },
    list(machineId, filter, page) {
      return pageOf(
        (args) => db.task.findMany(args),
        { machineId, ...(filter.status && { status: filter.status }) },
        page,
        taskView,
      );
    },
    async update(taskId, patch) {
      return taskView(await db.task.update({ where: { id: taskId }, data: patch }));
    },
    // Compare-and-set writes (docs/concurrency.md): each applies only while the task is still in
    // the state the caller checked, so a concurrent writer that won leaves zero rows here.
    async resolveTo(taskId, from, routeId) {
      const res = await db.task.updateMany({
        where: { id: taskId, status: { in: [...from] } },
        data: { status: 'resolved', routeId, outcomeId: null },
      });
      return res.count === 1 ? taskView(await db.task.findUniqueOrThrow({ where: { id: taskId } })) : null;
    },
    async claim(taskId, from, runId) {
      const res = await db.task.updateMany({
        where: { id: taskId, status: { in: [...from] } },
        data: { status: 'executing', claimRunId: runId },
      });
      return res.count === 1;
    },
    async settle(taskId, runId, status, outcomeId) {
      const res = await db.task.updateMany({
        where: { id: taskId, status: 'executing', claimRunId: runId },
        data: { status, outcomeId, claimRunId: null },
      });
      return res.count === 1 ? taskView(await db.task.findUniqueOrThrow({ where: { id: taskId } })) : null;
    },
  };
}

export function routeRepo(db: Tx): RouteRepo {
  return {
    async create(input) {
      const row = await db.route.create({
        data: { ...input, fallbackChain: json(input.fallbackChain), handoff: jsonOrNull(input.handoff) },
      });
      return routeView(row);
    },
    async get(id) {
      const row = await db.route.findUnique({ where: { id } });
      return row ? routeView(row) : null;
    },
    list(machineId, filter, page) {
      return pageOf(
        (args) => db.route.findMany(args),
        { machineId, ...(filter.taskId && { taskId: filter.taskId }) },
        page,
        routeView,
      );
    },
    async update(id, patch) {
      return routeView(await db.route.update({ where: { id }, data: patch }));
    },
  };
}

export function outcomeRepo(db: Tx): OutcomeRepo {
  return {
    async create(input) {
      const { result, ...rest } = input;
      const row = await db.outcome.create({ data: { ...rest, result: jsonOrNull(result) } });
      return outcomeView(row);
    },
    async get(id) {
      const row = await db.outcome.findUnique({ where: { id } });
      return row ? outcomeView(row) : null;
    },
    list(machineId, filter, page) {
      return pageOf(
        (args) => db.outcome.findMany(args),
        { machineId, ...(filter.taskId && { taskId: filter.taskId }) },
        page,
        outcomeView,
      );
    },
  };
}

export function runRepo(db: Tx): RunRepo {
  return {
    async create(input) {
      const row = await db.run.create({ data: { ...input, attempts: json(input.attempts) } });
      return runView(row);
    },
    async settleRunning(id, patch) {
      const { attempts, ...rest } = patch;
      const res = await db.run.updateMany({
        where: { id, status: 'running' },
        data: { ...rest, leaseExpiresAt: null, ...(attempts && { attempts: json(attempts) }) },
      });
      return res.count === 1 ? runView(await db.run.findUniqueOrThrow({ where: { id } })) : null;
    },
    async claimLapsed(now, limit, everyRunning) {
      // SKIP LOCKED: several processes running the recovery pass each take different runs.
      const rows = await db.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "Run"
        WHERE "status" = 'running'
          AND (${everyRunning} OR "leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})
        ORDER BY "seq"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`;
      if (!rows.length) return [];
      const runs = await db.run.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { seq: 'asc' } });
      return runs.map(runView);
    },
    async recordAttempts(id, attempts) {
      // Conditional, like settleRunning: a walk that outlived its claim must not rewrite the run
      // recovery already settled as interrupted.
      const res = await db.run.updateMany({ where: { id, status: 'running' }, data: { attempts: json(attempts) } });
      return res.count === 1 ? runView(await db.run.findUniqueOrThrow({ where: { id } })) : null;
    },
    async get(id) {
      const row = await db.run.findUnique({ where: { id } });
      return row ? runView(row) : null;
    },
    async update(id, patch) {
      const { attempts, ...rest } = patch;
      const row = await db.run.update({
        where: { id },
        data: { ...rest, ...(attempts && { attempts: json(attempts) }) },
      });
      return runView(row);
    },
    list(filter, page) {
      const where: Prisma.RunWhereInput = {
        machineId: filter.machineId,
        ...(filter.status && { status: filter.status }),
        ...(filter.skillKey && { skillKey: filter.skillKey }),
        ...(filter.serviceId && { serviceId: filter.serviceId }),
        ...(filter.executionMode && { executionMode: filter.executionMode }),
        ...(filter.taskId && { taskId: filter.taskId }),
        ...((filter.since || filter.until) && {
          createdAt: { ...(filter.since && { gte: filter.since }), ...(filter.until && { lte: filter.until }) },
        }),
      };
      return pageOf((args) => db.run.findMany(args), where, page, runView);
    },
  };
}
