import { useToast } from '../../../components/ui/toast.tsx';
import { trpc } from '../../../lib/trpc.ts';

export { useSkills } from '../../tasks/hooks/use-tasks.ts';

export function useServices() {
  return trpc.catalogue.listServices.useQuery({ limit: 200 }, { staleTime: 60_000 });
}

/** Administrators only: others get 403 FORBIDDEN (docs/trust.md), so the page offers it to them only. */
export function useUpsertSkill() {
  const utils = trpc.useUtils();
  const toast = useToast();
  return trpc.catalogue.upsertSkill.useMutation({
    onSuccess: async (skill) => {
      toast({ message: `Skill ${skill.key} saved` });
      await utils.catalogue.listSkills.invalidate();
    },
  });
}
