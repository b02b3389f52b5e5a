/**
 * The HTTP implementation of core's `RuntimePort` (context B5, C4, C6). Every call gets its own
 * undici `Client` whose connector enforces the endpoint's network scope (safe-connect.ts), follows
 * no redirect, bounds the whole attempt with one timer, and reads at most `maxResponseBytes` of
 * decoded body. Rules and reasons: docs/trust.md "Outbound calls".
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
import { Client } from 'undici';
import type { Phase } from './classify.ts';
import { classifyFailure } from './classify.ts';
import { authHeaders, buildRuntimeRequest } from './protocols.ts';
import { headerValue, readCapped, ResponseTooLargeError } from './read-body.ts';
import { scopedConnector, systemResolver } from './safe-connect.ts';
import type { Resolver } from './safe-connect.ts';

/** Drops an unread body: the connection closes (it is never reused) and the abort is not an error. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

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

  async function exchange(x: Exchange): Promise<Answer> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, x.timeoutMs);
    const origin = new URL(x.endpointBaseUrl).origin;
    const client = new Client(origin, {
      connect: scopedConnector({ scope: x.networkScope, policy: options.policy, timeoutMs: x.timeoutMs, resolve }),
      headersTimeout: x.timeoutMs,
      bodyTimeout: x.timeoutMs,
      pipelining: 0,
    });
    let phase: Phase = 'request';
    try {
      const res = await client.request({
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
      client.destroy().catch(() => undefined);
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
  };
}
