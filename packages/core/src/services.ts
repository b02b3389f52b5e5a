import type { CoreDeps } from './deps.ts';
import { createAgentService } from './services/agents.ts';
import { createAuditService } from './services/audit.ts';
import { createCatalogueService } from './services/catalogue.ts';
import { createEventFeed } from './services/events.ts';
import { createGraphService } from './services/graph.ts';
import { createIdentityService } from './services/identity.ts';
import { createMachineService } from './services/machines.ts';
import { createPolicyService } from './services/policies.ts';
import { createProbeService } from './services/probes.ts';
import { createRuntimeEndpointService } from './services/runtime-endpoints.ts';
import { createTaskService } from './services/tasks.ts';

/** Every use case, built once from its dependencies; tRPC and REST both call these. */
export function createServices(deps: CoreDeps) {
  return {
    machines: createMachineService(deps),
    identity: createIdentityService(deps),
    catalogue: createCatalogueService(deps),
    runtimeEndpoints: createRuntimeEndpointService(deps),
    agents: createAgentService(deps),
    graph: createGraphService(deps),
    policies: createPolicyService(deps),
    tasks: createTaskService(deps),
    audit: createAuditService(deps),
    events: createEventFeed(deps),
    probes: createProbeService(deps),
  };
}
export type Services = ReturnType<typeof createServices>;
