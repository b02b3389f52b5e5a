import { useToast } from '../../../components/ui/toast.tsx';
import { trpc } from '../../../lib/trpc.ts';
import { useMachineEvents } from '../../../lib/use-machine-events.ts';

/** Polled: agents renew leases and the sweeper flips lapsed endpoints to `unreachable`. */
export function useEndpoints(machineId: string, refetchInterval: number | false = 5_000) {
  const utils = trpc.useUtils();
  // Probes, sweeps and heartbeats are audited: the feed refreshes the list at once, polling stays
  // as the fallback.
  useMachineEvents(machineId, (e) => {
    if (e.type.startsWith('runtime-endpoint.') || e.type === 'machine-agent.heartbeat') {
      void utils.runtimeEndpoints.list.invalidate({ machineId });
    }
  });
  return trpc.runtimeEndpoints.list.useQuery({ machineId, limit: 500, includeInactive: true }, { refetchInterval });
}

export function useUpsertEndpoint(machineId: string) {
  const utils = trpc.useUtils();
  const toast = useToast();
  return trpc.runtimeEndpoints.upsert.useMutation({
    // The mutation answers the view (docs/api.md "tRPC answers").
    onSuccess: async (item) => {
      toast({ message: `Endpoint ${item.providerKey} saved` });
      utils.runtimeEndpoints.get.setData({ machineId, providerKey: item.providerKey }, item);
      await utils.runtimeEndpoints.list.invalidate({ machineId });
    },
  });
}

export function useDeleteEndpoint(machineId: string) {
  const utils = trpc.useUtils();
  const toast = useToast();
  return trpc.runtimeEndpoints.delete.useMutation({
    onSuccess: async (_res, { providerKey }) => {
      toast({ message: `Endpoint ${providerKey} deleted` });
      utils.runtimeEndpoints.get.setData({ machineId, providerKey }, undefined);
      await utils.runtimeEndpoints.list.invalidate({ machineId });
    },
  });
}
