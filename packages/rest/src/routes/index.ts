import type { RouteDef } from '../route.ts';
import { auditRoutes, catalogueRoutes, machineRoutes, runtimeEndpointRoutes } from './core.ts';

/** The REST surface under /api/v1: one table, read by the Fastify adapter and the OpenAPI generator. */
export const routeTable: RouteDef[] = [...machineRoutes, ...catalogueRoutes, ...runtimeEndpointRoutes, ...auditRoutes];
