/**
 * Discovery scoring cost. Baseline: the cheapest correct pre-step discovery cannot avoid (filter
 * 2,000 services by serviceType and sort by id). Subject: the full `discover()` (constraints, five
 * governing policies, endpoint checks, scoring, ranking). The ratio says what the explanations cost.
 */
import type { CatalogServiceView, PolicyView, RuntimeEndpointView } from '@mm/contracts';
import { discover } from '@mm/core';
import { measure, report } from './harness.ts';

const TYPES = ['compute.marketplace', 'storage.object', 'device.control'] as const;

function service(i: number): CatalogServiceView {
  const native = i % 3 === 0;
  return {
    id: `svc-${i}`,
    skillKey: `skill-${i % 50}`,
    providerKey: native ? `prov-${i % 10}` : `ext-${i}`,
    companyName: 'Bench Co',
    serviceType: TYPES[i % TYPES.length] ?? 'compute.marketplace',
    name: `Service ${i}`,
    description: '',
    operations: ['run', `op-${i % 5}`],
    executionMode: native ? 'native' : 'external-handoff',
    integrationStatus: native ? 'integrated' : 'handoff-only',
    region: ['global', 'eu', 'us', 'local'][i % 4] ?? 'global',
    capabilities: ['a', 'b', i % 2 ? 'gpu' : 'cpu'],
    handoff: native ? null : { label: 'Go', url: `https://example.com/${i}`, notes: [] },
    pricing:
      i % 5 === 0
        ? { mode: 'fixed', amount: i % 40, currency: 'USD', notes: [] }
        : { mode: 'provider-defined', notes: [] },
    metadata: {},
    providerId: 'p',
    providerLabel: 'P',
    authType: 'none',
    accessMode: 'public',
    distribution: 'docs-only',
    maturity: 'beta',
    kind: native ? 'runtime' : 'reference',
    freshnessSeconds: 60,
    requiresHumanEnablement: false,
  };
}

function endpoint(i: number): RuntimeEndpointView {
  const now = new Date().toISOString();
  return {
    id: `ep-${i}`,
    machineId: 'm',
    providerKey: `prov-${i}`,
    source: 'agent',
    agentId: 'a',
    label: 'x',
    endpointBaseUrl: 'http://127.0.0.1:1',
    authType: 'none',
    hasAuthToken: false,
    modelAlias: null,
    networkScope: 'loopback',
    probePath: '/health',
    status: i % 4 === 0 ? 'degraded' : 'active',
    leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
    lastCheckedAt: null,
    lastHealthyAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

const policy = (i: number): PolicyView => ({
  id: `pol-${i}`,
  name: `Policy ${i}`,
  allowedSkillKeys: [],
  deniedSkillKeys: [`skill-${i}`],
  budgetCap: { amount: 30, currency: 'USD' },
  regionRules: [],
  nativeOnly: false,
  handoffAllowed: true,
  requiredCapabilities: ['a'],
  createdAt: '',
  updatedAt: '',
});

export async function benchDiscovery() {
  const services = Array.from({ length: 2000 }, (_, i) => service(i));
  const endpoints = new Map(Array.from({ length: 10 }, (_, i) => [`prov-${i}`, endpoint(i)] as const));
  const policies = Array.from({ length: 5 }, (_, i) => policy(i));
  const input = {
    task: {
      serviceType: 'compute.marketplace' as const,
      operation: 'run',
      constraints: {
        region: 'eu',
        budget: 25,
        allowExternalHandoff: true,
        requireNativeExecution: false,
        requiredCapabilities: ['b'],
      },
    },
    endpoints,
    policies,
    now: new Date(),
  };
  const baseline = await measure('filter by serviceType + sort (2,000 services)', 300, () =>
    services.filter((s) => s.serviceType === input.task.serviceType).sort((a, b) => a.id.localeCompare(b.id)),
  );
  const subject = await measure('discover() with 5 policies (2,000 services)', 300, () =>
    discover(services, input, 25),
  );
  report('Discovery scoring (pure, in-process)', baseline, subject);
}
