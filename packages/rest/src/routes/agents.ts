import type { RouteDef } from '../route.ts';

export const agentsRoutes: RouteDef[] = [];
