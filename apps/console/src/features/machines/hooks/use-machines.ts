import { trpc } from '../../../lib/trpc.ts';

export function useMachines() {
  return trpc.machines.list.useQuery({ limit: 500 });
}

export function useMachine(machineId: string) {
  return trpc.machines.get.useQuery({ machineId });
}

export function useCreateMachine() {
  const utils = trpc.useUtils();
  return trpc.machines.create.useMutation({
    onSuccess: async (machine) => {
      utils.machines.get.setData({ machineId: machine.id }, machine);
      await utils.machines.list.invalidate();
    },
  });
}

export function useUpdateMachine(machineId: string) {
  const utils = trpc.useUtils();
  return trpc.machines.update.useMutation({
    onSuccess: async (machine) => {
      utils.machines.get.setData({ machineId }, machine);
      await utils.machines.list.invalidate();
    },
  });
}
