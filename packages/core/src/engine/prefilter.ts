/**
 * The part of discovery's eligibility rules (scoring.ts) that a database can apply before any row
 * reaches JavaScript (docs/api.md "Discovery at catalogue scale"). It is the same rules, stated as
 * data: a service passes the filter exactly when `constraintProblems`, `policyProblems` and the
 * endpoint check of scoring.ts find nothing, so the services that pass are scored, and the ones
 * that fail are excluded (the first few are evaluated in JavaScript for their reasons). scoring.ts
 * stays the one place that decides: a service that passes the filter and still fails a rule is
 * excluded there; the discovery tests compare this path with scoring every service.
 */
import type { CatalogServiceView } from '@mm/contracts';
import { endpointProblem } from './scoring.ts';
import type { ScoringInput } from './scoring.ts';

export interface ServiceFilter {
  serviceType: string;
  /** A service with operations must list this one. */
  operation: string | null;
  /** Only native services (the task or a policy refuses handoff). */
  nativeOnly: boolean;
  /** The service's region must be one of these (null: any). */
  regions: string[] | null;
  /** The service must have every one of these capabilities. */
  capabilities: string[];
  /** A fixed-price service must cost at most this (null: no budget). */
  budget: number | null;
  /** Skill keys no policy denies. */
  deniedSkillKeys: string[];
  /** Each list: the service's skill must be in it (one list per policy with an allow-list). */
  allowedSkillKeys: string[][];
  /** Each list: the service must be `global` or in it (one list per policy with region rules). */
  policyRegions: string[][];
  /** Each cap: a fixed price must be at most `amount`, and in `currency` when it names one. */
  budgetCaps: { amount: number; currency: string }[];
  /** Native services need a usable runtime endpoint for their providerKey: these. */
  usableProviderKeys: string[];
}

/** Regions that match any requested region (scoring.ts ANY_REGION). */
const ANY_REGION = ['global', 'local'];

export function serviceFilterOf(input: ScoringInput): ServiceFilter {
  const { constraints, operation } = input.task;
  const { policies } = input;
  return {
    serviceType: input.task.serviceType,
    operation: operation ?? null,
    nativeOnly:
      constraints.requireNativeExecution ||
      !constraints.allowExternalHandoff ||
      policies.some((p) => p.nativeOnly || !p.handoffAllowed),
    regions: constraints.region ? [...ANY_REGION, constraints.region] : null,
    capabilities: [
      ...new Set([...constraints.requiredCapabilities, ...policies.flatMap((p) => p.requiredCapabilities)]),
    ],
    budget: constraints.budget ?? null,
    deniedSkillKeys: [...new Set(policies.flatMap((p) => p.deniedSkillKeys))],
    allowedSkillKeys: policies.filter((p) => p.allowedSkillKeys.length).map((p) => p.allowedSkillKeys),
    policyRegions: policies.filter((p) => p.regionRules.length).map((p) => p.regionRules),
    budgetCaps: policies.flatMap((p) => (p.budgetCap ? [p.budgetCap] : [])),
    usableProviderKeys: [...input.endpoints]
      .filter(([key, endpoint]) => !endpointProblem(endpoint, key, input.now))
      .map(([key]) => key),
  };
}

/** What the database answers for a filter: the services that pass, and a bounded view of the rest. */
export interface FilteredServices {
  /** Every service of the type that passes the filter, by id. */
  passed: CatalogServiceView[];
  /** The first `limit` services of the type that fail it, by id. */
  failedFirst: CatalogServiceView[];
  /** How many services of the type fail it in all. */
  failedTotal: number;
}
