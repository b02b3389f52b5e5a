import type { AuditEventView, ExecutionMode, RouteView, RunAttempt } from '@mm/contracts';

/** What a `run.hop-started` event says: the hop the server is calling now and the attempts before it. */
export interface HopProgress {
  runId: string;
  hop: number;
  of: number;
  serviceId: string;
  startedAt: string;
  attempts: Pick<RunAttempt, 'hop' | 'serviceId' | 'status' | 'errorCode'>[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads a `run.hop-started` event; null for any other event or a payload of another shape. */
export function hopProgressOf(event: AuditEventView | undefined): HopProgress | null {
  if (event?.type !== 'run.hop-started') return null;
  const hop = event.payload.hop;
  const run = event.payload.run;
  if (!isRecord(hop) || typeof hop.hop !== 'number' || typeof hop.serviceId !== 'string') return null;
  const attempts = isRecord(run) && Array.isArray(run.attempts) ? run.attempts.filter(isRecord) : [];
  return {
    runId: event.resourceId,
    hop: hop.hop,
    of: typeof hop.of === 'number' ? hop.of : hop.hop,
    serviceId: hop.serviceId,
    startedAt: typeof hop.startedAt === 'string' ? hop.startedAt : event.createdAt,
    attempts: attempts.map((a) => ({
      hop: typeof a.hop === 'number' ? a.hop : 0,
      serviceId: typeof a.serviceId === 'string' ? a.serviceId : '',
      status: (typeof a.status === 'string' ? a.status : 'failed') as RunAttempt['status'],
      errorCode: typeof a.errorCode === 'string' ? a.errorCode : null,
    })),
  };
}

export type HopState = 'trying' | 'failed' | 'skipped' | 'waiting' | 'unknown';

export interface HopRow {
  hop: number;
  serviceId: string;
  executionMode: ExecutionMode;
  state: HopState;
  errorCode: string | null;
}

/**
 * The route's hops in the order the server walks them (the selected service, then the fallback
 * chain; `RunAttempt.hop` counts from 1 in that order), each with what the server last reported.
 * Before the first report no hop is marked as being tried: the console does not guess.
 */
export function hopRows(route: RouteView, progress: HopProgress | null): HopRow[] {
  const hops = [
    { serviceId: route.selectedServiceId, executionMode: route.executionMode },
    ...route.fallbackChain.map((h) => ({ serviceId: h.serviceId, executionMode: h.executionMode })),
  ];
  return hops.map((h, i) => {
    const n = i + 1;
    const attempt = progress?.attempts.find((a) => a.hop === n);
    let state: HopState = 'unknown';
    if (progress) {
      if (n === progress.hop) state = 'trying';
      else if (attempt) state = attempt.status === 'skipped' ? 'skipped' : 'failed';
      else state = 'waiting';
    }
    return { hop: n, ...h, state, errorCode: attempt?.errorCode ?? null };
  });
}
