import type { CatalogServiceView, SkillView } from '@mm/contracts';
import type { CatalogueRepo } from '@mm/core';
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

/** Hands back one instance per distinct string (see `servicesOfType`); by default, the string itself. */
type Interner = (s: string) => string;
const asIs: Interner = (s) => s;

/** A new interner: the first instance of each distinct string it is given, kept in a map. */
function interner(): Interner {
  const table = new Map<string, string>();
  return (s) => {
    const seen = table.get(s);
    if (seen !== undefined) return seen;
    table.set(s, s);
    return s;
  };
}

function pricingOf(pricing: unknown, s: Interner): CatalogServiceView['pricing'] {
  const p = pricing as CatalogServiceView['pricing'];
  if (s === asIs || p === null || typeof p !== 'object') return p;
  return {
    ...p,
    mode: s(p.mode) as CatalogServiceView['pricing']['mode'],
    ...(typeof p.currency === 'string' && { currency: s(p.currency) }),
  };
}

export function serviceView(row: MarketService, s: Interner = asIs): CatalogServiceView {
  return {
    id: row.id,
    skillKey: s(row.skillKey),
    providerKey: s(row.providerKey),
    companyName: s(row.companyName),
    serviceType: s(row.serviceType) as CatalogServiceView['serviceType'],
    name: row.name,
    description: row.description,
    operations: s === asIs ? row.operations : row.operations.map(s),
    executionMode: s(row.executionMode) as CatalogServiceView['executionMode'],
    integrationStatus: s(row.integrationStatus) as CatalogServiceView['integrationStatus'],
    region: s(row.region),
    capabilities: s === asIs ? row.capabilities : row.capabilities.map(s),
    handoff: (row.handoff ?? null) as CatalogServiceView['handoff'],
    pricing: pricingOf(row.pricing, s),
    metadata: asRecord(row.metadata),
    providerId: row.providerId,
    providerLabel: row.providerLabel,
    authType: row.authType as CatalogServiceView['authType'],
    accessMode: row.accessMode as CatalogServiceView['accessMode'],
    distribution: row.distribution as CatalogServiceView['distribution'],
    maturity: s(row.maturity) as CatalogServiceView['maturity'],
    kind: s(row.kind) as CatalogServiceView['kind'],
    freshnessSeconds: row.freshnessSeconds,
    requiresHumanEnablement: row.requiresHumanEnablement,
    ...(row.referenceUrl ? { referenceUrl: row.referenceUrl } : {}),
    ...(row.artifactUrl ? { artifactUrl: row.artifactUrl } : {}),
  };
}

/**
 * The process's copy of the catalogue (docs/api.md "Discovery at catalogue scale"), one per store:
 * the services of each type, sorted by id, with the catalogue version they were read at. The
 * version row is bumped in the transaction of every write to the catalogue (a trigger), so an entry
 * whose version equals the one a transaction reads is exactly what that transaction would read, in
 * any process; an entry is only ever labelled with the version read before its rows were.
 */
export interface CatalogueCache {
  byType: Map<string, { version: bigint; services: readonly CatalogServiceView[] }>;
}

export const createCatalogueCache = (): CatalogueCache => ({ byType: new Map() });

/** The copy of a type when it is at `version` (as read in the caller's statement), else null. */
export function cachedServices(
  cache: CatalogueCache,
  serviceType: string,
  version: bigint | null | undefined,
): readonly CatalogServiceView[] | null {
  const entry = cache.byType.get(serviceType);
  return version !== undefined && version !== null && entry?.version === version ? entry.services : null;
}

/** Service types whose copies one process keeps (a bound on memory, not a limit on types). */
const CACHED_TYPES_MAX = 256;

const byId = (a: CatalogServiceView, b: CatalogServiceView) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;

/** Takes the version row's lock first, so writers of several services cannot deadlock on it. */
async function bumpVersion(db: Tx) {
  await db.$executeRaw`
    INSERT INTO "CatalogueVersion" ("id", "version") VALUES (1, 1)
    ON CONFLICT ("id") DO UPDATE SET "version" = "CatalogueVersion"."version" + 1`;
}

export function catalogueRepo(db: Tx, cache: CatalogueCache = createCatalogueCache()): CatalogueRepo {
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
      return rows.map((row) => serviceView(row));
    },
    async servicesOfType(serviceType) {
      const [row] = await db.$queryRaw<{ version: bigint }[]>`
        SELECT "version" FROM "CatalogueVersion" WHERE "id" = 1`;
      const version = row?.version;
      const cached = cachedServices(cache, serviceType, version);
      if (cached) return cached;
      const rows = await db.marketService.findMany({ where: { serviceType } });
      // One instance per distinct string across the copy (regions, modes, capabilities, skill
      // keys…): discovery's checks read these for thousands of services per call from a cold
      // cache, and shared strings are a few hot cache lines instead of one per service (docs/api.md
      // "Discovery at catalogue scale"). The values are unchanged.
      const intern = interner();
      const services = rows.map((row) => serviceView(row, intern)).sort(byId);
      if (version === undefined) return services;
      const latest = cache.byType.get(serviceType);
      if (!latest || latest.version < version) {
        if (!latest && cache.byType.size >= CACHED_TYPES_MAX) cache.byType.clear();
        cache.byType.set(serviceType, { version, services });
      }
      return services;
    },
    async getService(id) {
      const row = await db.marketService.findUnique({ where: { id } });
      return row ? serviceView(row) : null;
    },
    async upsertService(id, input) {
      await bumpVersion(db);
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
