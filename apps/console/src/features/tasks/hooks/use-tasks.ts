import { useToast } from '../../../components/ui/toast.tsx';
import { hopProgressOf } from '../hop-progress.ts';
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
    // Task events name the task; run events name the run and carry the task in the payload.
    const ofTask = e.type.startsWith('task.')
      ? e.resourceId === taskId
      : e.type.startsWith('run.') && e.payload.taskId === taskId;
    if (!ofTask) return;
    if (e.type === 'run.hop-started') {
      // The hop now tried, and the run's attempts before it (written with the event).
      void utils.audit.list.invalidate({ resourceId: e.resourceId, type: 'run.hop-started' });
      void utils.tasks.listRuns.invalidate({ machineId, taskId });
      return;
    }
    void utils.tasks.get.invalidate({ machineId, taskId });
    void utils.tasks.listRoutes.invalidate({ machineId, taskId });
    void utils.tasks.listOutcomes.invalidate({ machineId, taskId });
    void utils.tasks.listRuns.invalidate({ machineId, taskId });
  });
  return trpc.tasks.get.useQuery({ machineId, taskId, includeInactive: true });
}

/**
 * The hop a running run is calling now, as the server reported it (`run.hop-started`, written just
 * before each native hop is called). The task's feed subscription (`useTask`) refetches it on each
 * such event; the poll is the fallback while the run is running.
 */
export function useHopProgress(machineId: string, runId: string | undefined) {
  const query = trpc.audit.list.useQuery(
    { machineId, resourceType: 'run', resourceId: runId ?? '', type: 'run.hop-started', limit: 1 },
    { enabled: Boolean(runId), staleTime: 0, refetchInterval: 1_000 },
  );
  return runId ? hopProgressOf(query.data?.items[0]) : null;
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
export function useTaskRecords(
  machineId: string,
  taskId: string,
  hasRoute: boolean,
  hasOutcome: boolean,
  executing = false,
) {
  const routes = trpc.tasks.listRoutes.useQuery(
    { machineId, taskId, limit: 50, includeInactive: true },
    { enabled: hasRoute },
  );
  const outcomes = trpc.tasks.listOutcomes.useQuery(
    { machineId, taskId, limit: 50, includeInactive: true },
    { enabled: hasOutcome },
  );
  // While executing, the running run is polled for as well, in case the feed's `run.started` is late.
  const runs = trpc.tasks.listRuns.useQuery(
    { machineId, taskId, limit: 50, includeInactive: true },
    { refetchInterval: executing ? 1_000 : false },
  );
  return { routes, outcomes, runs };
}
