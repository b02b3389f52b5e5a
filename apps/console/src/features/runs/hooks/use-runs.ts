import type { ExecutionMode, RunStatus } from '@mm/contracts';
import { trpc } from '../../../lib/trpc.ts';

export interface RunFilters {
  status?: RunStatus;
  skillKey?: string;
  serviceId?: string;
  executionMode?: ExecutionMode;
}

export function useRuns(machineId: string, filters: RunFilters) {
  return trpc.tasks.listRuns.useQuery({ machineId, limit: 200, ...filters }, { refetchInterval: 10_000 });
}

export function useRun(runId: string) {
  return trpc.tasks.getRun.useQuery({ runId });
}
