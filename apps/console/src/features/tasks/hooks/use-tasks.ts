import { useToast } from '../../../components/ui/toast.tsx';
import { trpc } from '../../../lib/trpc.ts';
import { useMachineEvents } from '../../../lib/use-machine-events.ts';

/** Tasks created, resolved or executed elsewhere (the API, another tab) arrive on the change feed. */
export function useTasks(machineId: string) {
  const utils = trpc.useUtils();
  useMachineEvents(machineId, (e) => {
    if (e.type.startsWith('task.') || e.type.startsWith('run.')) void utils.tasks.list.invalidate({ machineId });
  });
  return trpc.tasks.list.useQuery({ machineId, limit: 200, includeInactive: true });
}

export function useTask(machineId: string, taskId: string) {
  const utils = trpc.useUtils();
  useMachineEvents(machineId, (e) => {
    if ((e.type.startsWith('task.') || e.type.startsWith('run.')) && e.resourceId === taskId) {
      void utils.tasks.get.invalidate({ machineId, taskId });
      void utils.tasks.listRoutes.invalidate({ machineId, taskId });
      void utils.tasks.listOutcomes.invalidate({ machineId, taskId });
      void utils.tasks.listRuns.invalidate({ machineId, taskId });
    }
  });
  return trpc.tasks.get.useQuery({ machineId, taskId, includeInactive: true });
}

export function useSkills() {
  return trpc.catalogue.listSkills.useQuery(undefined, { staleTime: 60_000 });
}

export function useCreateTask(machineId: string) {
  const utils = trpc.useUtils();
  const toast = useToast();
  return trpc.tasks.create.useMutation({
    onSuccess: async (task) => {
      toast({ message: `Task ${task.taskType} created` });
      utils.tasks.get.setData({ machineId, taskId: task.id, includeInactive: true }, task);
      await utils.tasks.list.invalidate({ machineId });
    },
  });
}

/** Discovery only reads: it changes no task, route or run, so it invalidates nothing. */
export function useDiscoverTask() {
  return trpc.tasks.discover.useMutation();
}

export function useResolveTask(machineId: string, taskId: string) {
  const utils = trpc.useUtils();
  return trpc.tasks.resolve.useMutation({
    // A failed resolve (NO_ROUTE_AVAILABLE) leaves the task queued, so refresh on either answer.
    onSettled: async () => {
      await Promise.all([
        utils.tasks.get.invalidate({ machineId, taskId }),
        utils.tasks.list.invalidate({ machineId }),
        utils.tasks.listRoutes.invalidate({ machineId }),
      ]);
    },
  });
}

export function useExecuteTask(machineId: string, taskId: string) {
  const utils = trpc.useUtils();
  return trpc.tasks.execute.useMutation({
    // A failed execution still records an outcome and a run.
    onSettled: async () => {
      await Promise.all([
        utils.tasks.get.invalidate({ machineId, taskId }),
        utils.tasks.list.invalidate({ machineId }),
        utils.tasks.listRoutes.invalidate({ machineId }),
        utils.tasks.listOutcomes.invalidate({ machineId }),
        utils.tasks.listRuns.invalidate({ machineId }),
      ]);
    },
  });
}

/** What a task has already produced, so a reloaded driver shows its route, outcome and runs. */
export function useTaskRecords(machineId: string, taskId: string, hasRoute: boolean, hasOutcome: boolean) {
  const routes = trpc.tasks.listRoutes.useQuery(
    { machineId, taskId, limit: 50, includeInactive: true },
    { enabled: hasRoute },
  );
  const outcomes = trpc.tasks.listOutcomes.useQuery(
    { machineId, taskId, limit: 50, includeInactive: true },
    { enabled: hasOutcome },
  );
  const runs = trpc.tasks.listRuns.useQuery({ machineId, taskId, limit: 50, includeInactive: true });
  return { routes, outcomes, runs };
}
