import { useToast } from '../../../components/ui/toast.tsx';
import { trpc } from '../../../lib/trpc.ts';
import { useMachineEvents } from '../../../lib/use-machine-events.ts';

/** Heartbeats, enrolments and revocations arrive on the change feed; polling stays as the fallback. */
export function useAgents(machineId: string) {
  const utils = trpc.useUtils();
  useMachineEvents(machineId, (e) => {
    if (e.type.startsWith('machine-agent.')) {
      void utils.agents.list.invalidate({ machineId });
      void utils.agents.get.invalidate({ machineId });
    }
  });
  return trpc.agents.list.useQuery({ machineId, limit: 500, includeInactive: true }, { refetchInterval: 10_000 });
}

export function useEnrollAgent(machineId: string) {
  const utils = trpc.useUtils();
  const toast = useToast();
  return trpc.agents.enroll.useMutation({
    onSuccess: async () => {
      toast({ message: 'Agent enrolled: copy its pairing token now' });
      await utils.agents.list.invalidate({ machineId });
    },
  });
}

export function useRevokeAgent(machineId: string) {
  const utils = trpc.useUtils();
  const toast = useToast();
  return trpc.agents.revoke.useMutation({
    onSuccess: async (_res, { agentId }) => {
      toast({ message: 'Agent revoked' });
      await Promise.all([
        utils.agents.list.invalidate({ machineId }),
        utils.agents.get.invalidate({ machineId, agentId }),
      ]);
    },
  });
}
