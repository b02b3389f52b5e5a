import type { DiscoveryRepo, DiscoveryReads } from '@mm/core';
import { cachedServices } from './catalogue.ts';
import { endpointJson } from './endpoints.ts';
import type { CatalogueCache } from './catalogue.ts';
import { taskJson } from './lifecycle.ts';
import { isoSql } from './paging.ts';
import { prepared } from '../prepared.ts';
import type { Tx } from './tx.ts';

/*
 * Discover's and resolve's reads as one statement (docs/api.md "Discovery at catalogue scale",
 * docs/concurrency.md "The claim as one statement"): the machine (what the guard needs), the
 * task, the machine's endpoints and policies, and the catalogue's version, all from one snapshot,
 * in one round trip where they were three in series (five statements). The guard's checks stay in
 * core (machine-guard.ts `checkMachine`), on the machine this returns, so their order and errors
 * are unchanged; `apps/server/test/discovery-read.int.test.ts` compares this with the reads it
 * replaces. The views are built in SQL field for field as endpointView and policyView build them.
 */

const ts = (col: string) => isoSql(col);

const policyJson = (a: string) => `json_build_object(
  'id', ${a}."id", 'name', ${a}."name", 'allowedSkillKeys', ${a}."allowedSkillKeys",
  'deniedSkillKeys', ${a}."deniedSkillKeys", 'budgetCap', ${a}."budgetCap", 'regionRules', ${a}."regionRules",
  'nativeOnly', ${a}."nativeOnly", 'handoffAllowed', ${a}."handoffAllowed",
  'requiredCapabilities', ${a}."requiredCapabilities", 'createdAt', ${ts(`${a}."createdAt"`)},
  'updatedAt', ${ts(`${a}."updatedAt"`)})`;

/**
 * One row, always. Each part is a scalar subquery on a primary or unique key (the endpoints by
 * `machineId`, the leading column of their unique index), so a missing machine or task is a NULL,
 * not a missing row. The endpoints and policies are read whether or not the guard will pass: the
 * caller throws before using them, and they never leave the process. Kept prepared per connection
 * (docs/database.md "Prepared hot statements").
 */
const READ_SQL = prepared(`
SELECT
  (SELECT json_build_object('id', m."id", 'status', m."status", 'ownerId', m."ownerId", 'policyIds', m."policyIds")
     FROM "Machine" m WHERE m."id" = $1) AS "machine",
  (SELECT ${taskJson('t')} FROM "Task" t WHERE t."id" = $2 AND t."machineId" = $1) AS "task",
  (SELECT coalesce(json_agg(${endpointJson('e')} ORDER BY e."seq"), '[]'::json)
     FROM "RuntimeEndpoint" e WHERE e."machineId" = $1) AS "endpoints",
  (SELECT coalesce(json_agg(${policyJson('p')} ORDER BY p."seq"), '[]'::json)
     FROM "Machine" m JOIN "Policy" p ON p."id" = ANY (m."policyIds") WHERE m."id" = $1) AS "policies",
  (SELECT "version" FROM "CatalogueVersion" WHERE "id" = 1) AS "version"`);

interface ReadRow extends Omit<DiscoveryReads, 'services'> {
  version: bigint | null;
}

export function discoveryRepo(db: Tx, cache: CatalogueCache): DiscoveryRepo {
  return {
    async read(machineId, taskId) {
      const [row] = await db.$queryRawUnsafe<ReadRow[]>(READ_SQL, machineId, taskId);
      if (!row) throw new Error('the discovery read returned no row');
      const { version, ...reads } = row;
      return { ...reads, services: reads.task ? cachedServices(cache, reads.task.serviceType, version) : null };
    },
  };
}
