import { useToast } from '../../../components/ui/toast.tsx';
import { appErrorOf } from '../../../lib/errors.ts';
import { trpc } from '../../../lib/trpc.ts';

/** The local registry's entry for an identity; `null` when none is registered (404). */
export function useIdentityControllers(identityRef: string) {
  const query = trpc.identity.getController.useQuery({ identityRef }, { retry: false });
  const missing = query.isError && appErrorOf(query.error).code === 'NOT_FOUND';
  return { ...query, missing };
}

/** Administrators only (403 FORBIDDEN otherwise; docs/trust.md). */
export function usePutIdentityControllers(identityRef: string) {
  const utils = trpc.useUtils();
  const toast = useToast();
  return trpc.identity.putController.useMutation({
    onSuccess: (item) => {
      toast({ message: `Controllers of ${identityRef} saved` });
      utils.identity.getController.setData({ identityRef }, item);
    },
  });
}
