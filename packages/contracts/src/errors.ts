/**
 * The one error table (context B1): every error code, its HTTP status and its tRPC code. The REST
 * hook and the tRPC middleware both read it; nothing else decides a status.
 */
export const ERROR_TABLE = {
  VALIDATION_ERROR: { http: 400, trpc: 'BAD_REQUEST' },
  API_KEY_REQUIRED: { http: 401, trpc: 'UNAUTHORIZED' },
  API_KEY_INVALID: { http: 401, trpc: 'UNAUTHORIZED' },
  AGENT_AUTH_REQUIRED: { http: 401, trpc: 'UNAUTHORIZED' },
  AGENT_AUTH_INVALID: { http: 401, trpc: 'UNAUTHORIZED' },
  MACHINE_NOT_ACTIVATED: { http: 403, trpc: 'FORBIDDEN' },
  AGENT_PAIRING_INACTIVE: { http: 403, trpc: 'FORBIDDEN' },
  AGENT_POLICY_DENIED: { http: 403, trpc: 'FORBIDDEN' },
  MACHINE_IDENTITY_PROOF_INVALID: { http: 403, trpc: 'FORBIDDEN' },
  FORBIDDEN: { http: 403, trpc: 'FORBIDDEN' },
  NOT_FOUND: { http: 404, trpc: 'NOT_FOUND' },
  METHOD_NOT_ALLOWED: { http: 405, trpc: 'METHOD_NOT_SUPPORTED' },
  MACHINE_NOT_ACTIVE: { http: 409, trpc: 'CONFLICT' },
  ROUTE_REQUIRED: { http: 409, trpc: 'CONFLICT' },
  NO_ROUTE_AVAILABLE: { http: 409, trpc: 'CONFLICT' },
  TASK_STATE_CONFLICT: { http: 409, trpc: 'CONFLICT' },
  VERSION_CONFLICT: { http: 409, trpc: 'CONFLICT' },
  MACHINE_IDENTITY_EXISTS: { http: 409, trpc: 'CONFLICT' },
  MACHINE_IDENTITY_IMMUTABLE: { http: 409, trpc: 'CONFLICT' },
  REQUEST_TIMEOUT: { http: 408, trpc: 'TIMEOUT' },
  PAYLOAD_TOO_LARGE: { http: 413, trpc: 'PAYLOAD_TOO_LARGE' },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, trpc: 'UNSUPPORTED_MEDIA_TYPE' },
  // Below the framework only (docs/api.md "Input limits"): Node's parser refuses the request head.
  HEADERS_TOO_LARGE: { http: 431, trpc: 'PAYLOAD_TOO_LARGE' },
  MACHINE_IDENTITY_PROOF_REQUIRED: { http: 422, trpc: 'UNPROCESSABLE_CONTENT' },
  MACHINE_IDENTITY_PROOF_EXPIRED: { http: 422, trpc: 'UNPROCESSABLE_CONTENT' },
  RATE_LIMITED: { http: 429, trpc: 'TOO_MANY_REQUESTS' },
  INTERNAL_ERROR: { http: 500, trpc: 'INTERNAL_SERVER_ERROR' },
  RUNTIME_ERROR: { http: 502, trpc: 'BAD_GATEWAY' },
  PEAQOS_IDENTITY_UNAVAILABLE: { http: 502, trpc: 'BAD_GATEWAY' },
  RUNTIME_UNREACHABLE: { http: 503, trpc: 'SERVICE_UNAVAILABLE' },
  DATABASE_UNAVAILABLE: { http: 503, trpc: 'SERVICE_UNAVAILABLE' },
  RUNTIME_TIMEOUT: { http: 504, trpc: 'GATEWAY_TIMEOUT' },
} as const satisfies Record<string, { http: number; trpc: string }>;

export type ErrorCode = keyof typeof ERROR_TABLE;
export const ERROR_CODES = Object.keys(ERROR_TABLE) as ErrorCode[];

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_TABLE[code].http;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_TABLE, value);
}

/** The body of every non-2xx answer under /api/v1. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}
