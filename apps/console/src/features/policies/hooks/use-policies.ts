import { useToast } from '../../../components/ui/toast.tsx';
import { trpc } from '../../../lib/trpc.ts';

export function usePolicies() {
  return trpc.policies.list.useQuery({ limit: 500 });
}

export function usePolicy(policyId: string | undefined) {
  return trpc.policies.get.useQuery({ policyId: policyId ?? '' }, { enabled: Boolean(policyId) });
}

export function useCreatePolicy() {
  const utils = trpc.useUtils();
  const toast = useToast();
  return trpc.policies.create.useMutation({
    onSuccess: async (policy) => {
      toast({ message: `Policy ${policy.name} created` });
      utils.policies.get.setData({ policyId: policy.id }, policy);
      await utils.policies.list.invalidate();
    },
  });
}

export function useUpdatePolicy() {
  const utils = trpc.useUtils();
  return trpc.policies.update.useMutation({
    onSuccess: async (policy) => {
      utils.policies.get.setData({ policyId: policy.id }, policy);
      await utils.policies.list.invalidate();
    },
  });
}

export function useDeletePolicy() {
  const utils = trpc.useUtils();
  const toast = useToast();
  return trpc.policies.delete.useMutation({
    onSuccess: async (_res, { policyId }) => {
      toast({ message: 'Policy deleted' });
      utils.policies.get.setData({ policyId }, undefined);
      // Deleting a policy removes its id from every machine's policyIds (context B9).
      await Promise.all([
        utils.policies.list.invalidate(),
        utils.machines.get.invalidate(),
        utils.machines.list.invalidate(),
      ]);
    },
  });
}
