/** Builders of views for the engine's unit tests (scoring, discovery): one place, overridable. */
import type { CatalogServiceView, PolicyView, RuntimeEndpointView } from '@mm/contracts';

export const NOW = new Date('2026-03-01T12:00:00.000Z');

export function service(overrides: Partial<CatalogServiceView> = {}): CatalogServiceView {
  return {
    id: 'qvac-private-inference',
    skillKey: 'qvac',
    providerKey: 'qvac',
    companyName: 'Tether',
    serviceType: 'compute.marketplace',
    name: 'QVAC private inference',
    description: '',
    operations: ['run-private-inference'],
    executionMode: 'native',
    integrationStatus: 'integrated',
    region: 'local',
    capabilities: ['llm'],
    handoff: null,
    pricing: { mode: 'fixed', amount: 0, currency: 'USD', notes: [] },
    metadata: {},
    providerId: 'qvac',
    providerLabel: 'Tether',
    authType: 'local',
    accessMode: 'local',
    distribution: 'peaq-native',
    maturity: 'beta',
    kind: 'runtime',
    freshnessSeconds: 60,
    requiresHumanEnablement: false,
    ...overrides,
  };
}

export function handoffService(overrides: Partial<CatalogServiceView> = {}): CatalogServiceView {
  return service({
    id: 'akash-compute-handoff',
    skillKey: 'akash.compute',
    providerKey: 'akash',
    companyName: 'Akash Network',
    operations: ['run-private-inference'],
    executionMode: 'external-handoff',
    integrationStatus: 'handoff-only',
    region: 'global',
    capabilities: [],
    handoff: { label: 'Continue at Akash', url: 'https://akash.network', notes: [] },
    pricing: { mode: 'provider-defined', notes: [] },
    kind: 'reference',
    maturity: 'reference',
    ...overrides,
  });
}

export function endpoint(overrides: Partial<RuntimeEndpointView> = {}): RuntimeEndpointView {
  return {
    id: 'ep-1',
    machineId: 'm-1',
    providerKey: 'qvac',
    source: 'manual',
    agentId: null,
    label: 'QVAC runtime',
    endpointBaseUrl: 'http://127.0.0.1:11434',
    authType: 'none',
    hasAuthToken: false,
    modelAlias: null,
    networkScope: 'loopback',
    probePath: '/v1/models',
    status: 'active',
    leaseExpiresAt: null,
    lastCheckedAt: null,
    lastHealthyAt: null,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...overrides,
  };
}

export function policy(overrides: Partial<PolicyView> = {}): PolicyView {
  return {
    id: 'pol-1',
    name: 'House rules',
    allowedSkillKeys: [],
    deniedSkillKeys: [],
    budgetCap: null,
    regionRules: [],
    nativeOnly: false,
    handoffAllowed: true,
    requiredCapabilities: [],
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...overrides,
  };
}
