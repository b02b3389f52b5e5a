import type { PolicyView, RuntimeEndpointView, TaskConstraints } from '@mm/contracts';
import { describe, expect, it } from 'vitest';
import { endpointProblem, evaluateService } from './scoring.ts';
import type { Evaluation, ScoringInput } from './scoring.ts';
import { endpoint, handoffService, NOW, policy, service } from './test-fixtures.ts';

function input(
  opts: {
    constraints?: Partial<TaskConstraints>;
    operation?: string;
    endpoints?: RuntimeEndpointView[];
    policies?: PolicyView[];
  } = {},
): ScoringInput {
  return {
    task: {
      serviceType: 'compute.marketplace',
      ...(opts.operation !== undefined && { operation: opts.operation }),
      constraints: {
        allowExternalHandoff: true,
        requireNativeExecution: false,
        requiredCapabilities: [],
        ...opts.constraints,
      },
    },
    endpoints: new Map((opts.endpoints ?? [endpoint()]).map((e) => [e.providerKey, e])),
    policies: opts.policies ?? [],
    now: NOW,
  };
}

function eligible(e: Evaluation): { score: number; reasons: string[] } {
  if (!e.eligible) throw new Error(`expected eligible, got excluded: ${e.reasons.join('; ')}`);
  return e;
}
function excluded(e: Evaluation): string {
  expect(e.eligible).toBe(false);
  return e.reasons.join('; ');
}

describe('native services and their runtime endpoint (context A5, B5)', () => {
  it('is eligible with an active endpoint and says which endpoint serves', () => {
    const r = eligible(evaluateService(service(), input()));
    expect(r.reasons.join('; ')).toMatch(/native on runtime endpoint qvac \(active, loopback\)/);
  });

  it('is excluded without an endpoint for its provider', () => {
    expect(excluded(evaluateService(service(), input({ endpoints: [] })))).toMatch(
      /no runtime endpoint for provider qvac/,
    );
    const other = endpoint({ providerKey: 'ollama' });
    expect(excluded(evaluateService(service(), input({ endpoints: [other] })))).toMatch(/no runtime endpoint/);
  });

  it('is excluded while the endpoint is unreachable', () => {
    const e = endpoint({ status: 'unreachable' });
    expect(excluded(evaluateService(service(), input({ endpoints: [e] })))).toMatch(/unreachable/);
  });

  it('ranks a degraded endpoint below an active one, but still serves', () => {
    const active = eligible(evaluateService(service(), input({ endpoints: [endpoint({ status: 'active' })] })));
    const degraded = eligible(evaluateService(service(), input({ endpoints: [endpoint({ status: 'degraded' })] })));
    expect(degraded.score).toBeLessThan(active.score);
    expect(degraded.reasons.join('; ')).toMatch(/degraded/);
  });

  it('is excluded once the endpoint lease has expired, and eligible before', () => {
    const past = endpoint({ leaseExpiresAt: new Date(NOW.getTime() - 1_000).toISOString() });
    const atNow = endpoint({ leaseExpiresAt: NOW.toISOString() });
    const future = endpoint({ leaseExpiresAt: new Date(NOW.getTime() + 60_000).toISOString() });
    expect(excluded(evaluateService(service(), input({ endpoints: [past] })))).toMatch(/lease expired/);
    expect(excluded(evaluateService(service(), input({ endpoints: [atNow] })))).toMatch(/lease expired/);
    eligible(evaluateService(service(), input({ endpoints: [future] })));
  });

  it('endpointProblem explains each state, and is null when the endpoint can serve', () => {
    expect(endpointProblem(undefined, 'qvac', NOW)).toMatch(/no runtime endpoint/);
    expect(endpointProblem(endpoint({ status: 'unreachable' }), 'qvac', NOW)).toMatch(/unreachable/);
    expect(endpointProblem(endpoint({ leaseExpiresAt: '2026-03-01T11:59:59.000Z' }), 'qvac', NOW)).toMatch(
      /lease expired/,
    );
    expect(endpointProblem(endpoint({ status: 'degraded' }), 'qvac', NOW)).toBeNull();
    expect(endpointProblem(endpoint(), 'qvac', NOW)).toBeNull();
  });

  it('scores native above an otherwise comparable handoff', () => {
    const native = eligible(evaluateService(service({ pricing: { mode: 'provider-defined', notes: [] } }), input()));
    const handoff = eligible(
      evaluateService(handoffService({ integrationStatus: 'integrated', maturity: 'beta' }), input()),
    );
    expect(native.score).toBeGreaterThan(handoff.score);
  });

  it('does not need an endpoint for an external handoff', () => {
    const r = eligible(evaluateService(handoffService(), input({ endpoints: [] })));
    expect(r.reasons.join('; ')).toMatch(/external handoff to https:\/\/akash\.network/);
  });
});

// Context B6: every governing policy must allow a candidate; the reason names the policy.
describe('policies', () => {
  it('deny list excludes the skill and names the policy', () => {
    const p = policy({ name: 'No QVAC', deniedSkillKeys: ['qvac'] });
    const why = excluded(evaluateService(service(), input({ policies: [p] })));
    expect(why).toContain('policy "No QVAC" (pol-1) denies skill qvac');
  });

  it('a non-empty allow list excludes every skill it does not name', () => {
    const p = policy({ allowedSkillKeys: ['akash.compute'] });
    expect(excluded(evaluateService(service(), input({ policies: [p] })))).toMatch(/does not allow skill qvac/);
    const r = eligible(evaluateService(handoffService(), input({ policies: [p] })));
    expect(r.reasons).toContain('policy "House rules" (pol-1) allows it');
  });

  it('an empty allow list allows every skill', () => {
    eligible(evaluateService(service(), input({ policies: [policy()] })));
  });

  it('every governing policy must allow: one refusal among several excludes', () => {
    const ok = policy({ id: 'pol-ok', name: 'Open' });
    const deny = policy({ id: 'pol-deny', name: 'Closed', deniedSkillKeys: ['qvac'] });
    expect(excluded(evaluateService(service(), input({ policies: [ok, deny] })))).toMatch(/Closed/);
    const r = eligible(
      evaluateService(service(), input({ policies: [ok, policy({ id: 'pol-2', name: 'Also open' })] })),
    );
    expect(r.reasons.filter((x) => x.endsWith('allows it'))).toHaveLength(2);
  });

  it('regionRules exclude services outside the listed regions', () => {
    const p = policy({ regionRules: ['us-east'] });
    expect(excluded(evaluateService(service({ region: 'eu-west' }), input({ policies: [p] })))).toMatch(
      /does not allow region eu-west/,
    );
    eligible(evaluateService(service({ region: 'us-east' }), input({ policies: [p] })));
    eligible(evaluateService(service({ region: 'eu-west' }), input({ policies: [policy({ regionRules: [] })] })));
  });

  it('a service in region global matches any region rule (context B9 "Policies")', () => {
    const p = policy({ regionRules: ['eu-west'] });
    eligible(evaluateService(handoffService({ region: 'global' }), input({ policies: [p] })));
  });

  it('budgetCap excludes a fixed price above the cap and keeps one within it', () => {
    const cap = policy({ budgetCap: { amount: 3, currency: 'USD' } });
    const priced = (amount: number) => service({ pricing: { mode: 'fixed', amount, currency: 'USD', notes: [] } });
    expect(excluded(evaluateService(priced(5), input({ policies: [cap] })))).toMatch(/caps spend at 3 USD; price is 5/);
    eligible(evaluateService(priced(3), input({ policies: [cap] })));
    eligible(evaluateService(priced(0), input({ policies: [cap] })));
  });

  it('budgetCap refuses a fixed price in another currency', () => {
    const cap = policy({ budgetCap: { amount: 100, currency: 'EUR' } });
    const usd = service({ pricing: { mode: 'fixed', amount: 1, currency: 'USD', notes: [] } });
    expect(excluded(evaluateService(usd, input({ policies: [cap] })))).toMatch(/caps spend in EUR; price is in USD/);
  });

  it.each(['provider-defined', 'quote-required'] as const)(
    'budgetCap lets %s pricing pass, with a reason noting the unknown cost (context B9)',
    (mode) => {
      const cap = policy({ budgetCap: { amount: 0, currency: 'USD' } });
      const r = eligible(evaluateService(handoffService({ pricing: { mode, notes: [] } }), input({ policies: [cap] })));
      expect(r.reasons).toContain(`cost unknown (${mode} pricing)`);
    },
  );

  it('nativeOnly excludes handoff services and leaves native ones', () => {
    const p = policy({ nativeOnly: true });
    expect(excluded(evaluateService(handoffService(), input({ policies: [p] })))).toMatch(
      /allows native execution only/,
    );
    eligible(evaluateService(service(), input({ policies: [p] })));
  });

  it('handoffAllowed: false excludes handoff services and leaves native ones', () => {
    const p = policy({ handoffAllowed: false });
    expect(excluded(evaluateService(handoffService(), input({ policies: [p] })))).toMatch(
      /does not allow external handoff/,
    );
    eligible(evaluateService(service(), input({ policies: [p] })));
  });

  it('requiredCapabilities must all be present on the service', () => {
    const p = policy({ requiredCapabilities: ['llm', 'gpu'] });
    expect(excluded(evaluateService(service({ capabilities: ['llm'] }), input({ policies: [p] })))).toMatch(
      /requires capabilities gpu/,
    );
    eligible(evaluateService(service({ capabilities: ['llm', 'gpu', 'x'] }), input({ policies: [p] })));
  });

  it('reports every reason that excluded a service, not only the first', () => {
    const p = policy({ deniedSkillKeys: ['akash.compute'], nativeOnly: true, handoffAllowed: false });
    const e = evaluateService(handoffService(), input({ policies: [p] }));
    expect(e.eligible).toBe(false);
    expect(e.reasons.length).toBeGreaterThanOrEqual(3);
  });
});

// Reference "POST …/tasks" constraints; context B6/B9.
describe('task constraints', () => {
  it('requireNativeExecution and allowExternalHandoff: false exclude handoffs', () => {
    expect(
      excluded(evaluateService(handoffService(), input({ constraints: { requireNativeExecution: true } }))),
    ).toMatch(/requires native execution/);
    expect(
      excluded(evaluateService(handoffService(), input({ constraints: { allowExternalHandoff: false } }))),
    ).toMatch(/does not allow external handoff/);
    eligible(
      evaluateService(service(), input({ constraints: { requireNativeExecution: true, allowExternalHandoff: false } })),
    );
  });

  it('a requested region matches the same region, global and local, and nothing else', () => {
    const c = { constraints: { region: 'eu-west' } };
    eligible(evaluateService(service({ region: 'eu-west' }), input(c)));
    eligible(evaluateService(handoffService({ region: 'global' }), input(c)));
    eligible(evaluateService(service({ region: 'local' }), input(c)));
    expect(excluded(evaluateService(service({ region: 'us-east' }), input(c)))).toMatch(/not the requested eu-west/);
    const exact = eligible(evaluateService(service({ region: 'eu-west' }), input(c)));
    const anywhere = eligible(evaluateService(service({ region: 'local' }), input(c)));
    expect(exact.score).toBeGreaterThan(anywhere.score);
  });

  it('budget excludes a fixed price above it', () => {
    const priced = service({ pricing: { mode: 'fixed', amount: 10, currency: 'USD', notes: [] } });
    expect(excluded(evaluateService(priced, input({ constraints: { budget: 5 } })))).toMatch(
      /exceeds the task budget 5/,
    );
    eligible(evaluateService(priced, input({ constraints: { budget: 10 } })));
  });

  it('an operation the service does not offer excludes it; one it offers raises its score', () => {
    expect(excluded(evaluateService(service(), input({ operation: 'transcribe' })))).toMatch(
      /does not offer operation transcribe/,
    );
    const match = eligible(evaluateService(service(), input({ operation: 'run-private-inference' })));
    const none = eligible(evaluateService(service(), input()));
    expect(match.score).toBeGreaterThan(none.score);
  });

  it('requiredCapabilities must be present', () => {
    expect(excluded(evaluateService(service(), input({ constraints: { requiredCapabilities: ['gpu'] } })))).toMatch(
      /lacks required capabilities: gpu/,
    );
  });

  it('a preferred skill outranks the same service without the preference', () => {
    const preferred = eligible(
      evaluateService(handoffService(), input({ constraints: { preferredSkillKeys: ['akash.compute'] } })),
    );
    const plain = eligible(evaluateService(handoffService(), input()));
    expect(preferred.score).toBeGreaterThan(plain.score);
    expect(preferred.reasons).toContain('preferred skill akash.compute');
  });

  it('a service whose integration is only planned is never eligible', () => {
    expect(excluded(evaluateService(handoffService({ integrationStatus: 'planned' }), input()))).toMatch(
      /only planned/,
    );
  });
});
