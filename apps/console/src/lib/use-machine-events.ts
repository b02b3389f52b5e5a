import type { AuditEventView } from '@mm/contracts';
import { useEffect, useRef } from 'react';
import { apiKeyHeaders, readApiKey, reportUnauthorized } from './api-key.ts';
import { readEventStream } from './sse.ts';

/** The event types the pages follow (the audit log has more: policies, catalogue). */
const TYPES = ['graph.', 'runtime-endpoint.', 'machine-agent.', 'task.', 'run.', 'machine.'];

/**
 * Subscribes to a machine's change feed (`GET /api/v1/events`, Server-Sent Events; docs/liveness.md
 * "The change feed") and calls `onEvent` for each audit event. The stream is read with fetch
 * (`lib/sse.ts`), not EventSource, so it carries the `x-api-key` header (docs/console.md "Signing
 * in"); it reconnects with backoff and sends `Last-Event-ID`, so no event is missed across a
 * reconnect, and it is aborted on unmount. Callers invalidate the queries an event touches.
 */
export function useMachineEvents(machineId: string | undefined, onEvent: (event: AuditEventView) => void): void {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);
  useEffect(() => {
    if (!machineId) return;
    const abort = new AbortController();
    let sentKey: string | null = null;
    void readEventStream({
      url: `/api/v1/events?machineId=${encodeURIComponent(machineId)}&includeInactive=true`,
      headers: () => {
        sentKey = readApiKey();
        return apiKeyHeaders(sentKey);
      },
      onMessage: (m) => {
        if (!TYPES.some((t) => m.event.startsWith(t))) return;
        try {
          handler.current(JSON.parse(m.data) as AuditEventView);
        } catch {
          // not an audit event view: ignore
        }
      },
      // A refused feed (404: machine gone) leaves the page's own queries to say why; 401 signs out.
      onRefused: (status) => {
        if (status === 401) reportUnauthorized(sentKey);
      },
      signal: abort.signal,
    });
    return () => abort.abort();
  }, [machineId]);
}
