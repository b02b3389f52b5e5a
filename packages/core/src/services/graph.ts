import type { CoreDeps } from '../deps.ts';

export function createGraphService(_deps: CoreDeps) {
  return {};
}
export type GraphService = ReturnType<typeof createGraphService>;
