import type { CoreDeps } from './deps.ts';
import { createAuditService } from './services/audit.ts';
import { createCatalogueService } from './services/catalogue.ts';
import { createMachineService } from './services/machines.ts';
import { createRuntimeEndpointService } from './services/runtime-endpoints.ts';

/** Every use case, built once from its dependencies; tRPC and REST both call these. */
export function createServices(deps: CoreDeps) {
  return {
    machines: createMachineService(deps),
    catalogue: createCatalogueService(deps),
    runtimeEndpoints: createRuntimeEndpointService(deps),
    audit: createAuditService(deps),
  };
}
export type Services = ReturnType<typeof createServices>;
