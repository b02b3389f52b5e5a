import type { Candidate, CatalogServiceView, PolicyView, RuntimeEndpointView } from '@mm/contracts';
import { describe, expect, it } from 'vitest';
import { discover, fallbackChainOf } from './discovery.ts';
import type { ScoringInput } from './scoring.ts';
import { endpoint as endpointFixture, NOW, policy as policyFixture, service } from './test-fixtures.ts';

function native(id: string, providerKey: string, overrides: Partial<CatalogServiceView> = {}): CatalogServiceView {
  return service({
    id,
    skillKey: providerKey,
    providerKey,
    companyName: providerKey,
    name: id,
    operations: [],
    capabilities: [],
    pricing: { mode: 'provider-defined', notes: [] },
    providerId: providerKey,
    providerLabel: providerKey,
    ...overrides,
  });
}

function handoff(id: string, overrides: Partial<CatalogServiceView> = {}): CatalogServiceView {
  return native(id, id.split('-')[0] ?? id, {
    skillKey: `${id}.skill`,
    executionMode: 'external-handoff',
    integrationStatus: 'handoff-only',
    region: 'global',
    handoff: { label: `Continue at ${id}`, url: `https://${id}.example.com`, notes: [] },
    kind: 'reference',
    maturity: 'reference',
    ...overrides,
  });
}

function endpoint(providerKey: string, status: RuntimeEndpointView['status'] = 'active'): RuntimeEndpointView {
  return endpointFixture({
    id: `ep-${providerKey}`,
    providerKey,
    label: `${providerKey.toUpperCase()} runtime`,
    probePath: '/health',
    status,
  });
}

function policy(overrides: Partial<PolicyView>): PolicyView {
  return policyFixture({ name: 'P', ...overrides });
}

function input(
  opts: { endpoints?: RuntimeEndpointView[]; policies?: PolicyView[]; preferred?: string[] } = {},
): ScoringInput {
  return {
    task: {
      serviceType: 'compute.marketplace',
      constraints: {
        allowExternalHandoff: true,
        requireNativeExecution: false,
        requiredCapabilities: [],
        ...(opts.preferred && { preferredSkillKeys: opts.preferred }),
      },
    },
    endpoints: new Map((opts.endpoints ?? []).map((e) => [e.providerKey, e])),
    policies: opts.policies ?? [],
    now: NOW,
  };
}

const ids = (cs: readonly Candidate[]) => cs.map((c) => c.service.id);

describe('discover', () => {
  it('considers only services of the task type, neither candidate nor excluded otherwise', () => {
    const storage = handoff('storacha-object', { serviceType: 'storage.object' });
    const result = discover([storage, handoff('akash-compute')], input(), 10);
    expect(ids(result.candidates)).toEqual(['akash-compute']);
    expect(result.excluded).toEqual([]);
  });

  it('resolves native when a healthy native service is best, with the others ranked after it', () => {
    const services = [handoff('akash-compute'), native('qvac-private-inference', 'qvac')];
    const result = discover(services, input({ endpoints: [endpoint('qvac')] }), 10);
    expect(ids(result.candidates)).toEqual(['qvac-private-inference', 'akash-compute']);
    expect(result.resolution.kind).toBe('native');
    if (result.resolution.kind === 'native')
      expect(result.resolution.candidate.service.id).toBe('qvac-private-inference');
  });

  it('ranks a service on a degraded endpoint below the same kind on an active one (context B5)', () => {
    const services = [native('a-native', 'alpha'), native('b-native', 'beta')];
    const result = discover(
      services,
      input({ endpoints: [endpoint('alpha', 'degraded'), endpoint('beta', 'active')] }),
      10,
    );
    expect(ids(result.candidates)).toEqual(['b-native', 'a-native']);
    const [first, second] = result.candidates;
    expect(first!.score).toBeGreaterThan(second!.score);
  });

  it('falls back to a handoff when the native runtime is down, and explains the exclusion', () => {
    const services = [native('qvac-private-inference', 'qvac'), handoff('akash-compute')];
    const result = discover(services, input({ endpoints: [endpoint('qvac', 'unreachable')] }), 10);
    expect(result.resolution.kind).toBe('handoff');
    if (result.resolution.kind === 'handoff') {
      expect(result.resolution.handoff.url).toBe('https://akash-compute.example.com');
    }
    expect(result.excluded).toEqual([
      { serviceId: 'qvac-private-inference', skillKey: 'qvac', reasons: ['runtime endpoint qvac is unreachable'] },
    ]);
  });

  it('is unavailable with the exclusion reasons when nothing is eligible', () => {
    const services = [native('qvac-private-inference', 'qvac'), handoff('akash-compute')];
    const result = discover(services, input({ policies: [policy({ nativeOnly: true })] }), 10);
    expect(result.candidates).toEqual([]);
    expect(result.resolution.kind).toBe('unavailable');
    if (result.resolution.kind === 'unavailable') {
      expect(result.resolution.reason).toMatch(/2 excluded/);
      expect(result.resolution.reason).toMatch(/qvac-private-inference: no runtime endpoint/);
      expect(result.resolution.candidates).toEqual([]);
    }
    expect(result.excluded.map((e) => e.serviceId).sort()).toEqual(['akash-compute', 'qvac-private-inference']);
  });

  it('is unavailable when the catalogue has nothing of the type', () => {
    const result = discover([handoff('x', { serviceType: 'data.location' })], input(), 10);
    expect(result.resolution).toEqual({
      kind: 'unavailable',
      reason: 'the catalogue has no service for compute.marketplace',
      candidates: [],
    });
  });

  it('never selects a policy-filtered service, even the highest-scoring one', () => {
    const services = [native('qvac-private-inference', 'qvac'), handoff('akash-compute')];
    const result = discover(
      services,
      input({ endpoints: [endpoint('qvac')], policies: [policy({ deniedSkillKeys: ['qvac'] })] }),
      10,
    );
    expect(ids(result.candidates)).toEqual(['akash-compute']);
    expect(result.resolution.kind).toBe('handoff');
  });

  it('keeps at most maxCandidates, the best ones', () => {
    const services = [handoff('c-h'), handoff('a-h'), handoff('b-h'), native('n', 'qvac')];
    const result = discover(services, input({ endpoints: [endpoint('qvac')] }), 2);
    expect(result.candidates).toHaveLength(2);
    expect(ids(result.candidates)[0]).toBe('n');
    // Equal scores fall back to the id, so the order is stable.
    expect(ids(result.candidates)[1]).toBe('a-h');
  });

  it('orders candidates by score, best first', () => {
    const services = [handoff('plain-h'), handoff('pref-h'), native('n', 'qvac')];
    const result = discover(
      services,
      input({ endpoints: [endpoint('qvac', 'degraded')], preferred: ['pref-h.skill'] }),
      10,
    );
    const scores = result.candidates.map((c) => c.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const order = ids(result.candidates);
    expect(order.indexOf('pref-h')).toBeLessThan(order.indexOf('plain-h'));
  });

  it('a handoff without handoff details cannot be the resolution', () => {
    const result = discover([handoff('bare-h', { handoff: null })], input(), 10);
    expect(result.resolution.kind).toBe('unavailable');
  });
});

// Context B9 "Tasks": fallbackChain = the other eligible candidates in score order, native first.
describe('fallbackChainOf', () => {
  const cand = (service: CatalogServiceView, score: number): Candidate => ({ service, score, reasons: [] });

  it('lists the other candidates, native ones first, each group in score order', () => {
    const candidates = [
      cand(handoff('h1'), 100),
      cand(native('n1', 'alpha'), 90),
      cand(handoff('h2'), 80),
      cand(native('n2', 'beta'), 70),
      cand(handoff('h3'), 60),
    ];
    const chain = fallbackChainOf(candidates, 'h1');
    expect(chain.map((h) => h.serviceId)).toEqual(['n1', 'n2', 'h2', 'h3']);
    expect(chain[0]).toEqual({ skillKey: 'alpha', serviceId: 'n1', executionMode: 'native' });
    expect(chain.at(-1)).toEqual({ skillKey: 'h3.skill', serviceId: 'h3', executionMode: 'external-handoff' });
  });

  it('never contains the selected service', () => {
    const candidates = [cand(native('n1', 'alpha'), 90), cand(native('n2', 'beta'), 70)];
    expect(fallbackChainOf(candidates, 'n1').map((h) => h.serviceId)).toEqual(['n2']);
    expect(fallbackChainOf([cand(native('n1', 'alpha'), 90)], 'n1')).toEqual([]);
  });

  it('follows discover: the chain after a native pick holds the remaining natives, then handoffs', () => {
    const services = [handoff('akash-compute'), native('n-active', 'alpha'), native('n-degraded', 'beta')];
    const result = discover(services, input({ endpoints: [endpoint('alpha'), endpoint('beta', 'degraded')] }), 10);
    const chain = fallbackChainOf(result.candidates, 'n-active');
    expect(chain.map((h) => h.serviceId)).toEqual(['n-degraded', 'akash-compute']);
  });
});
