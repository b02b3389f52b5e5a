import { z } from 'zod';
import { checkChars, LIMITS, nonEmpty, str, zDateTime, zId, zKey, zTimestamp } from './common.ts';

export const zEndpointAuthType = z.enum(['none', 'api-key', 'bearer']);
export const zNetworkScope = z.enum(['loopback', 'lan', 'vpn', 'public']);
export const zEndpointStatus = z.enum(['active', 'degraded', 'unreachable']);
export type EndpointStatus = z.infer<typeof zEndpointStatus>;
export type NetworkScope = z.infer<typeof zNetworkScope>;
export type EndpointAuthType = z.infer<typeof zEndpointAuthType>;

/** An http(s) URL; the server keeps scheme + host + port (context B9). */
export const zEndpointBaseUrl = checkChars(z.string().max(LIMITS.url, `must be at most ${LIMITS.url} characters`))
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL')
  // The refinement is invisible to JSON Schema; the document states the scheme rule as a pattern.
  .meta({ pattern: '^https?://', format: 'uri' });

/** A path for the health probe, starting with `/`. */
export const zProbePath = str(LIMITS.url).regex(/^\/[^\s?#]*$/, 'must be a path starting with /');

/**
 * A runtime credential. Control characters (C0, DEL) would let a token split or inject header
 * lines when it is sent, so they are refused at write (context C4, docs/trust.md "Credentials").
 * The message never repeats the value.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
export const zAuthToken = checkChars(
  z
    .string()
    .min(1, 'must not be empty')
    .max(LIMITS.url, `must be at most ${LIMITS.url} characters`)
    .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters (CR, LF, NUL, tab or other C0/DEL)'),
  'line',
);

const endpointFields = {
  endpointBaseUrl: zEndpointBaseUrl,
  label: nonEmpty(LIMITS.title).optional(),
  authType: zEndpointAuthType.optional(),
  authToken: zAuthToken.optional(),
  modelAlias: nonEmpty(LIMITS.title).optional(),
  networkScope: zNetworkScope.optional(),
  probePath: zProbePath.optional(),
  status: zEndpointStatus.optional(),
};

export const zUpsertRuntimeEndpointRequest = z.object({
  ...endpointFields,
  leaseExpiresAt: zDateTime.optional(),
});
export type UpsertRuntimeEndpointRequest = z.infer<typeof zUpsertRuntimeEndpointRequest>;

export const zHeartbeatEndpoint = z.object({ providerKey: zKey, ...endpointFields });
export type HeartbeatEndpoint = z.infer<typeof zHeartbeatEndpoint>;

export const zRuntimeEndpointView = z.object({
  id: z.string(),
  machineId: z.string(),
  providerKey: z.string(),
  source: z.enum(['manual', 'agent']),
  agentId: z.string().nullable(),
  label: z.string(),
  endpointBaseUrl: z.string(),
  authType: zEndpointAuthType,
  hasAuthToken: z.boolean(),
  modelAlias: z.string().nullable(),
  networkScope: zNetworkScope,
  probePath: z.string(),
  status: zEndpointStatus,
  leaseExpiresAt: zTimestamp.nullable(),
  lastCheckedAt: zTimestamp.nullable(),
  lastHealthyAt: zTimestamp.nullable(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type RuntimeEndpointView = z.infer<typeof zRuntimeEndpointView>;

export const zRuntimeEndpointParams = z.object({ machineId: zId, providerKey: zKey });
