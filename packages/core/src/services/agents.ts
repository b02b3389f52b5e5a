import type { CoreDeps } from '../deps.ts';

export function createAgentService(_deps: CoreDeps) {
  return {};
}
export type AgentService = ReturnType<typeof createAgentService>;
