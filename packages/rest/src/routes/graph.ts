import type { RouteDef } from '../route.ts';

export const graphRoutes: RouteDef[] = [];
