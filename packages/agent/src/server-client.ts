/**
 * The agent's REST client: enrolment and heartbeat, nothing else. Every answer is validated with
 * the contracts' zod schemas, and every failure is sorted into "retry later" or "give up", which is
 * the only decision the loop needs. The agent token travels in `Authorization: Bearer`, never in a
 * body or a URL, so no proxy log or error message can echo it.
 */
import { zEnrolledMachineAgentView, zHeartbeatResponse } from '@mm/contracts';
import type {
  EnrolledMachineAgentView,
  EnrollMachineAgentRequest,
  HeartbeatRequest,
  HeartbeatResponse,
} from '@mm/contracts';
import { z } from 'zod';
import type { FetchLike } from './probe.ts';
import { classifyFetchError } from './probe.ts';

export type HeartbeatResult =
  | { kind: 'ok'; response: HeartbeatResponse }
  | { kind: 'retry'; reason: string; httpStatus?: number; code?: string; retryAfterMs?: number }
  | { kind: 'fatal'; reason: string; httpStatus: number; code?: string; revoked: boolean };

const zErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

async function readError(res: Response): Promise<{ code?: string; message?: string }> {
  try {
    const parsed = zErrorBody.safeParse(await res.json());
    return parsed.success ? parsed.data.error : {};
  } catch {
    return {};
  }
}

function retryAfterMs(res: Response): number | undefined {
  const raw = res.headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Retry: network errors, timeouts, 5xx, 429 (rate limited) and 409 (the machine is not `active` right
 * now; an operator may bring it back). Give up: 401 (wrong token), 403 (revoked, not allowed), 404
 * (unknown agent or machine), 400 and any other 4xx: asking again would get the same answer.
 */
export function classifyHttp(status: number): 'retry' | 'fatal' {
  if (status >= 500 || status === 429 || status === 409 || status === 408) return 'retry';
  return 'fatal';
}

export class ServerError extends Error {
  override name = 'ServerError';
  constructor(
    message: string,
    readonly httpStatus?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ServerClientOptions {
  server: string;
  requestTimeoutMs: number;
  fetch?: FetchLike;
  /** `x-api-key` for deployments with PEAQOS_REQUIRE_API_AUTH (enrolment only; heartbeats use the agent token). */
  apiKey?: string | undefined;
}

export function createServerClient(opts: ServerClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.server.replace(/\/+$/, '');
  const signalFor = (signal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(opts.requestTimeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  };

  return {
    async heartbeat(req: HeartbeatRequest, agentToken: string, signal?: AbortSignal): Promise<HeartbeatResult> {
      let res: Response;
      try {
        res = await doFetch(`${base}/api/v1/machine-agents/heartbeat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
          body: JSON.stringify(req),
          redirect: 'manual',
          signal: signalFor(signal),
        });
      } catch (err) {
        if (signal?.aborted) throw err;
        return { kind: 'retry', reason: `server ${classifyFetchError(err).detail}` };
      }
      if (res.ok) {
        let body: unknown;
        try {
          body = await res.json();
        } catch (err) {
          if (signal?.aborted) throw err;
          return { kind: 'retry', reason: 'server answered a body that is not JSON', httpStatus: res.status };
        }
        const parsed = zHeartbeatResponse.safeParse(body);
        if (!parsed.success) {
          return { kind: 'retry', reason: 'server answered an unexpected heartbeat body', httpStatus: res.status };
        }
        return { kind: 'ok', response: parsed.data };
      }
      const { code, message } = await readError(res);
      const reason = `server answered HTTP ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
      if (classifyHttp(res.status) === 'retry') {
        const after = retryAfterMs(res);
        return {
          kind: 'retry',
          reason,
          httpStatus: res.status,
          ...(code && { code }),
          ...(after !== undefined && { retryAfterMs: after }),
        };
      }
      return {
        kind: 'fatal',
        reason,
        httpStatus: res.status,
        ...(code && { code }),
        revoked: code === 'AGENT_PAIRING_INACTIVE',
      };
    },

    async enroll(
      machineId: string,
      req: EnrollMachineAgentRequest,
      signal?: AbortSignal,
    ): Promise<EnrolledMachineAgentView> {
      let res: Response;
      try {
        res = await doFetch(`${base}/api/v1/machines/${encodeURIComponent(machineId)}/agents/enrollment`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(opts.apiKey && { 'x-api-key': opts.apiKey }) },
          body: JSON.stringify(req),
          redirect: 'manual',
          signal: signalFor(signal),
        });
      } catch (err) {
        throw new ServerError(`cannot reach ${base}: ${classifyFetchError(err).detail}`);
      }
      if (res.status !== 201) {
        const { code, message } = await readError(res);
        throw new ServerError(
          `enrolment refused: HTTP ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`,
          res.status,
          code,
        );
      }
      const parsed = z.object({ item: zEnrolledMachineAgentView }).safeParse(await res.json().catch(() => null));
      if (!parsed.success) throw new ServerError('the server answered an unexpected enrolment body', res.status);
      return parsed.data.item;
    },
  };
}
export type ServerClient = ReturnType<typeof createServerClient>;
