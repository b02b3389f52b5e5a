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

function priceOf(service: CatalogServiceView): { amount: number; currency: string | null } | null {
  const { pricing } = service;
  if (pricing.mode !== 'fixed' || typeof pricing.amount !== 'number') return null;
  return { amount: pricing.amount, currency: pricing.currency ?? null };
}

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

/** Constraint filters from the task itself. */
function constraintProblems(service: CatalogServiceView, input: ScoringInput): string[] {
  const { constraints, operation } = input.task;
  const problems: string[] = [];
  const handoff = service.executionMode === 'external-handoff';
  if (operation && service.operations.length && !service.operations.includes(operation)) {
    problems.push(`does not offer operation ${operation}`);
  }
  if (handoff && constraints.requireNativeExecution) problems.push('task requires native execution');
  if (handoff && !constraints.allowExternalHandoff) problems.push('task does not allow external handoff');
  if (constraints.region && !ANY_REGION.has(service.region) && service.region !== constraints.region) {
    problems.push(`region ${service.region} is not the requested ${constraints.region}`);
  }
  const missing = constraints.requiredCapabilities.filter((c) => !service.capabilities.includes(c));
  if (missing.length) problems.push(`lacks required capabilities: ${missing.join(', ')}`);
  const price = priceOf(service);
  if (constraints.budget !== undefined && price && price.amount > constraints.budget) {
    problems.push(
      `price ${price.amount} ${price.currency ?? ''} exceeds the task budget ${constraints.budget}`.replace('  ', ' '),
    );
  }
  if (service.integrationStatus === 'planned') problems.push('integration is only planned');
  return problems;
}

/** Policy filters (context B6): every governing policy must allow the service. */
function policyProblems(service: CatalogServiceView, policies: readonly PolicyView[]): string[] {
  const problems: string[] = [];
  const handoff = service.executionMode === 'external-handoff';
  for (const p of policies) {
    const name = policyName(p);
    if (p.deniedSkillKeys.includes(service.skillKey)) problems.push(`${name} denies skill ${service.skillKey}`);
    if (p.allowedSkillKeys.length && !p.allowedSkillKeys.includes(service.skillKey)) {
      problems.push(`${name} does not allow skill ${service.skillKey}`);
    }
    if (p.regionRules.length && service.region !== 'global' && !p.regionRules.includes(service.region)) {
      problems.push(`${name} does not allow region ${service.region}`);
    }
    const missing = p.requiredCapabilities.filter((c) => !service.capabilities.includes(c));
    if (missing.length) problems.push(`${name} requires capabilities ${missing.join(', ')}`);
    const price = priceOf(service);
    if (p.budgetCap && price) {
      if (price.currency && price.currency !== p.budgetCap.currency) {
        problems.push(`${name} caps spend in ${p.budgetCap.currency}; price is in ${price.currency}`);
      } else if (price.amount > p.budgetCap.amount) {
        problems.push(`${name} caps spend at ${p.budgetCap.amount} ${p.budgetCap.currency}; price is ${price.amount}`);
      }
    }
    if (handoff && p.nativeOnly) problems.push(`${name} allows native execution only`);
    if (handoff && !p.handoffAllowed) problems.push(`${name} does not allow external handoff`);
  }
  return problems;
}

/** Evaluates one service of the task's serviceType. */
export function evaluateService(service: CatalogServiceView, input: ScoringInput): Evaluation {
  const native = service.executionMode === 'native';
  const endpoint = native ? input.endpoints.get(service.providerKey) : undefined;
  const problems = [
    ...constraintProblems(service, input),
    ...policyProblems(service, input.policies),
    ...(native ? [endpointProblem(endpoint, service.providerKey, input.now)].filter((p): p is string => !!p) : []),
  ];
  if (problems.length) return { eligible: false, reasons: problems };

  const { constraints, operation } = input.task;
  let score = WEIGHTS.base;
  const reasons = [`serves ${service.serviceType}`];
  if (native && endpoint) {
    score += WEIGHTS.native;
    if (endpoint.status === 'active') {
      score += WEIGHTS.endpointActive;
      reasons.push(`native on runtime endpoint ${service.providerKey} (active, ${endpoint.networkScope})`);
    } else {
      score += WEIGHTS.endpointDegraded;
      reasons.push(`native on runtime endpoint ${service.providerKey} (degraded: ranked lower)`);
    }
  } else {
    reasons.push(`external handoff to ${service.handoff?.url ?? service.companyName}`);
  }
  if (constraints.preferredSkillKeys?.includes(service.skillKey)) {
    score += WEIGHTS.preferredSkill;
    reasons.push(`preferred skill ${service.skillKey}`);
  }
  if (operation && service.operations.includes(operation)) {
    score += WEIGHTS.operationMatch;
    reasons.push(`offers operation ${operation}`);
  }
  if (constraints.region) {
    if (service.region === constraints.region) {
      score += WEIGHTS.regionExact;
      reasons.push(`in requested region ${constraints.region}`);
    } else {
      score += WEIGHTS.regionGlobal;
      reasons.push(`region ${service.region} covers ${constraints.region}`);
    }
  }
  if (constraints.requiredCapabilities.length) {
    score += WEIGHTS.perRequiredCapability * constraints.requiredCapabilities.length;
    reasons.push(`has required capabilities ${constraints.requiredCapabilities.join(', ')}`);
  }
  if (service.integrationStatus === 'integrated') score += WEIGHTS.integrated;
  if (service.maturity === 'production') score += WEIGHTS.maturityProduction;
  if (service.maturity === 'beta') score += WEIGHTS.maturityBeta;
  const price = priceOf(service);
  if (price) {
    if (constraints.budget !== undefined) score += WEIGHTS.knownPriceWithinBudget;
    reasons.push(`fixed price ${price.amount}${price.currency ? ` ${price.currency}` : ''}`);
  } else {
    reasons.push(`cost unknown (${service.pricing.mode} pricing)`);
  }
  for (const p of input.policies) reasons.push(`${policyName(p)} allows it`);
  return { eligible: true, score, reasons };
}
