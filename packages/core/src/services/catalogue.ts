import type {
  CatalogServiceView,
  ExecutionMode,
  ListQuery,
  ListResponse,
  SkillView,
  UpsertServiceRequest,
  UpsertSkillRequest,
} from '@mm/contracts';
import type { Caller, CoreDeps } from '../deps.ts';
import { pageArray, SYSTEM_ACTOR } from '../deps.ts';
import { notFound, requireAdmin, validation } from '../errors.ts';
import type { Repos } from '../ports.ts';
import { DEFAULT_SERVICES, DEFAULT_SKILLS } from './default-catalogue.ts';

function serviceWrite(input: UpsertServiceRequest) {
  return {
    ...input,
    providerKey: input.providerKey.toLowerCase(),
    providerId: input.providerId ?? input.providerKey.toLowerCase(),
    providerLabel: input.providerLabel ?? input.companyName,
    metadata: input.metadata ?? {},
  };
}

async function upsertSkillIn(tx: Repos, key: string, input: UpsertSkillRequest, actor: string) {
  const result = await tx.catalogue.upsertSkill(key, { ...input, providerKey: input.providerKey.toLowerCase() });
  await tx.audit.record({
    actor,
    type: 'skill.upserted',
    resourceType: 'skill',
    resourceId: key,
    payload: { skill: result.item, created: result.created },
  });
  return result;
}

async function upsertServiceIn(tx: Repos, id: string, input: UpsertServiceRequest, actor: string) {
  if (input.executionMode === 'external-handoff' && !input.handoff) {
    throw validation('handoff is required for external-handoff services', { handoff: 'required' });
  }
  if (!(await tx.catalogue.getSkill(input.skillKey))) {
    throw validation(`skillKey ${input.skillKey} is not a known skill`, { skillKey: 'unknown skill' });
  }
  const result = await tx.catalogue.upsertService(id, serviceWrite(input));
  await tx.audit.record({
    actor,
    type: 'market-service.upserted',
    resourceType: 'market-service',
    resourceId: id,
    payload: { service: result.item, created: result.created },
  });
  return result;
}

/** JSON with object keys sorted: JSONB columns (handoff, pricing) come back in another key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

export function createCatalogueService({ store }: CoreDeps) {
  return {
    async listSkills(query: ListQuery = {}): Promise<ListResponse<SkillView>> {
      return pageArray(await store.catalogue.listSkills(), (s) => s.key, query);
    },
    async listServices(
      query: ListQuery & {
        serviceType?: string | undefined;
        skillKey?: string | undefined;
        executionMode?: ExecutionMode | undefined;
      },
    ): Promise<ListResponse<CatalogServiceView>> {
      return pageArray(await store.catalogue.listServices(query), (s) => s.id, query);
    },
    async getService(id: string): Promise<CatalogServiceView> {
      const service = await store.catalogue.getService(id);
      if (!service) throw notFound('service', id);
      return service;
    },
    async upsertSkill(key: string, input: UpsertSkillRequest, caller: Caller) {
      requireAdmin('changing the catalogue');
      return store.transaction((tx) => upsertSkillIn(tx, key, input, caller.actor));
    },
    async upsertService(id: string, input: UpsertServiceRequest, caller: Caller) {
      requireAdmin('changing the catalogue');
      return store.transaction((tx) => upsertServiceIn(tx, id, input, caller.actor));
    },
    /** Idempotent: writes (and audits) only what is missing or differs from the shipped catalogue. */
    async loadDefaults(): Promise<{ written: number }> {
      let written = 0;
      await store.transaction(async (tx) => {
        for (const { key, ...skill } of DEFAULT_SKILLS) {
          const current = await tx.catalogue.getSkill(key);
          if (current && same({ ...current, key: undefined }, { ...skill, key: undefined })) continue;
          await upsertSkillIn(tx, key, skill, SYSTEM_ACTOR);
          written++;
        }
        for (const { id, ...service } of DEFAULT_SERVICES) {
          const current = await tx.catalogue.getService(id);
          const next = serviceWrite({ ...service, metadata: service.metadata ?? {} });
          if (current && Object.entries(next).every(([k, v]) => same(current[k as keyof CatalogServiceView], v))) {
            continue;
          }
          await upsertServiceIn(tx, id, next, SYSTEM_ACTOR);
          written++;
        }
      });
      return { written };
    },
  };
}
export type CatalogueService = ReturnType<typeof createCatalogueService>;
