import type { ServiceType, UpsertServiceRequest, UpsertSkillRequest } from '@mm/contracts';

/**
 * The curated catalogue loaded at start-up (context B3): QVAC as the native reference runtime, a
 * native device-control skill spoken over the generic `/invoke` protocol, and at least one
 * external-handoff service for every service type.
 */
export interface DefaultSkill extends UpsertSkillRequest {
  key: string;
}
export interface DefaultService extends Omit<UpsertServiceRequest, 'metadata'> {
  id: string;
  metadata?: Record<string, unknown>;
}

const handoff = (
  key: string,
  provider: string,
  serviceType: ServiceType,
  name: string,
  url: string,
  operations: string[],
  extra: Partial<DefaultService> = {},
): { skill: DefaultSkill; service: DefaultService } => ({
  skill: {
    key,
    providerKey: key.split('.')[0] ?? key,
    label: name,
    description: `${name} through ${provider}'s own console.`,
    serviceTypes: [serviceType],
    operations,
    executionMode: 'external-handoff',
    integrationStatus: 'handoff-only',
  },
  service: {
    id: `${key.replace(/\./g, '-')}-handoff`,
    skillKey: key,
    providerKey: key.split('.')[0] ?? key,
    companyName: provider,
    serviceType,
    name,
    description: `${name}, completed by the operator at ${provider}.`,
    operations,
    executionMode: 'external-handoff',
    integrationStatus: 'handoff-only',
    region: 'global',
    capabilities: [],
    handoff: {
      label: `Continue at ${provider}`,
      url,
      notes: [`${provider} completes this step; the orchestrator records the hand-off.`],
    },
    pricing: { mode: 'provider-defined', notes: [] },
    authType: 'none',
    accessMode: 'public',
    distribution: 'docs-only',
    maturity: 'reference',
    kind: 'reference',
    freshnessSeconds: 86_400,
    requiresHumanEnablement: true,
    referenceUrl: url,
    ...extra,
  },
});

const handoffs = [
  handoff('pyth.price-feed', 'Pyth Network', 'oracle.price-feed', 'Price feed subscription', 'https://pyth.network', [
    'subscribe-price-feed',
    'read-price',
  ]),
  handoff(
    'akash.compute',
    'Akash Network',
    'compute.marketplace',
    'GPU lease',
    'https://akash.network',
    ['lease-compute', 'run-private-inference'],
    { pricing: { mode: 'quote-required', notes: ['Priced per lease by the provider.'] } },
  ),
  handoff(
    'storacha.object',
    'Storacha',
    'storage.object',
    'Object storage bucket',
    'https://storacha.network',
    ['put-object', 'get-object'],
    { pricing: { mode: 'fixed', amount: 5, currency: 'USD', rate: 'per month', notes: ['100 GB included.'] } },
  ),
  handoff('geodnet.location', 'GEODNET', 'data.location', 'RTK positioning corrections', 'https://geodnet.com', [
    'get-position-correction',
  ]),
  handoff(
    'humanity.proof',
    'Humanity Protocol',
    'identity.proof-of-person',
    'Proof of personhood',
    'https://www.humanity.org',
    ['verify-person'],
  ),
  handoff('peaq.device-console', 'peaq', 'device.control', 'Device control console', 'https://www.peaq.xyz', [
    'send-command',
  ]),
  handoff('peaq.commerce', 'peaq', 'machine.commerce', 'Machine commerce checkout', 'https://www.peaq.xyz', [
    'create-order',
    'settle-payment',
  ]),
  handoff('peaq.partner-console', 'peaq', 'network.partner-console', 'Partner console', 'https://www.peaq.xyz', [
    'open-console',
  ]),
];

export const DEFAULT_SKILLS: DefaultSkill[] = [
  {
    key: 'qvac',
    providerKey: 'qvac',
    label: 'QVAC private inference',
    description: 'Private LLM inference on the machine through a QVAC (OpenAI-compatible) runtime.',
    serviceTypes: ['compute.marketplace'],
    operations: ['run-private-inference'],
    executionMode: 'native',
    integrationStatus: 'integrated',
  },
  {
    key: 'edge.device-control',
    providerKey: 'edge-agent',
    label: 'Edge device control',
    description: "Commands to the machine's actuators through an on-machine runtime speaking POST /invoke.",
    serviceTypes: ['device.control'],
    operations: ['send-command', 'read-state'],
    executionMode: 'native',
    integrationStatus: 'integrated',
  },
  ...handoffs.map((h) => h.skill),
];

export const DEFAULT_SERVICES: DefaultService[] = [
  {
    id: 'qvac-private-inference',
    skillKey: 'qvac',
    providerKey: 'qvac',
    companyName: 'Tether',
    serviceType: 'compute.marketplace',
    name: 'QVAC private inference',
    description: "Runs chat completions on the machine's own QVAC runtime; data never leaves the machine.",
    operations: ['run-private-inference'],
    executionMode: 'native',
    integrationStatus: 'integrated',
    region: 'local',
    capabilities: ['llm', 'chat-completions', 'private'],
    handoff: null,
    pricing: { mode: 'fixed', amount: 0, currency: 'USD', rate: 'on-device', notes: ['Runs on the machine.'] },
    authType: 'local',
    accessMode: 'local',
    distribution: 'peaq-native',
    maturity: 'beta',
    kind: 'runtime',
    freshnessSeconds: 60,
    requiresHumanEnablement: false,
  },
  {
    id: 'edge-device-control',
    skillKey: 'edge.device-control',
    providerKey: 'edge-agent',
    companyName: 'Machine Markets',
    serviceType: 'device.control',
    name: 'Edge device control',
    description: 'Sends commands to the machine through its edge-agent runtime (generic /invoke protocol).',
    operations: ['send-command', 'read-state'],
    executionMode: 'native',
    integrationStatus: 'integrated',
    region: 'local',
    capabilities: ['actuation', 'telemetry'],
    handoff: null,
    pricing: { mode: 'fixed', amount: 0, currency: 'USD', rate: 'on-device', notes: [] },
    authType: 'local',
    accessMode: 'local',
    distribution: 'peaq-native',
    maturity: 'beta',
    kind: 'runtime',
    freshnessSeconds: 60,
    requiresHumanEnablement: false,
  },
  ...handoffs.map((h) => h.service),
];
