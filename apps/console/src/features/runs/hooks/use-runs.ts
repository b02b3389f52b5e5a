import type { ExecutionMode, RunStatus, TaskView } from '@mm/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { trpc } from '../../../lib/trpc.ts';
import { useMachineEvents } from '../../../lib/use-machine-events.ts';
import { copyOf } from '../execute-again.ts';

export interface RunFilters {
  status?: RunStatus;
  skillKey?: string;
  serviceId?: string;
  executionMode?: ExecutionMode;
}

/** How many of the newest matching runs the runs page reads. */
export const RUNS_LOADED = 200;

/** A run starts (`run.started`) and settles (`task.executed` / `task.failed`): both arrive on the feed. */
export function useRuns(machineId: string, filters: RunFilters, bounds: { since?: string; until?: string } = {}) {
  const utils = trpc.useUtils();
  useMachineEvents(machineId, (e) => {
    if (e.type.startsWith('run.') || e.type.startsWith('task.')) void utils.tasks.listRuns.invalidate({ machineId });
  });
  return trpc.tasks.listRuns.useQuery(
    { machineId, limit: RUNS_LOADED, includeInactive: true, ...filters, ...bounds },
    { refetchInterval: 10_000 },
  );
}

export function useRun(runId: string) {
  return trpc.tasks.getRun.useQuery({ runId });
}

/** The task a run belongs to: its input, constraints and status (what "Execute again" may do). */
export function useRunTask(machineId: string, taskId: string | undefined) {
  return trpc.tasks.get.useQuery(
    { machineId, taskId: taskId ?? '', includeInactive: true },
    { enabled: Boolean(taskId) },
  );
}

export type AgainPhase = 'creating' | 'resolving' | 'executing';

/**
 * Executes a task again: the same task when its state allows it, else a copy created, resolved and
 * executed (execute-again.ts). Answers the new run; a failed execution's run rides on its error.
 */
export function useExecuteAgain(machineId: string) {
  const utils = trpc.useUtils();
  const [phase, setPhase] = useState<AgainPhase | null>(null);
  const mutation = useMutation({
    mutationFn: async ({ task, asCopy }: { task: TaskView; asCopy: boolean }) => {
      let taskId = task.id;
      if (asCopy) {
        setPhase('creating');
        taskId = (await utils.client.tasks.create.mutate({ machineId, ...copyOf(task) })).id;
        setPhase('resolving');
        await utils.client.tasks.resolve.mutate({ machineId, taskId });
      }
      setPhase('executing');
      return { taskId, ...(await utils.client.tasks.execute.mutate({ machineId, taskId })) };
    },
    onSettled: async () => {
      setPhase(null);
      await Promise.all([
        utils.tasks.get.invalidate({ machineId }),
        utils.tasks.list.invalidate({ machineId }),
        utils.tasks.listRuns.invalidate({ machineId }),
        utils.tasks.listRoutes.invalidate({ machineId }),
        utils.tasks.listOutcomes.invalidate({ machineId }),
      ]);
    },
  });
  return { ...mutation, phase };
}
