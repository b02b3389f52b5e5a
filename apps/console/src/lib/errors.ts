/** What the console shows of any failure: the server's code, message and structured extras. */
export interface AppErrorInfo {
  code: string;
  message: string;
  httpStatus?: number;
  details?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export const UNREACHABLE = 'Server unreachable, retrying. Your last change may not have been sent.';

/** A fetch that never got an answer ("Failed to fetch", "NetworkError…", "Load failed"). */
function isNetworkFailure(error: Record<string, unknown>, message: string): boolean {
  if (error instanceof TypeError) return true;
  const cause = isRecord(error.cause) ? error.cause : undefined;
  if (cause instanceof TypeError) return true;
  return /failed to fetch|networkerror|load failed|network request failed/i.test(message);
}

/** Whether a failure means the server could not be reached (retry it; show the offline banner). */
export function isUnreachable(error: unknown): boolean {
  return appErrorOf(error).code === 'NETWORK_ERROR';
}

/**
 * Reads a tRPC client error (whose `data` carries `appCode`, `details`, `extra` from the server's
 * error formatter) or any other thrown value into one shape.
 */
export function appErrorOf(error: unknown): AppErrorInfo {
  if (isRecord(error)) {
    const data = isRecord(error.data) ? error.data : undefined;
    const message = typeof error.message === 'string' ? error.message : 'unknown error';
    if (!data && isNetworkFailure(error, message)) return { code: 'NETWORK_ERROR', message: UNREACHABLE };
    if (data) {
      const info: AppErrorInfo = {
        code: typeof data.appCode === 'string' ? data.appCode : typeof data.code === 'string' ? data.code : 'ERROR',
        message,
      };
      if (typeof data.httpStatus === 'number') info.httpStatus = data.httpStatus;
      if (isRecord(data.details)) info.details = data.details;
      if (isRecord(data.extra)) info.extra = data.extra;
      return info;
    }
    if (isNetworkFailure(error, message)) return { code: 'NETWORK_ERROR', message: UNREACHABLE };
    return { code: 'ERROR', message };
  }
  return { code: 'ERROR', message: String(error) };
}

/** Field errors from a VALIDATION_ERROR (`details.fields`: path → reason). */
export function fieldErrorsOf(info: AppErrorInfo): Record<string, string> {
  const fields = info.details?.fields;
  if (!isRecord(fields)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = String(v);
  return out;
}
