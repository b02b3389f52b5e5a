/**
 * Discovery decides the services past the ones it lists with the quick check (`eligibilityCheck`, first
 * problem only). These properties hold it to the full evaluation over random catalogues, policies,
 * endpoints and requests: same verdict for every service, and `discover()` answers exactly what
 * scoring every service in full would answer (docs/api.md "Discovery at catalogue scale").
 */
import type { CatalogServiceView, PolicyView, RuntimeEndpointView } from '@mm/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byRank, discover } from './discovery.ts';
import { eligibilityCheck, evaluateService } from './scoring.ts';
import type { ScoringInput } from './scoring.ts';
import { endpoint, NOW, policy, service } from './test-fixtures.ts';

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const REGIONS = ['global', 'local', 'eu', 'us'] as const;
const CAPS = ['a', 'b', 'gpu'] as const;
const SKILLS = ['s1', 's2', 's3'] as const;
const PROVIDERS = ['p1', 'p2', 'p3'] as const;

const arbService = (i: number) =>
  fc
    .record({
      skillKey: pick(SKILLS),
      providerKey: pick(PROVIDERS),
      native: fc.boolean(),
      operations: fc.subarray(['run', 'op-1', 'op-2']),
      region: pick(REGIONS),
      capabilities: fc.subarray([...CAPS]),
      planned: fc.boolean(),
      price: fc.option(fc.record({ amount: fc.integer({ min: 0, max: 40 }), currency: pick(['USD', 'EUR', null]) })),
    })
    .map((r): CatalogServiceView =>
      service({
        id: `svc-${String(i).padStart(3, '0')}`,
        skillKey: r.skillKey,
        providerKey: r.providerKey,
        executionMode: r.native ? 'native' : 'external-handoff',
        handoff: r.native ? null : { label: 'Go', url: `https://example.com/${i}`, notes: [] },
        operations: r.operations,
        region: r.region,
        capabilities: r.capabilities,
        integrationStatus: r.planned ? 'planned' : r.native ? 'integrated' : 'handoff-only',
        pricing: r.price
          ? {
              mode: 'fixed',
              amount: r.price.amount,
              ...(r.price.currency && { currency: r.price.currency }),
              notes: [],
            }
          : { mode: 'provider-defined', notes: [] },
      }),
    );

const arbPolicy = (i: number) =>
  fc
    .record({
      denied: fc.subarray([...SKILLS]),
      allowed: fc.subarray([...SKILLS]),
      regions: fc.subarray([...REGIONS]),
      caps: fc.subarray([...CAPS], { maxLength: 1 }),
      budget: fc.option(fc.record({ amount: fc.integer({ min: 0, max: 40 }), currency: pick(['USD', 'EUR']) })),
      nativeOnly: fc.boolean(),
      handoffAllowed: fc.boolean(),
    })
    .map((r): PolicyView =>
      policy({
        id: `pol-${i}`,
        name: `P${i}`,
        deniedSkillKeys: r.denied,
        allowedSkillKeys: r.allowed,
        regionRules: r.regions,
        requiredCapabilities: r.caps,
        budgetCap: r.budget,
        nativeOnly: r.nativeOnly,
        handoffAllowed: r.handoffAllowed,
      }),
    );

const arbEndpoints = fc.subarray([...PROVIDERS]).chain((keys) =>
  fc.tuple(
    ...keys.map((k) =>
      fc
        .record({ status: pick(['active', 'degraded', 'unreachable'] as const), lapsed: fc.boolean() })
        .map((r): RuntimeEndpointView =>
          endpoint({
            id: `ep-${k}`,
            providerKey: k,
            status: r.status,
            leaseExpiresAt: new Date(NOW.getTime() + (r.lapsed ? -1000 : 60_000)).toISOString(),
          }),
        ),
    ),
  ),
);

const arbInput = fc
  .record({
    operation: fc.option(pick(['run', 'op-1'])),
    region: fc.option(pick(['eu', 'us'])),
    budget: fc.option(fc.integer({ min: 0, max: 40 })),
    required: fc.subarray([...CAPS], { maxLength: 2 }),
    allowExternalHandoff: fc.boolean(),
    requireNativeExecution: fc.boolean(),
    policyCount: fc.integer({ min: 0, max: 3 }),
    endpoints: arbEndpoints,
  })
  .chain((r) =>
    fc.tuple(...Array.from({ length: r.policyCount }, (_, i) => arbPolicy(i))).map((policies): ScoringInput => ({
      task: {
        serviceType: 'compute.marketplace',
        ...(r.operation !== null && { operation: r.operation }),
        constraints: {
          allowExternalHandoff: r.allowExternalHandoff,
          requireNativeExecution: r.requireNativeExecution,
          requiredCapabilities: r.required,
          ...(r.region !== null && { region: r.region }),
          ...(r.budget !== null && { budget: r.budget }),
        },
      },
      endpoints: new Map(r.endpoints.map((e) => [e.providerKey, e])),
      policies,
      now: NOW,
    })),
  );

const arbCatalogue = fc
  .integer({ min: 0, max: 60 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbService(i))));

describe('the quick eligibility check (property)', () => {
  it('gives the same verdict as the full evaluation for every service', () => {
    fc.assert(
      fc.property(arbCatalogue, arbInput, (services, input) => {
        const isEligible = eligibilityCheck(input);
        for (const s of services) {
          expect(isEligible(s)).toBe(evaluateService(s, input).eligible);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('discover() answers what scoring every service in full answers', () => {
    const check = (services: CatalogServiceView[], input: ScoringInput, listed: number) => {
      const got = discover(services, input, 5, listed);
      const full = services.map((s) => ({ s, e: evaluateService(s, input) }));
      const excludedAll = full.filter((x) => !x.e.eligible);
      expect(got.excludedTotal).toBe(excludedAll.length);
      expect(got.excluded).toEqual(
        excludedAll.slice(0, listed).map((x) => ({ serviceId: x.s.id, skillKey: x.s.skillKey, reasons: x.e.reasons })),
      );
      // The candidates are the first five of every eligible service scored in full and sorted
      // (stable) by rank, in that order, with the full evaluation's score and reasons.
      const ranked = full
        .flatMap((x) => (x.e.eligible ? [{ service: x.s, score: x.e.score, reasons: x.e.reasons }] : []))
        .sort(byRank);
      expect(got.candidates).toEqual(ranked.slice(0, 5));
    };
    fc.assert(
      fc.property(
        arbCatalogue,
        arbInput,
        fc.option(pick(['run', 'op-2'])),
        fc.integer({ min: 0, max: 8 }),
        (services, input, otherOperation, listed) => {
          check(services, input, listed);
          // The same array again (its index is reused) with another operation, or none.
          const { operation: _op, ...task } = input.task;
          check(
            services,
            { ...input, task: { ...task, ...(otherOperation && { operation: otherOperation }) } },
            listed,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
