import type { Candidate, CatalogServiceView, ExcludedService, FallbackHop, TaskResolution } from '@mm/contracts';
import type { FilteredServices } from './prefilter.ts';
import { evaluateService } from './scoring.ts';
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

/** Runs every service of the task's type through the scoring, ranks and picks a resolution. */
export function discover(
  services: readonly CatalogServiceView[],
  input: ScoringInput,
  maxCandidates: number,
  listed = EXCLUDED_LISTED,
): DiscoveryResult {
  const ofType = services.filter((s) => s.serviceType === input.task.serviceType);
  return discoverFiltered({ passed: ofType, failedFirst: [], failedTotal: 0 }, input, maxCandidates, listed);
}

/**
 * Discovery over what the database's filter answered (engine/prefilter.ts): scores the services
 * that passed; the ones that failed are excluded, and the first of them are evaluated here only to
 * say why. The listed exclusions are the first EXCLUDED_LISTED by id of both kinds.
 */
export function discoverFiltered(
  filtered: FilteredServices,
  input: ScoringInput,
  maxCandidates: number,
  listed = EXCLUDED_LISTED,
): DiscoveryResult {
  const eligible: Candidate[] = [];
  const excluded: ExcludedService[] = [];
  let excludedTotal = filtered.failedTotal;
  const consider = (service: CatalogServiceView, counted: boolean) => {
    const evaluation = evaluateService(service, input);
    if (evaluation.eligible) {
      // scoring.ts decides: a service the filter failed but the rules accept is a candidate.
      if (counted) excludedTotal -= 1;
      eligible.push({ service, score: evaluation.score, reasons: evaluation.reasons });
      return;
    }
    if (!counted) excludedTotal += 1;
    excluded.push({ serviceId: service.id, skillKey: service.skillKey, reasons: evaluation.reasons });
  };
  for (const service of filtered.passed) consider(service, false);
  for (const service of filtered.failedFirst) consider(service, true);
  eligible.sort(byRank);
  excluded.sort((a, b) => (a.serviceId < b.serviceId ? -1 : a.serviceId > b.serviceId ? 1 : 0));
  const candidates = eligible.slice(0, maxCandidates);
  const shown = excluded.slice(0, listed);
  return {
    candidates,
    excluded: shown,
    excludedTotal,
    resolution: resolutionOf(candidates, shown, excludedTotal, input.task.serviceType),
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
