/**
 * The HTTP implementation of core's `RuntimePort` (context B5, C4, C6). Calls go through one
 * keep-alive undici `Agent` per network scope, whose connector enforces that scope on every
 * connection it opens (safe-connect.ts); a call follows no redirect, is bounded with one timer,
 * and reads at most `maxResponseBytes` of decoded body. Rules and reasons: docs/trust.md
 * "Outbound calls".
 */
import type {
  NetworkPolicy,
  ProbeResult,
  RuntimeErrorCode,
  ProbeTarget,
  RuntimeCall,
  RuntimePort,
  RuntimeResult,
} from '@mm/core';
import type { EndpointAuthType, NetworkScope } from '@mm/contracts';
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import type { Phase } from './classify.ts';
import { classifyFailure } from './classify.ts';
import { authHeaders, buildRuntimeRequest } from './protocols.ts';
import { headerValue, readCapped, ResponseTooLargeError } from './read-body.ts';
import { scopedConnector, systemResolver } from './safe-connect.ts';
import type { Resolver } from './safe-connect.ts';

/** Drops an unread body: the connection closes (it is not reused) and the abort is not an error. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** How long an idle kept-alive connection to a runtime stays open (less when the runtime says so). */
const KEEP_ALIVE_MS = 4_000;

export interface HttpRuntimeOptions {
  policy: NetworkPolicy;
  /** Cap on a decoded answer (`MM_RUNTIME_MAX_RESPONSE_BYTES`). */
  maxResponseBytes?: number;
  /** Host name resolution; the system resolver when absent. */
  resolve?: Resolver;
}

interface Exchange {
  endpointBaseUrl: string;
  networkScope: NetworkScope;
  authType: EndpointAuthType;
  authToken: string | null;
  timeoutMs: number;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** Read the body (calls) or drop it after the status (probes). */
  readBody: boolean;
}

type Answer =
  | { ok: true; status: number; body: Buffer | null }
  | { ok: false; code: RuntimeErrorCode; message: string; httpStatus: number | null };

export function createHttpRuntime(options: HttpRuntimeOptions): RuntimePort {
  const cap = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const resolve = options.resolve ?? systemResolver;
  /**
   * One agent per (scope, connect timeout): a handful at most. Every connection an agent opens is
   * opened by the scoped connector, which checks the addresses it connects to against that scope
   * and the policy, so a kept-alive connection only ever leads to an address that passed the check
   * for the scope of the call that reuses it (docs/trust.md "Outbound calls").
   */
  const agents = new Map<string, Agent>();
  const agentFor = (scope: NetworkScope, timeoutMs: number): Agent => {
    const key = `${scope}/${timeoutMs}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = new Agent({
        connect: scopedConnector({ scope, policy: options.policy, timeoutMs, resolve }),
        keepAliveTimeout: KEEP_ALIVE_MS,
        keepAliveMaxTimeout: KEEP_ALIVE_MS,
      });
      agents.set(key, agent);
    }
    return agent;
  };

  async function exchange(x: Exchange): Promise<Answer> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, x.timeoutMs);
    const origin = new URL(x.endpointBaseUrl).origin;
    let phase: Phase = 'request';
    try {
      const res = await agentFor(x.networkScope, x.timeoutMs).request({
        origin,
        headersTimeout: x.timeoutMs,
        bodyTimeout: x.timeoutMs,
        method: x.method,
        path: x.path,
        headers: {
          accept: 'application/json',
          // We never ask for compression; a runtime that compresses anyway is decoded under the cap.
          'accept-encoding': 'identity',
          'user-agent': 'machine-markets-orchestrator',
          ...(x.body !== undefined && { 'content-type': 'application/json' }),
          ...authHeaders(x.authType, x.authToken),
        },
        ...(x.body !== undefined && { body: x.body }),
        signal: controller.signal,
      });
      phase = 'body';
      const status = res.statusCode;
      if (status >= 300 && status < 400) {
        discard(res.body);
        return {
          ok: false,
          code: 'RUNTIME_ERROR',
          message: `runtime answered a redirect (HTTP ${status}); redirects are not followed`,
          httpStatus: status,
        };
      }
      if (status < 200 || status >= 300 || !x.readBody) {
        discard(res.body);
        return status >= 200 && status < 300
          ? { ok: true, status, body: null }
          : { ok: false, code: 'RUNTIME_ERROR', message: `runtime answered HTTP ${status}`, httpStatus: status };
      }
      const encoding = headerValue(res.headers['content-encoding']);
      const announced = Number(headerValue(res.headers['content-length']) || NaN);
      if (!encoding && announced > cap) {
        discard(res.body);
        throw new ResponseTooLargeError(cap);
      }
      const body = await readCapped(res.body, encoding, cap);
      return { ok: true, status, body };
    } catch (err) {
      return { ok: false, ...classifyFailure(err, phase, x.timeoutMs, timedOut), httpStatus: null };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async invoke(call: RuntimeCall): Promise<RuntimeResult> {
      const req = buildRuntimeRequest(call);
      const answer = await exchange({
        ...call,
        method: 'POST',
        path: req.path,
        body: JSON.stringify(req.body),
        readBody: true,
      });
      if (!answer.ok) return answer;
      try {
        return {
          ok: true,
          result: JSON.parse((answer.body ?? Buffer.alloc(0)).toString('utf8')) as unknown,
          httpStatus: answer.status,
        };
      } catch {
        return {
          ok: false,
          code: 'RUNTIME_ERROR',
          message: 'runtime answered a body that is not JSON',
          httpStatus: answer.status,
        };
      }
    },

    async probe(target: ProbeTarget): Promise<ProbeResult> {
      const started = Date.now();
      const answer = await exchange({ ...target, method: 'GET', path: target.probePath, readBody: false });
      const durationMs = Date.now() - started;
      return answer.ok
        ? { healthy: true, httpStatus: answer.status, durationMs }
        : { healthy: false, code: answer.code, message: answer.message, httpStatus: answer.httpStatus, durationMs };
    },

    async close(): Promise<void> {
      const open = [...agents.values()];
      agents.clear();
      await Promise.all(open.map((a) => a.close().catch(() => undefined)));
    },
  };
}
