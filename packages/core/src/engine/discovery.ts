import type { Candidate, CatalogServiceView, ExcludedService, FallbackHop, TaskResolution } from '@mm/contracts';
import { evaluateService } from './scoring.ts';
import type { ScoringInput } from './scoring.ts';

export interface DiscoveryResult {
  candidates: Candidate[];
  excluded: ExcludedService[];
  resolution: TaskResolution;
}

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
): DiscoveryResult {
  const eligible: Candidate[] = [];
  const excluded: ExcludedService[] = [];
  for (const service of services) {
    if (service.serviceType !== input.task.serviceType) continue;
    const evaluation = evaluateService(service, input);
    if (evaluation.eligible)
      eligible.push({
        service,
        score: evaluation.score,
        reasons: evaluation.reasons,
      });
    else
      excluded.push({
        serviceId: service.id,
        skillKey: service.skillKey,
        reasons: evaluation.reasons,
      });
  }
  eligible.sort(byRank);
  const candidates = eligible.slice(0, maxCandidates);
  return {
    candidates,
    excluded,
    resolution: resolutionOf(candidates, excluded, input.task.serviceType),
  };
}

function resolutionOf(candidates: Candidate[], excluded: ExcludedService[], serviceType: string): TaskResolution {
  const best = candidates[0];
  if (!best) {
    const reason = excluded.length
      ? `no eligible service for ${serviceType}: ${excluded.length} excluded (${excluded
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
