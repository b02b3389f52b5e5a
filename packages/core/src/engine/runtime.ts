/**
 * Calling a machine-side runtime (context B5). One adapter per provider protocol:
 * - `qvac`: OpenAI-compatible `POST {base}/v1/chat/completions`;
 * - every other provider: the generic `POST {base}/invoke` protocol (README, "Runtime protocol").
 * Failures are classified into RUNTIME_ERROR (non-2xx or garbage), RUNTIME_UNREACHABLE (no
 * connection) and RUNTIME_TIMEOUT (no answer within the per-attempt timeout).
 */
import type { EndpointAuthType } from '@mm/contracts';

export type RuntimeErrorCode = 'RUNTIME_ERROR' | 'RUNTIME_UNREACHABLE' | 'RUNTIME_TIMEOUT';

export class RuntimeCallError extends Error {
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
    this.name = 'RuntimeCallError';
  }
}

export interface RuntimeCall {
  providerKey: string;
  endpointBaseUrl: string;
  authType: EndpointAuthType;
  /** The decrypted credential; never logged, never stored on a run. */
  authToken: string | null;
  modelAlias: string | null;
  taskId: string;
  skillKey: string;
  serviceId: string;
  operation: string | null;
  input: Record<string, unknown>;
  timeoutMs: number;
}

export interface RuntimeResponse {
  result: unknown;
  httpStatus: number;
}

/** The port the task engine calls; tests may pass another implementation. */
export interface RuntimeInvoker {
  invoke(call: RuntimeCall): Promise<RuntimeResponse>;
}

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface HttpRequest {
  url: string;
  body: Record<string, unknown>;
}

/** The request each protocol sends. */
export function buildRuntimeRequest(call: RuntimeCall): HttpRequest {
  if (call.providerKey === 'qvac') {
    const { model, messages, ...rest } = call.input;
    return {
      url: `${call.endpointBaseUrl}/v1/chat/completions`,
      body: {
        ...rest,
        model: call.modelAlias ?? model,
        messages,
        stream: false,
      },
    };
  }
  return {
    url: `${call.endpointBaseUrl}/invoke`,
    body: {
      taskId: call.taskId,
      skillKey: call.skillKey,
      serviceId: call.serviceId,
      operation: call.operation,
      input: call.input,
    },
  };
}

export function authHeaders(authType: EndpointAuthType, token: string | null): Record<string, string> {
  if (!token) return {};
  if (authType === 'bearer') return { authorization: `Bearer ${token}` };
  if (authType === 'api-key') return { 'x-api-key': token };
  return {};
}

function classifyFetchError(err: unknown, timedOut: boolean, timeoutMs: number): RuntimeCallError {
  if (timedOut) return new RuntimeCallError('RUNTIME_TIMEOUT', `runtime did not answer within ${timeoutMs} ms`);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : 'connection failed');
  return new RuntimeCallError('RUNTIME_UNREACHABLE', `runtime is unreachable (${detail})`);
}

/** The production invoker: `fetch` with a per-attempt timeout that covers headers and body. */
export function createHttpRuntime(fetchImpl: typeof fetch = fetch): RuntimeInvoker {
  return {
    async invoke(call) {
      const req = buildRuntimeRequest(call);
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, call.timeoutMs);
      try {
        let res: Response;
        try {
          res = await fetchImpl(req.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/json',
              ...authHeaders(call.authType, call.authToken),
            },
            body: JSON.stringify(req.body),
            signal: controller.signal,
            redirect: 'error',
          });
        } catch (err) {
          throw classifyFetchError(err, timedOut, call.timeoutMs);
        }
        let text: string;
        try {
          text = await res.text();
        } catch (err) {
          throw classifyFetchError(err, timedOut, call.timeoutMs);
        }
        if (text.length > MAX_RESPONSE_BYTES) {
          throw new RuntimeCallError('RUNTIME_ERROR', 'runtime answered more than 4 MiB', res.status);
        }
        if (!res.ok) {
          throw new RuntimeCallError('RUNTIME_ERROR', `runtime answered HTTP ${res.status}`, res.status);
        }
        try {
          return {
            result: JSON.parse(text) as unknown,
            httpStatus: res.status,
          };
        } catch {
          throw new RuntimeCallError('RUNTIME_ERROR', 'runtime answered a body that is not JSON', res.status);
        }
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
