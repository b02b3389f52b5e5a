import { useMemo } from 'react';
import { trpc } from '../../../lib/trpc.ts';
import { agentHealthOf, endpointHealthOf } from '../health.ts';

/**
 * A machine's endpoint and agent health from the existing list queries (shared with the
 * endpoints and agents tabs through the same query keys). Machines that are not active are read with `includeInactive` (context C8).
 */
export function useMachineHealth(machineId: string, enabled = true) {
  const opts = { enabled, refetchInterval: 15_000, staleTime: 5_000 } as const;
  const endpoints = trpc.runtimeEndpoints.list.useQuery({ machineId, limit: 500, includeInactive: true }, opts);
  const agents = trpc.agents.list.useQuery({ machineId, limit: 500, includeInactive: true }, opts);
  const endpointHealth = useMemo(
    () => (endpoints.data ? endpointHealthOf(endpoints.data.items) : null),
    [endpoints.data],
  );
  const agentHealth = useMemo(() => (agents.data ? agentHealthOf(agents.data.items) : null), [agents.data]);
  return { endpointHealth, agentHealth, isPending: endpoints.isPending || agents.isPending };
}
