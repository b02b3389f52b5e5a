/**
 * Probes a local runtime the way the server does (context C6): `GET endpointBaseUrl + probePath`
 * with a short timeout; a 2xx answer is healthy. Redirects are not followed (a 3xx is unhealthy).
 */
import type { EndpointStatus } from '@mm/contracts';

export type ProbeFailure = 'refused' | 'timeout' | 'http' | 'network';

export type ProbeResult =
  { ok: true; httpStatus: number; ms: number } | { ok: false; failure: ProbeFailure; detail: string; ms: number };

export interface ProbeTarget {
  endpointBaseUrl: string;
  probePath: string;
  authType?: 'none' | 'api-key' | 'bearer' | undefined;
  authToken?: string | undefined;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export function probeUrl(target: ProbeTarget): string {
  return new URL(target.probePath, target.endpointBaseUrl.replace(/\/+$/, '') + '/').toString();
}

function authHeaders(target: ProbeTarget): Record<string, string> {
  if (!target.authToken) return {};
  return target.authType === 'api-key'
    ? { 'x-api-key': target.authToken }
    : { authorization: `Bearer ${target.authToken}` };
}

/** The error classes of undici's `fetch failed`, in words (no low-level names in the log). */
export function classifyFetchError(err: unknown): { failure: ProbeFailure; detail: string } {
  const e = err as { name?: string; cause?: { code?: string; name?: string } };
  if (
    e.name === 'TimeoutError' ||
    e.cause?.name === 'ConnectTimeoutError' ||
    e.cause?.code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return { failure: 'timeout', detail: 'timed out' };
  }
  if (e.cause?.code === 'ECONNREFUSED') return { failure: 'refused', detail: 'connection refused' };
  if (e.cause?.code === 'ENOTFOUND' || e.cause?.code === 'EAI_AGAIN')
    return { failure: 'network', detail: 'host not found' };
  if (e.cause?.code === 'ECONNRESET' || e.cause?.code === 'UND_ERR_SOCKET') {
    return { failure: 'network', detail: 'connection reset' };
  }
  return { failure: 'network', detail: 'network error' };
}

export async function probeEndpoint(
  target: ProbeTarget,
  opts: { timeoutMs: number; signal?: AbortSignal; fetch?: FetchLike; now?: () => number },
): Promise<ProbeResult> {
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetch ?? fetch;
  const started = now();
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const res = await doFetch(probeUrl(target), {
      method: 'GET',
      headers: authHeaders(target),
      redirect: 'manual',
      signal,
    });
    await res.body?.cancel();
    const ms = now() - started;
    if (res.status >= 200 && res.status < 300) return { ok: true, httpStatus: res.status, ms };
    return { ok: false, failure: 'http', detail: `answered HTTP ${res.status}`, ms };
  } catch (err) {
    if (opts.signal?.aborted) throw err; // the agent is stopping; not a verdict on the runtime
    return { ok: false, ...classifyFetchError(err), ms: now() - started };
  }
}

/**
 * The status the agent reports for an endpoint, with the server's hysteresis (context C6): a
 * success is `active`; a failure is `degraded` until `failuresToUnreachable` in a row make it
 * `unreachable`. A refused connection is `unreachable` at once: nothing listens, so there is no
 * doubt to give the benefit of.
 */
export function nextEndpointStatus(
  consecutiveFailures: number,
  result: ProbeResult,
  failuresToUnreachable: number,
): { status: EndpointStatus; consecutiveFailures: number } {
  if (result.ok) return { status: 'active', consecutiveFailures: 0 };
  const failures = consecutiveFailures + 1;
  if (result.failure === 'refused' || failures >= failuresToUnreachable) {
    return { status: 'unreachable', consecutiveFailures: failures };
  }
  return { status: 'degraded', consecutiveFailures: failures };
}
