import type { CatalogServiceView, SkillView } from '@mm/contracts';
import type { CatalogueRepo, ServiceFilter } from '@mm/core';
import { Prisma } from '../generated/prisma/client.ts';
import type { MarketService, Skill } from '../generated/prisma/client.ts';
import { asRecord } from './paging.ts';
import type { Tx } from './tx.ts';

export function skillView(row: Skill): SkillView {
  return {
    key: row.key,
    providerKey: row.providerKey,
    label: row.label,
    description: row.description,
    serviceTypes: row.serviceTypes as SkillView['serviceTypes'],
    operations: row.operations,
    executionMode: row.executionMode as SkillView['executionMode'],
    integrationStatus: row.integrationStatus as SkillView['integrationStatus'],
  };
}

export function serviceView(row: MarketService): CatalogServiceView {
  return {
    id: row.id,
    skillKey: row.skillKey,
    providerKey: row.providerKey,
    companyName: row.companyName,
    serviceType: row.serviceType as CatalogServiceView['serviceType'],
    name: row.name,
    description: row.description,
    operations: row.operations,
    executionMode: row.executionMode as CatalogServiceView['executionMode'],
    integrationStatus: row.integrationStatus as CatalogServiceView['integrationStatus'],
    region: row.region,
    capabilities: row.capabilities,
    handoff: (row.handoff ?? null) as CatalogServiceView['handoff'],
    pricing: row.pricing as CatalogServiceView['pricing'],
    metadata: asRecord(row.metadata),
    providerId: row.providerId,
    providerLabel: row.providerLabel,
    authType: row.authType as CatalogServiceView['authType'],
    accessMode: row.accessMode as CatalogServiceView['accessMode'],
    distribution: row.distribution as CatalogServiceView['distribution'],
    maturity: row.maturity as CatalogServiceView['maturity'],
    kind: row.kind as CatalogServiceView['kind'],
    freshnessSeconds: row.freshnessSeconds,
    requiresHumanEnablement: row.requiresHumanEnablement,
    ...(row.referenceUrl ? { referenceUrl: row.referenceUrl } : {}),
    ...(row.artifactUrl ? { artifactUrl: row.artifactUrl } : {}),
  };
}

/**
 * engine/prefilter.ts as SQL: true for a service that passes every rule of the filter. Price rules
 * read `pricing` the way scoring.ts does: only `fixed` pricing with a numeric `amount` has a price.
 */
function passes(f: ServiceFilter): Prisma.Sql {
  const price = Prisma.sql`coalesce("pricing"->>'mode' = 'fixed' AND jsonb_typeof("pricing"->'amount') = 'number', false)`;
  const amount = Prisma.sql`("pricing"->>'amount')::float8`;
  const rules: Prisma.Sql[] = [Prisma.sql`"integrationStatus" <> 'planned'`];
  if (f.operation) {
    rules.push(Prisma.sql`(cardinality("operations") = 0 OR ${f.operation} = ANY("operations"))`);
  }
  if (f.nativeOnly) rules.push(Prisma.sql`"executionMode" <> 'external-handoff'`);
  if (f.regions) rules.push(Prisma.sql`"region" = ANY(${f.regions}::text[])`);
  if (f.capabilities.length) rules.push(Prisma.sql`"capabilities" @> ${f.capabilities}::text[]`);
  if (f.budget !== null) rules.push(Prisma.sql`NOT (${price} AND ${amount} > ${f.budget}::float8)`);
  if (f.deniedSkillKeys.length) rules.push(Prisma.sql`"skillKey" <> ALL(${f.deniedSkillKeys}::text[])`);
  for (const allowed of f.allowedSkillKeys) rules.push(Prisma.sql`"skillKey" = ANY(${allowed}::text[])`);
  for (const regions of f.policyRegions) {
    rules.push(Prisma.sql`("region" = 'global' OR "region" = ANY(${regions}::text[]))`);
  }
  for (const cap of f.budgetCaps) {
    rules.push(Prisma.sql`NOT (${price} AND (
      (coalesce("pricing"->>'currency', '') <> '' AND "pricing"->>'currency' <> ${cap.currency})
      OR ${amount} > ${cap.amount}::float8))`);
  }
  rules.push(Prisma.sql`("executionMode" <> 'native' OR "providerKey" = ANY(${f.usableProviderKeys}::text[]))`);
  // A NULL anywhere must not drop a row from both sets: the whole test is true or false.
  return Prisma.sql`coalesce((${Prisma.join(rules, ' AND ')}), false)`;
}

const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;

export function catalogueRepo(db: Tx): CatalogueRepo {
  return {
    async listSkills() {
      return (await db.skill.findMany({ orderBy: { key: 'asc' } })).map(skillView);
    },
    async getSkill(key) {
      const row = await db.skill.findUnique({ where: { key } });
      return row ? skillView(row) : null;
    },
    async upsertSkill(key, input) {
      const existing = await db.skill.findUnique({ where: { key }, select: { key: true } });
      const row = await db.skill.upsert({ where: { key }, create: { key, ...input }, update: input });
      return { item: skillView(row), created: !existing };
    },
    async listServices(filter) {
      const rows = await db.marketService.findMany({
        where: {
          ...(filter.serviceType && { serviceType: filter.serviceType }),
          ...(filter.skillKey && { skillKey: filter.skillKey }),
          ...(filter.executionMode && { executionMode: filter.executionMode }),
        },
        orderBy: { id: 'asc' },
      });
      return rows.map(serviceView);
    },
    // Discovery filters in SQL and scores only what passes (docs/api.md "Discovery at catalogue
    // scale"): three statements over the serviceType index, whatever the catalogue's size.
    async filterServices(filter, failedLimit) {
      const ok = passes(filter);
      const passed = await db.$queryRaw<MarketService[]>`
        SELECT * FROM "MarketService" WHERE "serviceType" = ${filter.serviceType} AND ${ok} ORDER BY "id" COLLATE "C"`;
      // The count apart from the rows: a window count would carry every failing row to the sort.
      const failed = await db.$queryRaw<MarketService[]>`
        SELECT * FROM "MarketService"
        WHERE "serviceType" = ${filter.serviceType} AND NOT (${ok}) ORDER BY "id" COLLATE "C" LIMIT ${failedLimit}`;
      const [count] = await db.$queryRaw<{ total: bigint }[]>`
        SELECT count(*) AS "total" FROM "MarketService" WHERE "serviceType" = ${filter.serviceType} AND NOT (${ok})`;
      return {
        passed: passed.map(serviceView),
        failedFirst: failed.map(serviceView),
        failedTotal: Number(count?.total ?? 0),
      };
    },
    async getService(id) {
      const row = await db.marketService.findUnique({ where: { id } });
      return row ? serviceView(row) : null;
    },
    async upsertService(id, input) {
      const existing = await db.marketService.findUnique({ where: { id }, select: { id: true } });
      const data = {
        skillKey: input.skillKey,
        providerKey: input.providerKey,
        providerId: input.providerId,
        providerLabel: input.providerLabel,
        companyName: input.companyName,
        serviceType: input.serviceType,
        name: input.name,
        description: input.description,
        operations: input.operations,
        executionMode: input.executionMode,
        integrationStatus: input.integrationStatus,
        region: input.region,
        capabilities: input.capabilities,
        handoff: input.handoff ? json(input.handoff) : Prisma.DbNull,
        pricing: json(input.pricing),
        metadata: json(input.metadata),
        authType: input.authType,
        accessMode: input.accessMode,
        distribution: input.distribution,
        maturity: input.maturity,
        kind: input.kind,
        freshnessSeconds: input.freshnessSeconds,
        requiresHumanEnablement: input.requiresHumanEnablement,
        referenceUrl: input.referenceUrl ?? null,
        artifactUrl: input.artifactUrl ?? null,
      };
      const row = await db.marketService.upsert({ where: { id }, create: { id, ...data }, update: data });
      return { item: serviceView(row), created: !existing };
    },
  };
}
