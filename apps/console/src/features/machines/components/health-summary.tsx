import { memo } from 'react';
import { useMachineHealth } from '../hooks/use-machine-health.ts';

/** Endpoint counts by state and the agents' states, for the machines list and the machine header. */
/** Machines that are not active are read with `includeInactive` (context C8). */
export const HealthSummary = memo(function HealthSummary({ machineId }: { machineId: string }) {
  const { endpointHealth: e, agentHealth: a } = useMachineHealth(machineId);
  if (!e || !a) return <span className="muted small">…</span>;
  return (
    <span className="health-summary" data-testid="machine-health" data-tone={e.tone} title={e.summary}>
      <span className={`badge badge--${e.tone}`} data-testid="endpoint-health">
        <span className="badge__dot" aria-hidden />
        {e.total === 0 ? 'no endpoints' : `${e.active}/${e.total} endpoints up`}
      </span>
      {e.degraded ? (
        <span className="health-summary__count text-amber" data-testid="endpoints-degraded">
          {e.degraded} degraded
        </span>
      ) : null}
      {e.unreachable ? (
        <span className="health-summary__count text-red" data-testid="endpoints-unreachable">
          {e.unreachable} unreachable
        </span>
      ) : null}
      <span className="muted small" data-testid="agent-health">
        {a.summary}
      </span>
    </span>
  );
});
