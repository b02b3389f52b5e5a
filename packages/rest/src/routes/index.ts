import type { RouteDef } from '../route.ts';
import { agentsRoutes } from './agents.ts';
import { auditRoutes, catalogueRoutes, machineRoutes, runtimeEndpointRoutes, sessionRoutes } from './core.ts';
import { graphRoutes } from './graph.ts';
import { identityRoutes } from './identity.ts';
import { policiesRoutes } from './policies.ts';
import { tasksRoutes } from './tasks.ts';

/** The REST surface under /api/v1: one table, read by the Fastify adapter and the OpenAPI generator. */
export const routeTable: RouteDef[] = [
  ...machineRoutes,
  ...identityRoutes,
  ...catalogueRoutes,
  ...runtimeEndpointRoutes,
  ...agentsRoutes,
  ...graphRoutes,
  ...tasksRoutes,
  ...policiesRoutes,
  ...auditRoutes,
  ...sessionRoutes,
];
