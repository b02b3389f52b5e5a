/**
 * The agent's loop: probe every local endpoint, heartbeat their statuses, sleep for the interval
 * the server asks for (`nextHeartbeatInSeconds`), repeat. A server that cannot be reached (network,
 * 5xx) is retried with exponential backoff and full jitter; a server that refuses the agent (401,
 * 403, 404, 400) ends the loop with a non-zero exit code, because asking again changes nothing.
 * Clock, sleep, randomness, probe and HTTP are injected so all of it is tested without time passing.
 */
import type { EndpointStatus, HeartbeatRequest } from '@mm/contracts';
import { backoffDelay } from './backoff.ts';
import type { AgentConfig, ResolvedEndpoint } from './config.ts';
import type { Logger } from './log.ts';
import type { ProbeResult } from './probe.ts';
import { nextEndpointStatus } from './probe.ts';
import type { HeartbeatResult } from './server-client.ts';

export const EXIT = {
  /** Stopped by SIGTERM/SIGINT. */
  stopped: 0,
  /** Bad command line, configuration or token file. */
  config: 2,
  /** The server refused the agent (wrong token, unknown agent or machine, invalid heartbeat). */
  rejected: 3,
  /** The agent was revoked: final, enrol a new one. */
  revoked: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface LoopDeps {
  now(): number;
  /** Resolves after `ms`, rejects (or resolves early) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  random(): number;
  probe(endpoint: ResolvedEndpoint, signal: AbortSignal): Promise<ProbeResult>;
  heartbeat(req: HeartbeatRequest, signal: AbortSignal): Promise<HeartbeatResult>;
  log: Logger;
}

interface EndpointState {
  status: EndpointStatus | null;
  consecutiveFailures: number;
}

async function probeAll(
  config: AgentConfig,
  deps: LoopDeps,
  states: Map<string, EndpointState>,
  signal: AbortSignal,
): Promise<Array<ResolvedEndpoint & { status: EndpointStatus }>> {
  const results = await Promise.all(config.endpoints.map((e) => deps.probe(e, signal)));
  return config.endpoints.map((endpoint, i) => {
    const result = results[i]!;
    const state = states.get(endpoint.providerKey) ?? { status: null, consecutiveFailures: 0 };
    const next = nextEndpointStatus(state.consecutiveFailures, result, config.timing.failuresToUnreachable);
    if (next.status !== state.status) {
      deps.log.log(next.status === 'active' ? 'info' : 'warn', 'endpoint-status', {
        providerKey: endpoint.providerKey,
        from: state.status,
        to: next.status,
        reason: result.ok ? `probe answered HTTP ${result.httpStatus}` : `probe ${result.detail}`,
      });
    }
    states.set(endpoint.providerKey, next);
    return { ...endpoint, status: next.status };
  });
}

function heartbeatRequest(
  config: AgentConfig,
  endpoints: Array<ResolvedEndpoint & { status: EndpointStatus }>,
): HeartbeatRequest {
  return {
    machineId: config.machineId,
    agentId: config.agentId,
    ...(config.leaseSeconds !== undefined && { leaseSeconds: config.leaseSeconds }),
    endpoints: endpoints.map((e) => ({
      providerKey: e.providerKey,
      endpointBaseUrl: e.endpointBaseUrl,
      probePath: e.probePath,
      status: e.status,
      ...(e.label !== undefined && { label: e.label }),
      ...(e.modelAlias !== undefined && { modelAlias: e.modelAlias }),
      ...(e.networkScope !== undefined && { networkScope: e.networkScope }),
      ...(e.authType !== undefined && { authType: e.authType }),
      ...(e.authToken !== undefined && { authToken: e.authToken }),
    })),
  };
}

/** Runs until `signal` aborts (→ 0) or the server refuses the agent (→ 3 or 4). */
export async function runLoop(config: AgentConfig, deps: LoopDeps, signal: AbortSignal): Promise<ExitCode> {
  const { log } = deps;
  const states = new Map<string, EndpointState>();
  let failures = 0;
  let downSince: number | null = null;
  log.log('info', 'start', {
    agentId: config.agentId,
    machineId: config.machineId,
    server: config.server,
    endpoints: config.endpoints.map((e) => e.providerKey),
  });
  for (const warning of config.warnings) log.log('warn', 'config-warning', { message: warning });
  try {
    while (!signal.aborted) {
      const endpoints = await probeAll(config, deps, states, signal);
      const result = await deps.heartbeat(heartbeatRequest(config, endpoints), signal);
      let delayMs: number;
      switch (result.kind) {
        case 'ok': {
          if (downSince !== null) {
            log.log('info', 'recovered', { attempts: failures, downMs: deps.now() - downSince });
          }
          failures = 0;
          downSince = null;
          const next = result.response.nextHeartbeatInSeconds;
          delayMs = Math.round(next * 1000 * config.timing.intervalScale);
          log.log('info', 'heartbeat', {
            agentStatus: result.response.item.status,
            endpoints: result.response.endpoints.length,
            statuses: Object.fromEntries(result.response.endpoints.map((e) => [e.providerKey, e.status])),
            next,
            sleepMs: delayMs,
          });
          break;
        }
        case 'retry': {
          failures += 1;
          downSince ??= deps.now();
          const jitter = backoffDelay(
            failures,
            { baseMs: config.timing.backoffBaseMs, capMs: config.timing.backoffCapMs },
            () => deps.random(),
          );
          delayMs = Math.max(jitter, Math.min(result.retryAfterMs ?? 0, config.timing.backoffCapMs));
          log.log('warn', 'retry', {
            attempt: failures,
            delayMs,
            reason: result.reason,
            ...(result.httpStatus !== undefined && { httpStatus: result.httpStatus }),
          });
          break;
        }
        case 'fatal': {
          log.log('error', result.revoked ? 'revoked' : 'rejected', {
            httpStatus: result.httpStatus,
            code: result.code ?? null,
            reason: result.reason,
            hint: result.revoked
              ? 'this agent was revoked; enrol a new one'
              : 'check the token file, machine id and configuration',
          });
          return result.revoked ? EXIT.revoked : EXIT.rejected;
        }
      }
      await deps.sleep(delayMs, signal);
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
  log.log('info', 'stopped', {});
  return EXIT.stopped;
}
