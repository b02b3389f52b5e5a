import type { RouteDef } from '../route.ts';

export const policiesRoutes: RouteDef[] = [];
