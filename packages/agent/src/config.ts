/**
 * The agent's configuration file (YAML or JSON), parsed once with zod. A bad file stops the agent
 * with one line per bad field, named by its path (`endpoints.0.endpointBaseUrl: must be an http(s) URL`).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { LEASE_SECONDS, zEndpointAuthType, zEndpointBaseUrl, zNetworkScope, zProbePath } from '@mm/contracts';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { readTokenFile } from './token-file.ts';

const zEnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

export const zAgentEndpointConfig = z.object({
  providerKey: z
    .string()
    .min(1)
    .max(128)
    .transform((k) => k.toLowerCase()),
  endpointBaseUrl: zEndpointBaseUrl,
  /** Default: `/v1/models` for qvac, `/health` otherwise (the server's defaults). */
  probePath: zProbePath.optional(),
  label: z.string().min(1).max(256).optional(),
  modelAlias: z.string().min(1).max(256).optional(),
  networkScope: zNetworkScope.optional(),
  authType: zEndpointAuthType.optional(),
  /** Name of the environment variable holding the runtime's token; never the token itself. */
  authTokenEnv: zEnvName.optional(),
});
export type AgentEndpointConfig = z.infer<typeof zAgentEndpointConfig>;

/**
 * Timing knobs. The defaults suit production; tests and the demo shorten them. `intervalScale`
 * multiplies the server's `nextHeartbeatInSeconds` (tests only: 0.1 turns a 10 s hint into 1 s).
 */
export const zAgentTiming = z.object({
  intervalScale: z.number().positive().max(1).default(1),
  backoffBaseMs: z.number().int().min(1).default(1_000),
  backoffCapMs: z.number().int().min(1).default(30_000),
  probeTimeoutMs: z.number().int().min(50).default(2_000),
  requestTimeoutMs: z.number().int().min(100).default(10_000),
  /** Consecutive failed probes (answers that are not 2xx, timeouts) before `unreachable`. */
  failuresToUnreachable: z.number().int().min(1).default(3),
});
export type AgentTiming = z.infer<typeof zAgentTiming>;

export const zAgentConfigFile = z.object({
  server: zEndpointBaseUrl.optional(),
  machineId: z.string().min(1).max(128).optional(),
  /** Relative paths are resolved against the configuration file's folder. */
  tokenFile: z.string().min(1).optional(),
  leaseSeconds: z.number().int().min(LEASE_SECONDS.min).max(LEASE_SECONDS.max).optional(),
  endpoints: z.array(zAgentEndpointConfig).max(64).default([]),
  timing: zAgentTiming.prefault({}),
});
export type AgentConfigFile = z.infer<typeof zAgentConfigFile>;

export interface ResolvedEndpoint extends Omit<AgentEndpointConfig, 'authTokenEnv'> {
  probePath: string;
  authToken?: string;
}

/** Everything the loop needs, with the credentials resolved. */
export interface AgentConfig {
  server: string;
  machineId: string;
  agentId: string;
  agentToken: string;
  leaseSeconds?: number;
  endpoints: ResolvedEndpoint[];
  timing: AgentTiming;
  /** Things worth a warning line at start (a token file readable by others). */
  warnings: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
}

export function defaultProbePath(providerKey: string): string {
  return providerKey === 'qvac' ? '/v1/models' : '/health';
}

/** Parses the text of a configuration file; `.json` files as JSON, anything else as YAML (a superset). */
export function parseConfigText(text: string, fileName: string): AgentConfigFile {
  let raw: unknown;
  try {
    raw = fileName.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(
      `${fileName}: not valid ${fileName.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    );
  }
  const result = zAgentConfigFile.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(`${fileName}: invalid configuration\n${formatIssues(result.error)}`);
  return result.data;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * Combines the file, the token file and the environment. The token comes from `MM_AGENT_TOKEN` +
 * `MM_AGENT_ID` when both are set, else from the token file; server and machine id from the
 * configuration, else from the token file.
 */
export async function resolveConfig(
  file: AgentConfigFile,
  configPath: string,
  env: Record<string, string | undefined>,
): Promise<AgentConfig> {
  const envToken = env.MM_AGENT_TOKEN?.trim();
  const envAgentId = env.MM_AGENT_ID?.trim();
  let token: { agentId: string; agentToken: string; machineId?: string; server?: string; warnings?: string[] };
  if (envToken && envAgentId) {
    token = { agentId: envAgentId, agentToken: envToken };
  } else if (envToken || envAgentId) {
    throw new ConfigError('set both MM_AGENT_TOKEN and MM_AGENT_ID, or neither (and name a tokenFile)');
  } else if (file.tokenFile) {
    token = await readTokenFile(path.resolve(path.dirname(configPath), file.tokenFile));
  } else {
    throw new ConfigError(`${configPath}: tokenFile: required unless MM_AGENT_TOKEN and MM_AGENT_ID are set`);
  }
  const server = file.server ?? token.server;
  const machineId = file.machineId ?? token.machineId;
  if (!server) throw new ConfigError(`${configPath}: server: required (not in the token file either)`);
  if (!machineId) throw new ConfigError(`${configPath}: machineId: required (not in the token file either)`);
  if (token.machineId && token.machineId !== machineId) {
    throw new ConfigError(`${configPath}: machineId: ${machineId} differs from the token file's ${token.machineId}`);
  }
  const endpoints = file.endpoints.map((e, i): ResolvedEndpoint => {
    const { authTokenEnv, ...rest } = e;
    const resolved: ResolvedEndpoint = { ...rest, probePath: e.probePath ?? defaultProbePath(e.providerKey) };
    if (authTokenEnv) {
      const value = env[authTokenEnv];
      if (!value) throw new ConfigError(`${configPath}: endpoints.${i}.authTokenEnv: ${authTokenEnv} is not set`);
      resolved.authToken = value;
      resolved.authType = e.authType ?? 'bearer';
    }
    return resolved;
  });
  const keys = endpoints.map((e) => e.providerKey);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new ConfigError(`${configPath}: endpoints: providerKey ${dup} appears more than once`);
  return {
    server: trimSlash(server),
    machineId,
    agentId: token.agentId,
    agentToken: token.agentToken,
    ...(file.leaseSeconds !== undefined && { leaseSeconds: file.leaseSeconds }),
    endpoints,
    timing: file.timing,
    warnings: token.warnings ?? [],
  };
}

export async function loadConfig(configPath: string, env: Record<string, string | undefined>): Promise<AgentConfig> {
  let text: string;
  try {
    text = await fs.readFile(configPath, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${configPath}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return resolveConfig(parseConfigText(text, configPath), configPath, env);
}
