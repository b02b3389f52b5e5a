import type { Candidate, CatalogServiceView, ExcludedService, FallbackHop, TaskResolution } from '@mm/contracts';
import { eligibilityCheck, evaluateService, scoreOf } from './scoring.ts';
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

/** Best first: score, then native before handoff, then id for a stable order (`TopK` keeps it). */
export function byRank(a: Candidate, b: Candidate): number {
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
  // The best `maxCandidates` so far, best first, as `byRank` orders them. The loop allocates
  // nothing per service: an eligible one is scored without reasons (`scoreOf`) and kept only when
  // it ranks among the best; only those are evaluated in full, for their reasons.
  const top = new TopK(maxCandidates);
  let eligibleCount = 0;
  for (const service of offering(index, input.task.operation)) {
    if (!isEligible(service)) continue;
    eligibleCount += 1;
    top.offer(service, scoreOf(service, input));
  }
  const candidates: Candidate[] = [];
  for (let i = 0; i < top.size; i++) {
    const service = top.services[i] as CatalogServiceView;
    const evaluation = evaluateService(service, input, endpoints);
    if (evaluation.eligible) candidates.push({ service, score: evaluation.score, reasons: evaluation.reasons });
  }
  const excluded: ExcludedService[] = [];
  for (const service of index.ofType) {
    if (excluded.length >= listed) break;
    if (isEligible(service)) continue;
    const evaluation = evaluateService(service, input, endpoints);
    excluded.push({ serviceId: service.id, skillKey: service.skillKey, reasons: evaluation.reasons });
  }
  const excludedTotal = index.ofType.length - eligibleCount;
  return {
    candidates,
    excluded,
    excludedTotal,
    resolution: resolutionOf(candidates, excluded, excludedTotal, input.task.serviceType),
  };
}

/**
 * The `k` best services offered so far in `byRank` order (score, then native, then id), ties kept
 * in the order offered as a stable sort keeps them. Offering one that does not rank among the best
 * costs one comparison and no allocation, so a discovery's cost does not grow with how many
 * services are eligible beyond the `k` it answers.
 */
class TopK {
  readonly services: (CatalogServiceView | undefined)[];
  readonly scores: number[];
  size = 0;

  constructor(readonly k: number) {
    this.services = new Array<CatalogServiceView | undefined>(Math.max(0, k));
    this.scores = new Array<number>(Math.max(0, k)).fill(0);
  }

  /** Whether (service, score) ranks strictly before the one kept at `i`. */
  private before(service: CatalogServiceView, score: number, i: number): boolean {
    const other = this.services[i] as CatalogServiceView;
    const otherScore = this.scores[i] as number;
    if (score !== otherScore) return score > otherScore;
    const native = service.executionMode === 'native';
    if (native !== (other.executionMode === 'native')) return native;
    return service.id.localeCompare(other.id) < 0;
  }

  offer(service: CatalogServiceView, score: number): void {
    const { k } = this;
    if (k <= 0) return;
    if (this.size === k && !this.before(service, score, k - 1)) return;
    // Shift the ones it ranks before down by one (the last drops off when full).
    let i = this.size < k ? this.size++ : k - 1;
    while (i > 0 && this.before(service, score, i - 1)) {
      this.services[i] = this.services[i - 1];
      this.scores[i] = this.scores[i - 1] as number;
      i -= 1;
    }
    this.services[i] = service;
    this.scores[i] = score;
  }
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
