import { trpc } from '../../../lib/trpc.ts';

export function useAgents(machineId: string) {
  return trpc.agents.list.useQuery({ machineId, limit: 500 }, { refetchInterval: 10_000 });
}

export function useEnrollAgent(machineId: string) {
  const utils = trpc.useUtils();
  return trpc.agents.enroll.useMutation({
    onSuccess: async () => {
      await utils.agents.list.invalidate({ machineId });
    },
  });
}

export function useRevokeAgent(machineId: string) {
  const utils = trpc.useUtils();
  return trpc.agents.revoke.useMutation({
    onSuccess: async (_res, { agentId }) => {
      await Promise.all([
        utils.agents.list.invalidate({ machineId }),
        utils.agents.get.invalidate({ machineId, agentId }),
      ]);
    },
  });
}
