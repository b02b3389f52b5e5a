import type { CoreDeps } from '../deps.ts';

export function createPolicyService(_deps: CoreDeps) {
  return {};
}
export type PolicyService = ReturnType<typeof createPolicyService>;
