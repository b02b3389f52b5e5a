import type { OutcomeView, RouteView, RunView, TaskView } from '@mm/contracts';
import { currentPrincipal } from '@mm/core';
import type { HopTarget, LifecycleRepo } from '@mm/core';
import type { MarketService } from '../generated/prisma/client.ts';
import { serviceView } from './catalogue.ts';
import { endpointOfJson } from './heartbeats.ts';
import { prepared } from '../prepared.ts';
import { isoSql } from './paging.ts';
import type { Tx } from './tx.ts';

/*
 * The task lifecycle's writes as single auto-committed statements (docs/concurrency.md "The claim
 * as one statement", docs/database.md "Set-based writes"): data-modifying CTEs, one JSON parameter,
 * audit payloads built in SQL, each kept prepared per connection (docs/database.md "Prepared hot
 * statements"). The views below are built in SQL too, field for field as taskView,
 * routeView, runView and outcomeView in tasks.ts build them (tasks-sql.int.test.ts compares them
 * with GET), so the answer and the event carry the same objects.
 */

const ts = (col: string) => isoSql(col);

/** taskView: `operation` is omitted when null; `input` is always an object. */
export const taskJson = (a: string) => `(jsonb_build_object(
  'id', ${a}."id", 'machineId', ${a}."machineId", 'serviceType', ${a}."serviceType", 'taskType', ${a}."taskType",
  'status', ${a}."status",
  'input', CASE WHEN jsonb_typeof(${a}."input") = 'object' THEN ${a}."input" ELSE '{}'::jsonb END,
  'constraints', ${a}."constraints", 'discovery', ${a}."discovery", 'routeId', ${a}."routeId",
  'outcomeId', ${a}."outcomeId", 'createdAt', ${ts(`${a}."createdAt"`)}, 'updatedAt', ${ts(`${a}."updatedAt"`)})
  || CASE WHEN ${a}."operation" IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('operation', ${a}."operation") END)`;

const routeJson = (a: string) => `jsonb_build_object(
  'id', ${a}."id", 'machineId', ${a}."machineId", 'taskId', ${a}."taskId", 'selectedSkillKey', ${a}."selectedSkillKey",
  'selectedServiceId', ${a}."selectedServiceId", 'executionMode', ${a}."executionMode",
  'integrationStatus', ${a}."integrationStatus", 'status', ${a}."status", 'reason', ${a}."reason",
  'score', ${a}."score", 'fallbackChain', ${a}."fallbackChain", 'handoff', ${a}."handoff",
  'createdAt', ${ts(`${a}."createdAt"`)}, 'updatedAt', ${ts(`${a}."updatedAt"`)})`;

const runJson = (a: string) => `jsonb_build_object(
  'id', ${a}."id", 'machineId', ${a}."machineId", 'taskId', ${a}."taskId", 'routeId', ${a}."routeId",
  'outcomeId', ${a}."outcomeId", 'status', ${a}."status", 'executionMode', ${a}."executionMode",
  'skillKey', ${a}."skillKey", 'serviceId', ${a}."serviceId", 'summary', ${a}."summary",
  'attempts', CASE WHEN jsonb_typeof(${a}."attempts") = 'array' THEN ${a}."attempts" ELSE '[]'::jsonb END,
  'createdAt', ${ts(`${a}."createdAt"`)}, 'updatedAt', ${ts(`${a}."updatedAt"`)})`;

/** outcomeView; the settle event's copy leaves `result` out (it can be large). */
const outcomeJson = (a: string, withResult: boolean) => `jsonb_build_object(
  'id', ${a}."id", 'machineId', ${a}."machineId", 'taskId', ${a}."taskId", 'routeId', ${a}."routeId",
  'status', ${a}."status", 'skillKey', ${a}."skillKey", 'serviceId', ${a}."serviceId",
  'executionMode', ${a}."executionMode", 'receiptRef', ${a}."receiptRef", 'logsRef', ${a}."logsRef",
  'externalRef', ${a}."externalRef", 'errorCode', ${a}."errorCode", 'errorMessage', ${a}."errorMessage",
  ${withResult ? `'result', ${a}."result",` : ''}
  'createdAt', ${ts(`${a}."createdAt"`)}, 'updatedAt', ${ts(`${a}."updatedAt"`)})`;

const AUDIT_COLUMNS = `"AuditEvent" ("id", "actor", "principal", "machineId", "type", "resourceType", "resourceId", "payload")`;

/**
 * The execution claim (docs/concurrency.md "The claim as one statement"). `target` reads the
 * task's route only while the machine is active (and the caller's) and the task executable; the
 * compare-and-set on the task comes first and names the new run's id, and the run and its event
 * are inserted only from the row the claim returned. A concurrent claim that committed first makes
 * the compare-and-set match nothing when PostgreSQL rechecks it on the newest row (READ
 * COMMITTED), so the loser inserts no run and no event. It also reads the selected hop's target
 * (the service, the machine's endpoint for its provider), as HOP_TARGET_SQL does, so the walk's
 * first hop costs no round trip of its own.
 */
const START_SQL = prepared(`
WITH i AS (
  SELECT * FROM jsonb_to_record($1::jsonb) AS i("machineId" text, "taskId" text, "ownerId" text, "now" timestamptz,
    "hopTimeoutMs" int, "marginMs" int, "actor" text, "principal" text)
), target AS (
  SELECT r.* FROM i
  JOIN "Machine" m ON m."id" = i."machineId" AND m."status" = 'active' AND (i."ownerId" IS NULL OR m."ownerId" = i."ownerId")
  JOIN "Task" t ON t."id" = i."taskId" AND t."machineId" = i."machineId" AND t."status" IN ('resolved', 'failed')
  JOIN "Route" r ON r."id" = t."routeId"
), claimed AS (
  UPDATE "Task" t SET "status" = 'executing', "claimRunId" = gen_random_uuid()::text, "updatedAt" = now()
  FROM target, i
  WHERE t."id" = i."taskId" AND t."machineId" = i."machineId" AND t."status" IN ('resolved', 'failed')
    AND t."routeId" = target."id"
  RETURNING t.*
), run AS (
  INSERT INTO "Run" ("id", "machineId", "taskId", "routeId", "outcomeId", "status", "executionMode", "skillKey",
    "serviceId", "summary", "attempts", "leaseExpiresAt", "updatedAt")
  SELECT c."claimRunId", c."machineId", c."id", target."id", NULL, 'running', target."executionMode",
    target."selectedSkillKey", target."selectedServiceId", NULL, '[]'::jsonb,
    i."now" + ((1 + jsonb_array_length(target."fallbackChain")) * i."hopTimeoutMs" + i."marginMs") * interval '1 millisecond',
    now()
  FROM claimed c, target, i
  RETURNING *
), audit AS (
  INSERT INTO ${AUDIT_COLUMNS}
  SELECT gen_random_uuid()::text, i."actor", i."principal", run."machineId", 'run.started', 'run', run."id",
    jsonb_build_object('run', ${runJson('run')}, 'taskId', run."taskId", 'routeId', run."routeId")
  FROM run, i
  RETURNING 1
)
SELECT ${taskJson('c')} AS "task", ${routeJson('target')} AS "route", ${runJson('run')} AS "run",
  to_jsonb(s) AS "service", to_jsonb(e) AS "endpoint"
FROM claimed c CROSS JOIN target CROSS JOIN run
LEFT JOIN "MarketService" s ON s."id" = target."selectedServiceId"
LEFT JOIN "RuntimeEndpoint" e ON e."machineId" = target."machineId" AND e."providerKey" = s."providerKey"`);

/** A new task and its `task.created` event, while the machine is active (and the caller's). */
const CREATE_SQL = prepared(`
WITH i AS (
  SELECT * FROM jsonb_to_record($1::jsonb) AS i("machineId" text, "serviceType" text, "operation" text,
    "taskType" text, "status" text, "input" jsonb, "constraints" jsonb, "discovery" jsonb, "ownerId" text,
    "actor" text, "principal" text)
), task AS (
  INSERT INTO "Task" ("id", "machineId", "serviceType", "operation", "taskType", "status", "input", "constraints",
    "discovery", "updatedAt")
  SELECT gen_random_uuid()::text, i."machineId", i."serviceType", i."operation", i."taskType", i."status", i."input",
    i."constraints", i."discovery", now()
  FROM i JOIN "Machine" m ON m."id" = i."machineId" AND m."status" = 'active'
    AND (i."ownerId" IS NULL OR m."ownerId" = i."ownerId")
  RETURNING *
), audit AS (
  INSERT INTO ${AUDIT_COLUMNS}
  SELECT gen_random_uuid()::text, i."actor", i."principal", task."machineId", 'task.created', 'task', task."id",
    jsonb_build_object('task', ${taskJson('task')})
  FROM task, i
  RETURNING 1
)
SELECT ${taskJson('task')} AS "task" FROM task`);

/** One hop's progress: the run's attempts, conditional on it still running, and its event. */
const HOP_SQL = prepared(`
WITH i AS (
  SELECT * FROM jsonb_to_record($1::jsonb) AS i("runId" text, "attempts" jsonb, "actor" text, "principal" text,
    "taskId" text, "hop" jsonb)
), run AS (
  UPDATE "Run" r SET "attempts" = i."attempts", "updatedAt" = now()
  FROM i WHERE r."id" = (SELECT "runId" FROM i) AND r."status" = 'running'
  RETURNING r.*
), audit AS (
  INSERT INTO ${AUDIT_COLUMNS}
  SELECT gen_random_uuid()::text, i."actor", i."principal", run."machineId", 'run.hop-started', 'run', run."id",
    jsonb_build_object('run', ${runJson('run')}, 'taskId', i."taskId", 'hop', i."hop")
  FROM run, i
  RETURNING 1
)
SELECT ${runJson('run')} AS "run" FROM run`);

/**
 * The run is found by its primary key (`= (SELECT … FROM i)`, an init plan): joined to `i`, the
 * planner preferred the (`status`, `leaseExpiresAt`) index for `status = 'running'` and walked every
 * entry a settled run had left there until vacuum (53 in the lifecycle benchmark's database).
 *
 * The settle (docs/concurrency.md "The claim as one statement"): the run's row lock first (the
 * order recovery takes them in, so the two cannot deadlock), then the task's settle, conditional on
 * the claim still being this run's; every other write is driven by the row that settle returned.
 */
const SETTLE_SQL = prepared(`
WITH i AS (
  SELECT * FROM jsonb_to_record($1::jsonb) AS i("taskId" text, "runId" text, "routeId" text, "taskStatus" text,
    "status" text, "routeStatus" text, "skillKey" text, "serviceId" text, "executionMode" text, "externalRef" text,
    "errorCode" text, "errorMessage" text, "result" jsonb, "attempts" jsonb, "summary" text,
    "healthyProviderKeys" jsonb, "now" timestamptz, "actor" text, "principal" text, "eventType" text)
), held AS (
  SELECT r."id" FROM "Run" r WHERE r."id" = (SELECT "runId" FROM i) AND r."status" = 'running' FOR UPDATE OF r
), task AS (
  UPDATE "Task" t SET "status" = i."taskStatus", "outcomeId" = gen_random_uuid()::text, "claimRunId" = NULL,
    "updatedAt" = now()
  FROM held, i
  WHERE t."id" = i."taskId" AND t."status" = 'executing' AND t."claimRunId" = held."id"
  RETURNING t.*
), outcome AS (
  INSERT INTO "Outcome" ("id", "machineId", "taskId", "routeId", "status", "skillKey", "serviceId", "executionMode",
    "receiptRef", "logsRef", "externalRef", "errorCode", "errorMessage", "result", "updatedAt")
  SELECT task."outcomeId", task."machineId", task."id", i."routeId", i."status", i."skillKey", i."serviceId",
    i."executionMode", NULL, 'runs/' || i."runId", i."externalRef", i."errorCode", i."errorMessage",
    CASE WHEN i."result" = 'null'::jsonb THEN NULL ELSE i."result" END, now()
  FROM task, i
  RETURNING *
), run AS (
  UPDATE "Run" r SET "status" = i."status", "outcomeId" = outcome."id", "skillKey" = i."skillKey",
    "serviceId" = i."serviceId", "executionMode" = i."executionMode", "attempts" = i."attempts",
    "summary" = i."summary", "leaseExpiresAt" = NULL, "updatedAt" = now()
  FROM outcome, i WHERE r."id" = i."runId"
  RETURNING r.*
), route AS (
  UPDATE "Route" r SET "status" = i."routeStatus", "updatedAt" = now()
  FROM task, i WHERE r."id" = i."routeId"
  RETURNING r.*
), touched AS (
  UPDATE "RuntimeEndpoint" e SET "lastCheckedAt" = i."now", "lastHealthyAt" = i."now", "updatedAt" = now()
  FROM task, i
  WHERE e."machineId" = task."machineId"
    AND e."providerKey" IN (SELECT jsonb_array_elements_text(i."healthyProviderKeys"))
  RETURNING 1
), audit AS (
  INSERT INTO ${AUDIT_COLUMNS}
  SELECT gen_random_uuid()::text, i."actor", i."principal", task."machineId", i."eventType", 'task', task."id",
    jsonb_build_object('task', ${taskJson('task')},
      'route', CASE WHEN route."id" IS NULL THEN NULL ELSE ${routeJson('route')} END,
      'run', ${runJson('run')}, 'outcome', ${outcomeJson('outcome', false)})
  FROM task CROSS JOIN i JOIN run ON true JOIN outcome ON true LEFT JOIN route ON true
  RETURNING 1
)
SELECT ${taskJson('task')} AS "task", CASE WHEN route."id" IS NULL THEN NULL ELSE ${routeJson('route')} END AS "route",
  ${runJson('run')} AS "run", ${outcomeJson('outcome', true)} AS "outcome"
FROM task JOIN run ON true JOIN outcome ON true LEFT JOIN route ON true`);

/**
 * Resolve's write: the compare-and-set on the task names the new route's id, and the route and the
 * `task.resolved` event are inserted only from the row it returned (docs/concurrency.md).
 */
const RESOLVE_SQL = prepared(`
WITH i AS (
  SELECT * FROM jsonb_to_record($1::jsonb) AS i("machineId" text, "taskId" text, "from" jsonb, "route" jsonb,
    "actor" text, "principal" text)
), task AS (
  UPDATE "Task" t SET "status" = 'resolved', "routeId" = gen_random_uuid()::text, "outcomeId" = NULL, "updatedAt" = now()
  FROM i
  WHERE t."id" = i."taskId" AND t."machineId" = i."machineId"
    AND t."status" IN (SELECT jsonb_array_elements_text(i."from"))
  RETURNING t.*
), route AS (
  INSERT INTO "Route" ("id", "machineId", "taskId", "selectedSkillKey", "selectedServiceId", "executionMode",
    "integrationStatus", "status", "reason", "score", "fallbackChain", "handoff", "updatedAt")
  SELECT task."routeId", task."machineId", task."id", r."selectedSkillKey", r."selectedServiceId", r."executionMode",
    r."integrationStatus", r."status", r."reason", r."score", r."fallbackChain",
    CASE WHEN r."handoff" = 'null'::jsonb THEN NULL ELSE r."handoff" END, now()
  FROM task, i, jsonb_to_record(i."route") AS r("selectedSkillKey" text, "selectedServiceId" text,
    "executionMode" text, "integrationStatus" text, "status" text, "reason" text, "score" double precision,
    "fallbackChain" jsonb, "handoff" jsonb)
  RETURNING *
), audit AS (
  INSERT INTO ${AUDIT_COLUMNS}
  SELECT gen_random_uuid()::text, i."actor", i."principal", task."machineId", 'task.resolved', 'task', task."id",
    jsonb_build_object('task', ${taskJson('task')}, 'route', ${routeJson('route')})
  FROM task, route, i
  RETURNING 1
)
SELECT ${taskJson('task')} AS "task", ${routeJson('route')} AS "route" FROM task, route`);

/** A native hop's target; START_SQL reads the selected hop's the same way. */
const HOP_TARGET_SQL = prepared(`
SELECT to_jsonb(s) AS "service", to_jsonb(e) AS "endpoint"
FROM "MarketService" s
LEFT JOIN "RuntimeEndpoint" e ON e."machineId" = $1 AND e."providerKey" = s."providerKey"
WHERE s."id" = $2`);

const param = (v: Record<string, unknown>) => JSON.stringify(v);

interface TargetRow {
  service: Record<string, unknown> | null;
  endpoint: (Record<string, unknown> & { authTokenCipher?: unknown }) | null;
}

function hopTargetOf(row: TargetRow | undefined): HopTarget | null {
  if (!row?.service) return null;
  const cipher = row.endpoint?.authTokenCipher;
  return {
    service: serviceView(row.service as unknown as MarketService),
    endpoint: row.endpoint ? endpointOfJson(row.endpoint) : null,
    authTokenCipher: typeof cipher === 'string' ? cipher : null,
  };
}

export function lifecycleRepo(db: Tx): LifecycleRepo {
  return {
    async startExecution(input) {
      const rows = await db.$queryRawUnsafe<({ task: TaskView; route: RouteView; run: RunView } & TargetRow)[]>(
        START_SQL,
        param({ ...input, now: input.now.toISOString(), principal: currentPrincipal() }),
      );
      const row = rows[0];
      return row ? { task: row.task, route: row.route, run: row.run, target: hopTargetOf(row) } : null;
    },
    async createTask(input, by) {
      const rows = await db.$queryRawUnsafe<{ task: TaskView }[]>(
        CREATE_SQL,
        param({ ...input, operation: input.operation ?? null, ...by, principal: currentPrincipal() }),
      );
      return rows[0]?.task ?? null;
    },
    async recordHop(runId, attempts, event) {
      const rows = await db.$queryRawUnsafe<{ run: RunView }[]>(
        HOP_SQL,
        param({ runId, attempts, ...event, principal: currentPrincipal() }),
      );
      return rows[0]?.run ?? null;
    },
    async hopTarget(machineId, serviceId) {
      const rows = await db.$queryRawUnsafe<TargetRow[]>(HOP_TARGET_SQL, machineId, serviceId);
      return hopTargetOf(rows[0]);
    },
    async settleExecution(input) {
      const rows = await db.$queryRawUnsafe<
        { task: TaskView; route: RouteView | null; run: RunView; outcome: OutcomeView }[]
      >(
        SETTLE_SQL,
        param({ ...input, result: input.result ?? null, now: input.now.toISOString(), principal: currentPrincipal() }),
      );
      return rows[0] ?? null;
    },
    async resolveTask(input) {
      const rows = await db.$queryRawUnsafe<{ task: TaskView; route: RouteView }[]>(
        RESOLVE_SQL,
        param({ ...input, from: [...input.from], principal: currentPrincipal() }),
      );
      return rows[0] ?? null;
    },
  };
}
