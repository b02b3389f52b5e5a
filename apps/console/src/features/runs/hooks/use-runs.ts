import type { ExecutionMode, RunStatus } from '@mm/contracts';
import { trpc } from '../../../lib/trpc.ts';
import { useMachineEvents } from '../../../lib/use-machine-events.ts';

export interface RunFilters {
  status?: RunStatus;
  skillKey?: string;
  serviceId?: string;
  executionMode?: ExecutionMode;
}

/** A run starts (`run.started`) and settles (`task.executed` / `task.failed`): both arrive on the feed. */
export function useRuns(machineId: string, filters: RunFilters) {
  const utils = trpc.useUtils();
  useMachineEvents(machineId, (e) => {
    if (e.type.startsWith('run.') || e.type.startsWith('task.')) void utils.tasks.listRuns.invalidate({ machineId });
  });
  return trpc.tasks.listRuns.useQuery(
    { machineId, limit: 200, includeInactive: true, ...filters },
    { refetchInterval: 10_000 },
  );
}

export function useRun(runId: string) {
  return trpc.tasks.getRun.useQuery({ runId });
}
