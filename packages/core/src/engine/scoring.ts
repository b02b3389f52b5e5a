/**
 * Discovery scoring: which catalogue services may serve a task on this machine, and how well.
 * Everything that decides eligibility or rank lives in this file, so it can be read and changed in
 * one place (the README's "How discovery scores" mirrors it). Pure: no I/O.
 *
 * A service is considered when its serviceType matches the task. It is then either EXCLUDED, with
 * every reason that excluded it, or a CANDIDATE with a score and the reasons that built the score.
 */
import type { CatalogServiceView, PolicyView, RuntimeEndpointView, TaskConstraints, TaskView } from '@mm/contracts';

/** Score weights. A candidate starts at BASE and gains or loses these. */
export const WEIGHTS = {
  base: 50,
  /** Native execution on the machine's own runtime beats handing the work off. */
  native: 20,
  endpointActive: 15,
  /** A degraded endpoint still serves, ranked below an active one (context B5). */
  endpointDegraded: 0,
  preferredSkill: 25,
  operationMatch: 10,
  regionExact: 10,
  regionGlobal: 4,
  perRequiredCapability: 2,
  integrated: 5,
  planned: -10,
  maturityProduction: 4,
  maturityBeta: 2,
  knownPriceWithinBudget: 3,
} as const;

/** Regions that match any requested region: runs everywhere, or on the machine itself. */
const ANY_REGION = new Set(['global', 'local']);

export interface ScoringInput {
  task: Pick<TaskView, 'serviceType' | 'operation'> & {
    constraints: TaskConstraints;
  };
  /** The machine's runtime endpoints, by lowercased providerKey. */
  endpoints: ReadonlyMap<string, RuntimeEndpointView>;
  /** The policies that govern the machine (its policyIds). */
  policies: readonly PolicyView[];
  now: Date;
}

export type Evaluation = { eligible: true; score: number; reasons: string[] } | { eligible: false; reasons: string[] };

const policyName = (p: PolicyView) => `policy "${p.name}" (${p.id})`;

/**
 * The service's fixed price, or null when it has none. A number, not an object: the checks below
 * run for every service of a discovery and allocate nothing (docs/api.md "Discovery at catalogue
 * scale"); `currencyOf` gives the price's currency.
 */
function fixedPrice(service: CatalogServiceView): number | null {
  const { pricing } = service;
  return pricing.mode === 'fixed' && typeof pricing.amount === 'number' ? pricing.amount : null;
}

const currencyOf = (service: CatalogServiceView): string | null => service.pricing.currency ?? null;

/** Why the machine's runtime endpoint cannot serve this native service now (null when it can). */
export function endpointProblem(
  endpoint: RuntimeEndpointView | undefined,
  providerKey: string,
  now: Date,
): string | null {
  if (!endpoint) return `no runtime endpoint for provider ${providerKey} on this machine`;
  if (endpoint.status === 'unreachable') return `runtime endpoint ${providerKey} is unreachable`;
  if (endpoint.leaseExpiresAt && new Date(endpoint.leaseExpiresAt).getTime() <= now.getTime()) {
    return `runtime endpoint ${providerKey} lease expired at ${endpoint.leaseExpiresAt}`;
  }
  return null;
}

/**
 * Where the problems of one service go. `first` stops at the first problem and builds no string:
 * discovery asks only "eligible or not?" of the services past the ones it lists (docs/api.md
 * "Discovery at catalogue scale"), so the same checks below decide both, with no second copy of
 * the rules. A check returns true when it has recorded a problem and `first` is set: stop.
 */
interface Problems {
  readonly first: boolean;
  /** Set by `stop` in first-problem mode (a flag, not a list to empty again for every service). */
  stopped: boolean;
  readonly list: string[];
  /** The endpoint verdict by providerKey, computed once per discovery, not once per service. */
  readonly endpoints: Map<string, string | null>;
}

const problemsCollector = (first: boolean, endpoints = new Map<string, string | null>()): Problems => ({
  first,
  stopped: false,
  list: [],
  endpoints,
});

/**
 * Each check below reads `if (problem) { if (out.first) return stop(out); out.list.push(text) }`:
 * in first-problem mode no reason text is built (and no closure allocated) for a service that is
 * only counted.
 */
function stop(out: Problems): true {
  out.stopped = true;
  return true;
}

/** Whether `have` lacks any of `required` (a loop: this runs for every service of a discovery). */
function lacksAny(required: readonly string[], have: readonly string[]): boolean {
  for (const c of required) if (!have.includes(c)) return true;
  return false;
}

const missingOf = (required: readonly string[], have: readonly string[]) =>
  required.filter((c) => !have.includes(c)).join(', ');

/** Constraint filters from the task itself. */
function constraintProblems(service: CatalogServiceView, input: ScoringInput, out: Problems): boolean {
  const { constraints, operation } = input.task;
  const handoff = service.executionMode === 'external-handoff';
  if (operation && service.operations.length && !service.operations.includes(operation)) {
    if (out.first) return stop(out);
    out.list.push(`does not offer operation ${operation}`);
  }
  if (handoff && constraints.requireNativeExecution) {
    if (out.first) return stop(out);
    out.list.push('task requires native execution');
  }
  if (handoff && !constraints.allowExternalHandoff) {
    if (out.first) return stop(out);
    out.list.push('task does not allow external handoff');
  }
  if (constraints.region && !ANY_REGION.has(service.region) && service.region !== constraints.region) {
    if (out.first) return stop(out);
    out.list.push(`region ${service.region} is not the requested ${constraints.region}`);
  }
  if (lacksAny(constraints.requiredCapabilities, service.capabilities)) {
    if (out.first) return stop(out);
    out.list.push(`lacks required capabilities: ${missingOf(constraints.requiredCapabilities, service.capabilities)}`);
  }
  const price = fixedPrice(service);
  if (constraints.budget !== undefined && price !== null && price > constraints.budget) {
    if (out.first) return stop(out);
    out.list.push(
      `price ${price} ${currencyOf(service) ?? ''} exceeds the task budget ${constraints.budget}`.replace('  ', ' '),
    );
  }
  if (service.integrationStatus === 'planned') {
    if (out.first) return stop(out);
    out.list.push('integration is only planned');
  }
  return false;
}

/** Policy filters (context B6): every governing policy must allow the service. */
function policyProblems(service: CatalogServiceView, policies: readonly PolicyView[], out: Problems): boolean {
  const handoff = service.executionMode === 'external-handoff';
  for (const p of policies) {
    if (p.deniedSkillKeys.includes(service.skillKey)) {
      if (out.first) return stop(out);
      out.list.push(`${policyName(p)} denies skill ${service.skillKey}`);
    }
    if (p.allowedSkillKeys.length && !p.allowedSkillKeys.includes(service.skillKey)) {
      if (out.first) return stop(out);
      out.list.push(`${policyName(p)} does not allow skill ${service.skillKey}`);
    }
    if (p.regionRules.length && service.region !== 'global' && !p.regionRules.includes(service.region)) {
      if (out.first) return stop(out);
      out.list.push(`${policyName(p)} does not allow region ${service.region}`);
    }
    if (lacksAny(p.requiredCapabilities, service.capabilities)) {
      if (out.first) return stop(out);
      out.list.push(
        `${policyName(p)} requires capabilities ${missingOf(p.requiredCapabilities, service.capabilities)}`,
      );
    }
    const price = p.budgetCap ? fixedPrice(service) : null;
    if (p.budgetCap && price !== null) {
      const currency = currencyOf(service);
      if (currency && currency !== p.budgetCap.currency) {
        if (out.first) return stop(out);
        out.list.push(`${policyName(p)} caps spend in ${p.budgetCap.currency}; price is in ${currency}`);
      } else if (price > p.budgetCap.amount) {
        if (out.first) return stop(out);
        out.list.push(
          `${policyName(p)} caps spend at ${p.budgetCap.amount} ${p.budgetCap.currency}; price is ${price}`,
        );
      }
    }
    if (handoff && p.nativeOnly) {
      if (out.first) return stop(out);
      out.list.push(`${policyName(p)} allows native execution only`);
    }
    if (handoff && !p.handoffAllowed) {
      if (out.first) return stop(out);
      out.list.push(`${policyName(p)} does not allow external handoff`);
    }
  }
  return false;
}

/** The machine's endpoint for a native service: its problem, once per providerKey per discovery. */
function endpointCheck(service: CatalogServiceView, input: ScoringInput, out: Problems): boolean {
  let problem = out.endpoints.get(service.providerKey);
  if (problem === undefined) {
    problem = endpointProblem(input.endpoints.get(service.providerKey), service.providerKey, input.now);
    out.endpoints.set(service.providerKey, problem);
  }
  if (problem === null) return false;
  if (out.first) return stop(out);
  out.list.push(problem);
  return false;
}

/** Every check in order; with `out.first`, up to the first problem. */
function collectProblems(service: CatalogServiceView, input: ScoringInput, out: Problems): void {
  if (constraintProblems(service, input, out)) return;
  if (policyProblems(service, input.policies, out)) return;
  if (service.executionMode === 'native') endpointCheck(service, input, out);
}

/**
 * The quick check for one discovery: whether a service is eligible, deciding exactly as
 * `evaluateService` does (the same checks) but stopping at the first problem and building no
 * reasons. One collector is reused for every service, and `endpoints` (each providerKey's verdict)
 * may be shared with `evaluateService` over the same input.
 */
export function eligibilityCheck(
  input: ScoringInput,
  endpoints: Map<string, string | null> = new Map(),
): (service: CatalogServiceView) => boolean {
  const out = problemsCollector(true, endpoints);
  return (service) => {
    out.stopped = false;
    collectProblems(service, input, out);
    return !out.stopped;
  };
}

/** Evaluates one service of the task's serviceType. */
export function evaluateService(
  service: CatalogServiceView,
  input: ScoringInput,
  endpoints: Map<string, string | null> = new Map(),
): Evaluation {
  const out = problemsCollector(false, endpoints);
  collectProblems(service, input, out);
  if (out.list.length) return { eligible: false, reasons: out.list };
  const reasons: string[] = [];
  return { eligible: true, score: scoreOf(service, input, reasons), reasons };
}

/**
 * The score of a service that passed every check, and with `reasons` the reasons that built it.
 * Without `reasons` it builds no string and allocates nothing: discovery scores every eligible
 * service that way to rank them, and asks for the reasons of the ones it answers only (docs/api.md
 * "Discovery at catalogue scale"). One function for both, so the score cannot differ.
 */
export function scoreOf(service: CatalogServiceView, input: ScoringInput, reasons: string[] | null = null): number {
  const native = service.executionMode === 'native';
  const endpoint = native ? input.endpoints.get(service.providerKey) : undefined;
  const { constraints, operation } = input.task;
  let score = WEIGHTS.base;
  reasons?.push(`serves ${service.serviceType}`);
  if (native && endpoint) {
    score += WEIGHTS.native;
    if (endpoint.status === 'active') {
      score += WEIGHTS.endpointActive;
      reasons?.push(`native on runtime endpoint ${service.providerKey} (active, ${endpoint.networkScope})`);
    } else {
      score += WEIGHTS.endpointDegraded;
      reasons?.push(`native on runtime endpoint ${service.providerKey} (degraded: ranked lower)`);
    }
  } else {
    reasons?.push(`external handoff to ${service.handoff?.url ?? service.companyName}`);
  }
  if (constraints.preferredSkillKeys?.includes(service.skillKey)) {
    score += WEIGHTS.preferredSkill;
    reasons?.push(`preferred skill ${service.skillKey}`);
  }
  if (operation && service.operations.includes(operation)) {
    score += WEIGHTS.operationMatch;
    reasons?.push(`offers operation ${operation}`);
  }
  if (constraints.region) {
    if (service.region === constraints.region) {
      score += WEIGHTS.regionExact;
      reasons?.push(`in requested region ${constraints.region}`);
    } else {
      score += WEIGHTS.regionGlobal;
      reasons?.push(`region ${service.region} covers ${constraints.region}`);
    }
  }
  if (constraints.requiredCapabilities.length) {
    score += WEIGHTS.perRequiredCapability * constraints.requiredCapabilities.length;
    reasons?.push(`has required capabilities ${constraints.requiredCapabilities.join(', ')}`);
  }
  if (service.integrationStatus === 'integrated') score += WEIGHTS.integrated;
  if (service.maturity === 'production') score += WEIGHTS.maturityProduction;
  if (service.maturity === 'beta') score += WEIGHTS.maturityBeta;
  const price = fixedPrice(service);
  if (price !== null) {
    if (constraints.budget !== undefined) score += WEIGHTS.knownPriceWithinBudget;
    if (reasons) {
      const currency = currencyOf(service);
      reasons.push(`fixed price ${price}${currency ? ` ${currency}` : ''}`);
    }
  } else {
    reasons?.push(`cost unknown (${service.pricing.mode} pricing)`);
  }
  if (reasons) for (const p of input.policies) reasons.push(`${policyName(p)} allows it`);
  return score;
}
