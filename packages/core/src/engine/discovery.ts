import type { Candidate, CatalogServiceView, ExcludedService, FallbackHop, TaskResolution } from '@mm/contracts';
import { eligibilityCheck, evaluateService } from './scoring.ts';
import type { ScoringInput } from './scoring.ts';

export interface DiscoveryResult {
  candidates: Candidate[];
  /** The first EXCLUDED_LISTED excluded services by id, each with its reasons. */
  excluded: ExcludedService[];
  /** How many services were excluded in all (docs/api.md "Discovery at catalogue scale"). */
  excludedTotal: number;
  resolution: TaskResolution;
}

/** How many excluded services an answer lists with their reasons; `excludedTotal` counts them all. */
export const EXCLUDED_LISTED = 50;

const isNative = (c: Candidate) => c.service.executionMode === 'native';

/** Best first: score, then native before handoff, then id for a stable order. */
function byRank(a: Candidate, b: Candidate): number {
  return b.score - a.score || Number(isNative(b)) - Number(isNative(a)) || a.service.id.localeCompare(b.service.id);
}

const byId = (a: CatalogServiceView, b: CatalogServiceView) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The services of one type by id, and (built on first use) those that can offer each operation. */
interface TypeIndex {
  ofType: readonly CatalogServiceView[];
  byOperation: Map<string, readonly CatalogServiceView[]>;
}

/**
 * Indexes of the arrays discovery has been handed, by type. The catalogue's copy hands over the
 * same array for as long as its version holds (docs/api.md "Discovery at catalogue scale"), so an
 * index is built once per catalogue version and type, and is collected with its array.
 */
const indexes = new WeakMap<readonly CatalogServiceView[], Map<string, TypeIndex>>();

function indexOf(services: readonly CatalogServiceView[], serviceType: string): TypeIndex {
  let byType = indexes.get(services);
  if (!byType) indexes.set(services, (byType = new Map<string, TypeIndex>()));
  let index = byType.get(serviceType);
  if (!index) {
    const ofType = services.filter((s) => s.serviceType === serviceType).sort(byId);
    byType.set(serviceType, (index = { ofType, byOperation: new Map() }));
  }
  return index;
}

/**
 * The services that can pass the operation check (scoring.ts `constraintProblems`: a service that
 * lists operations must list the task's), in id order. A superset of the eligible: scoring still
 * decides each of them.
 */
function offering(index: TypeIndex, operation: string | undefined): readonly CatalogServiceView[] {
  if (!operation) return index.ofType;
  let pool = index.byOperation.get(operation);
  if (!pool) {
    pool = index.ofType.filter((s) => !s.operations.length || s.operations.includes(operation));
    index.byOperation.set(operation, pool);
  }
  return pool;
}

/**
 * Runs the services of the task's type through the scoring (scoring.ts decides, alone), ranks the
 * eligible ones and picks a resolution. The excluded ones are counted, and the first `listed` by id
 * are listed with their reasons, so the answer does not grow with the catalogue (docs/api.md
 * "Discovery at catalogue scale").
 *
 * Only the services that can offer the task's operation can be eligible, so only those are scored
 * (an index per catalogue version); every other service of the type is excluded, which is what
 * `excludedTotal` counts. The listed exclusions are the first `listed` by id among all of the
 * type, each evaluated in full for its reasons.
 */
export function discover(
  services: readonly CatalogServiceView[],
  input: ScoringInput,
  maxCandidates: number,
  listed = EXCLUDED_LISTED,
): DiscoveryResult {
  const index = indexOf(services, input.task.serviceType);
  // Each endpoint's verdict once per discovery, not once per service of its provider.
  const endpoints = new Map<string, string | null>();
  const isEligible = eligibilityCheck(input, endpoints);
  const eligible: Candidate[] = [];
  for (const service of offering(index, input.task.operation)) {
    if (!isEligible(service)) continue;
    const evaluation = evaluateService(service, input, endpoints);
    if (evaluation.eligible) eligible.push({ service, score: evaluation.score, reasons: evaluation.reasons });
  }
  const excluded: ExcludedService[] = [];
  for (const service of index.ofType) {
    if (excluded.length >= listed) break;
    if (isEligible(service)) continue;
    const evaluation = evaluateService(service, input, endpoints);
    excluded.push({ serviceId: service.id, skillKey: service.skillKey, reasons: evaluation.reasons });
  }
  const excludedTotal = index.ofType.length - eligible.length;
  eligible.sort(byRank);
  const candidates = eligible.slice(0, maxCandidates);
  return {
    candidates,
    excluded,
    excludedTotal,
    resolution: resolutionOf(candidates, excluded, excludedTotal, input.task.serviceType),
  };
}

function resolutionOf(
  candidates: Candidate[],
  excluded: ExcludedService[],
  excludedTotal: number,
  serviceType: string,
): TaskResolution {
  const best = candidates[0];
  if (!best) {
    const reason = excluded.length
      ? `no eligible service for ${serviceType}: ${excludedTotal} excluded (${excluded
          .slice(0, 3)
          .map((e) => `${e.serviceId}: ${e.reasons[0] ?? 'excluded'}`)
          .join('; ')})`
      : `the catalogue has no service for ${serviceType}`;
    return { kind: 'unavailable', reason, candidates: [] };
  }
  if (isNative(best)) return { kind: 'native', candidate: best };
  if (!best.service.handoff) {
    return {
      kind: 'unavailable',
      reason: `${best.service.id} has no handoff details`,
      candidates,
    };
  }
  return { kind: 'handoff', candidate: best, handoff: best.service.handoff };
}

/** The other eligible candidates in score order, native ones first, then handoff ones (context B9). */
export function fallbackChainOf(candidates: readonly Candidate[], selectedId: string): FallbackHop[] {
  const rest = candidates.filter((c) => c.service.id !== selectedId);
  return [...rest.filter(isNative), ...rest.filter((c) => !isNative(c))].map((c) => ({
    skillKey: c.service.skillKey,
    serviceId: c.service.id,
    executionMode: c.service.executionMode,
  }));
}
