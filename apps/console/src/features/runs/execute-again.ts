import { taskAllows } from '@mm/contracts';
import type { CreateTaskRequest, TaskStatus, TaskView } from '@mm/contracts';

/**
 * What "Execute again" can do for a task in this status (the task state machine, contracts
 * `TASK_ACTIONS`): execute it again, run a copy of it, or nothing yet, and why.
 */
export type AgainPlan =
  | { kind: 'same'; why: string }
  | { kind: 'copy'; why: string }
  | { kind: 'wait'; why: string }
  | { kind: 'resolve-first'; why: string };

export function againPlan(status: TaskStatus): AgainPlan {
  switch (status) {
    case 'resolved':
    case 'failed':
      // Kept in step with the contracts' table (execute-again.test.ts checks every status).
      if (taskAllows('execute', status)) {
        return { kind: 'same', why: `The task is ${status}: it executes again on its stored route, as a new run.` };
      }
      return { kind: 'wait', why: `The task is ${status} and cannot execute now.` };
    case 'completed':
    case 'handed_off':
      return {
        kind: 'copy',
        why: `A ${status === 'handed_off' ? 'handed-off' : 'completed'} task does not execute again (execute runs from resolved or failed). This creates a new task with the same input and constraints, resolves a route for it and executes it.`,
      };
    case 'executing':
    case 'resolving':
      return { kind: 'wait', why: `The task is ${status} now: wait until it settles.` };
    case 'draft':
    case 'queued':
      return { kind: 'resolve-first', why: 'The task has no route now: resolve it in the task driver first.' };
  }
}

/** A new task asking for the same thing: type, operation, input, constraints and discovery size. */
export function copyOf(task: TaskView): CreateTaskRequest {
  const c = task.constraints;
  return {
    serviceType: task.serviceType,
    taskType: task.taskType,
    ...(task.operation !== undefined && { operation: task.operation }),
    input: task.input,
    constraints: {
      ...(c.region !== undefined && { region: c.region }),
      ...(c.budget !== undefined && { budget: c.budget }),
      allowExternalHandoff: c.allowExternalHandoff,
      requireNativeExecution: c.requireNativeExecution,
      requiredCapabilities: c.requiredCapabilities,
      ...(c.preferredSkillKeys !== undefined && { preferredSkillKeys: c.preferredSkillKeys }),
    },
    discovery: { maxCandidates: task.discovery.maxCandidates },
  };
}
