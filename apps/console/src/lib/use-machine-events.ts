import { AUDIT_EVENT_TYPES as AUDIT_EVENT_NAMES } from '@mm/contracts';
import type { AuditEventView } from '@mm/contracts';
import { useEffect, useRef } from 'react';

/**
 * Subscribes to a machine's change feed (`GET /api/v1/events`, Server-Sent Events; docs/liveness.md
 * "The change feed") and calls `onEvent` for each audit event. EventSource reconnects by itself and
 * sends `Last-Event-ID`, so no event is missed across a reconnect. Callers invalidate the queries an
 * event touches.
 */
export function useMachineEvents(machineId: string | undefined, onEvent: (event: AuditEventView) => void): void {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);
  useEffect(() => {
    if (!machineId || typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/v1/events?machineId=${encodeURIComponent(machineId)}&includeInactive=true`);
    const listener = (e: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(e.data) as AuditEventView);
      } catch {
        // not an audit event view: ignore
      }
    };
    // Named events (`event: <type>`) do not reach onmessage; listen to every type by prefix.
    const types = ['graph.', 'runtime-endpoint.', 'machine-agent.', 'task.', 'run.', 'machine.'];
    const names = AUDIT_EVENT_NAMES.filter((n) => types.some((t) => n.startsWith(t)));
    for (const name of names) source.addEventListener(name, listener);
    return () => {
      for (const name of names) source.removeEventListener(name, listener);
      source.close();
    };
  }, [machineId]);
}
