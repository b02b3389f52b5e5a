import type { Candidate, CatalogServiceView, ExcludedService, FallbackHop, TaskResolution } from '@mm/contracts';
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

const byId = (a: CatalogServiceView, b: CatalogServiceView) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Runs every service of the task's type through the scoring (scoring.ts decides, alone), ranks the
 * eligible ones and picks a resolution. The excluded ones are counted, and the first `listed` by id
 * are listed with their reasons, so the answer does not grow with the catalogue (docs/api.md
 * "Discovery at catalogue scale").
 */
export function discover(
  services: readonly CatalogServiceView[],
  input: ScoringInput,
  maxCandidates: number,
  listed = EXCLUDED_LISTED,
): DiscoveryResult {
  // The catalogue cache hands them over sorted by id already: the sort is then one linear pass.
  const ofType = services.filter((s) => s.serviceType === input.task.serviceType).sort(byId);
  const eligible: Candidate[] = [];
  const excluded: ExcludedService[] = [];
  let excludedTotal = 0;
  for (const service of ofType) {
    const evaluation = evaluateService(service, input);
    if (evaluation.eligible) {
      eligible.push({ service, score: evaluation.score, reasons: evaluation.reasons });
      continue;
    }
    excludedTotal += 1;
    if (excluded.length < listed) {
      excluded.push({ serviceId: service.id, skillKey: service.skillKey, reasons: evaluation.reasons });
    }
  }
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
