import { z } from 'zod';
import { LIMITS, checkChars, nonEmpty, str, text, zJsonObject, zKey, zStringList } from './common.ts';

export const SERVICE_TYPES = [
  'oracle.price-feed',
  'compute.marketplace',
  'storage.object',
  'data.location',
  'identity.proof-of-person',
  'device.control',
  'machine.commerce',
  'network.partner-console',
] as const;
export const zServiceType = z.enum(SERVICE_TYPES);
export type ServiceType = z.infer<typeof zServiceType>;

export const zExecutionMode = z.enum(['native', 'external-handoff']);
export type ExecutionMode = z.infer<typeof zExecutionMode>;

/** Ours (context B3): the published API names the type but not its values. */
export const zIntegrationStatus = z.enum(['integrated', 'handoff-only', 'planned']);
export type IntegrationStatus = z.infer<typeof zIntegrationStatus>;

const zHttpUrl = checkChars(
  z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(LIMITS.url, `must be at most ${LIMITS.url} characters`),
);

export const zExternalHandoff = z.object({
  label: nonEmpty(LIMITS.title),
  url: zHttpUrl,
  notes: z.array(text(LIMITS.text)).max(32),
});
export type ExternalHandoff = z.infer<typeof zExternalHandoff>;

export const zPricing = z.object({
  mode: z.enum(['provider-defined', 'fixed', 'quote-required']),
  amount: z.number().min(0).nullable().optional(),
  currency: str(16).nullable().optional(),
  rate: str(LIMITS.title).nullable().optional(),
  notes: z.array(text(LIMITS.text)).max(32).default([]),
});
export type Pricing = z.infer<typeof zPricing>;

export const zSkillView = z.object({
  key: z.string(),
  providerKey: z.string(),
  label: z.string(),
  description: z.string(),
  serviceTypes: z.array(zServiceType),
  operations: z.array(z.string()),
  executionMode: zExecutionMode,
  integrationStatus: zIntegrationStatus,
});
export type SkillView = z.infer<typeof zSkillView>;

export const zUpsertSkillRequest = z.object({
  providerKey: zKey,
  label: nonEmpty(LIMITS.title),
  description: text(LIMITS.text).default(''),
  serviceTypes: z.array(zServiceType).min(1).max(SERVICE_TYPES.length),
  operations: zStringList.default([]),
  executionMode: zExecutionMode,
  integrationStatus: zIntegrationStatus,
});
export type UpsertSkillRequest = z.infer<typeof zUpsertSkillRequest>;

export const zAuthTypeCatalog = z.enum(['none', 'bearer', 'api-key', 'wallet', 'local']);
export const zAccessMode = z.enum(['public', 'credentialed', 'partner-approved', 'whitelisted', 'local']);
export const zDistribution = z.enum(['peaq-native', 'clawhub', 'openapi', 'mcp', 'docs-only']);
export const zMaturity = z.enum(['reference', 'beta', 'production']);
export const zServiceKind = z.enum(['runtime', 'reference']);

/** `CatalogService` (context A4); the orchestration reference calls it `CanonicalService`. */
export const zCatalogServiceView = z.object({
  id: z.string(),
  skillKey: z.string(),
  providerKey: z.string(),
  companyName: z.string(),
  serviceType: zServiceType,
  name: z.string(),
  description: z.string(),
  operations: z.array(z.string()),
  executionMode: zExecutionMode,
  integrationStatus: zIntegrationStatus,
  region: z.string(),
  capabilities: z.array(z.string()),
  handoff: zExternalHandoff.nullable(),
  pricing: zPricing,
  metadata: z.record(z.string(), z.unknown()),
  providerId: z.string(),
  providerLabel: z.string(),
  authType: zAuthTypeCatalog,
  accessMode: zAccessMode,
  distribution: zDistribution,
  maturity: zMaturity,
  kind: zServiceKind,
  freshnessSeconds: z.number(),
  requiresHumanEnablement: z.boolean(),
  referenceUrl: z.string().optional(),
  artifactUrl: z.string().optional(),
});
export type CatalogServiceView = z.infer<typeof zCatalogServiceView>;

export const zUpsertServiceRequest = z.object({
  skillKey: zKey,
  providerKey: zKey,
  companyName: nonEmpty(LIMITS.title),
  serviceType: zServiceType,
  name: nonEmpty(LIMITS.title),
  description: text(LIMITS.text).default(''),
  operations: zStringList.default([]),
  executionMode: zExecutionMode,
  integrationStatus: zIntegrationStatus,
  region: nonEmpty(LIMITS.id).default('global'),
  capabilities: zStringList.default([]),
  handoff: zExternalHandoff.nullable().optional(),
  pricing: zPricing.default({ mode: 'provider-defined', notes: [] }),
  metadata: zJsonObject.optional(),
  providerId: zKey.optional(),
  providerLabel: nonEmpty(LIMITS.title).optional(),
  authType: zAuthTypeCatalog.default('none'),
  accessMode: zAccessMode.default('public'),
  distribution: zDistribution.default('docs-only'),
  maturity: zMaturity.default('reference'),
  kind: zServiceKind.default('reference'),
  freshnessSeconds: z.number().int().min(0).max(31_536_000).default(3600),
  requiresHumanEnablement: z.boolean().default(false),
  referenceUrl: zHttpUrl.optional(),
  artifactUrl: zHttpUrl.optional(),
});
export type UpsertServiceRequest = z.infer<typeof zUpsertServiceRequest>;

export const zServiceListQuery = z.object({
  serviceType: zServiceType.optional(),
  skillKey: zKey.optional(),
  executionMode: zExecutionMode.optional(),
});
export const zSkillKeyParams = z.object({ skillKey: zKey });
export const zServiceIdParams = z.object({ serviceId: zKey });
