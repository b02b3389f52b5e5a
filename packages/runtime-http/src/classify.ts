/**
 * Turning a failed outbound call into a code and words (context C4, docs/trust.md "Outbound
 * calls"). The words classify the failure; they never carry a low-level error name (ECONNREFUSED,
 * HPE_*, UND_ERR_*), an error's own text, or an address other than the endpoint's own URL.
 */
import type { RuntimeErrorCode } from '@mm/core';
import { AddressRefusedError } from './safe-connect.ts';
import { ResponseTooLargeError, UnsupportedEncodingError } from './read-body.ts';

export interface Classified {
  code: RuntimeErrorCode;
  message: string;
}

/** Where the call was when it failed: before the status line, or while reading the body. */
export type Phase = 'request' | 'body';

function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur; i++) {
    out.push(cur);
    if (cur instanceof AggregateError) out.push(...(cur.errors as unknown[]));
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

const codeOf = (e: unknown) => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

const TLS = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|HOSTNAME_MISMATCH|ERR_OSSL_)/;

export function classifyFailure(err: unknown, phase: Phase, timeoutMs: number, timedOut: boolean): Classified {
  if (timedOut) return { code: 'RUNTIME_TIMEOUT', message: `runtime did not answer within ${timeoutMs} ms` };
  const errors = chain(err);
  for (const e of errors) {
    if (e instanceof AddressRefusedError) return { code: 'RUNTIME_UNREACHABLE', message: `not called: ${e.reason}` };
    if (e instanceof ResponseTooLargeError) {
      return { code: 'RUNTIME_ERROR', message: `runtime answered more than ${e.cap} bytes (response too large)` };
    }
    if (e instanceof UnsupportedEncodingError) {
      return { code: 'RUNTIME_ERROR', message: 'runtime answered with a content encoding that is not supported' };
    }
  }
  const codes = errors.map(codeOf);
  const has = (...wanted: string[]) => codes.some((c) => wanted.includes(c));
  if (has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT')) {
    return { code: 'RUNTIME_TIMEOUT', message: `runtime did not answer within ${timeoutMs} ms (timed out)` };
  }
  if (has('ECONNREFUSED'))
    return { code: 'RUNTIME_UNREACHABLE', message: 'runtime is unreachable (connection refused)' };
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_FAIL', 'EAI_NONAME')) {
    return {
      code: 'RUNTIME_UNREACHABLE',
      message: "runtime is unreachable (the endpoint's host name does not resolve)",
    };
  }
  if (has('EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL')) {
    return { code: 'RUNTIME_UNREACHABLE', message: 'runtime is unreachable (no route to the host)' };
  }
  if (codes.some((c) => TLS.test(c))) {
    return { code: 'RUNTIME_UNREACHABLE', message: 'runtime is unreachable (TLS failure: handshake or certificate)' };
  }
  if (codes.some((c) => c.startsWith('HPE_')) || errors.some((e) => (e as Error | null)?.name === 'HTTPParserError')) {
    return { code: 'RUNTIME_ERROR', message: 'runtime did not answer HTTP (not an HTTP answer)' };
  }
  if (codes.some((c) => c.startsWith('Z_') || c.startsWith('ERR_BROTLI') || c === 'ERR__ERROR_FORMAT_PADDING_1')) {
    return { code: 'RUNTIME_ERROR', message: 'runtime answered a compressed body that cannot be decoded' };
  }
  if (has('UND_ERR_RES_CONTENT_LENGTH_MISMATCH')) {
    return { code: 'RUNTIME_ERROR', message: 'runtime answered fewer bytes than it announced' };
  }
  if (has('UND_ERR_HEADERS_OVERFLOW'))
    return { code: 'RUNTIME_ERROR', message: 'runtime answered headers that are too large' };
  if (has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED')) {
    return phase === 'request'
      ? { code: 'RUNTIME_UNREACHABLE', message: 'runtime is unreachable (connection closed before an answer)' }
      : { code: 'RUNTIME_ERROR', message: 'runtime closed the connection in the middle of its answer' };
  }
  return phase === 'request'
    ? { code: 'RUNTIME_UNREACHABLE', message: 'runtime is unreachable (connection failed)' }
    : { code: 'RUNTIME_ERROR', message: 'runtime answer could not be read' };
}
