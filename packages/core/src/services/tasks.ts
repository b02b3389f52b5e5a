import type { CoreDeps } from '../deps.ts';

export function createTaskService(_deps: CoreDeps) {
  return {};
}
export type TaskService = ReturnType<typeof createTaskService>;
