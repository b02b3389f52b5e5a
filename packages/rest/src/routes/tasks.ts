import type { RouteDef } from '../route.ts';

export const tasksRoutes: RouteDef[] = [];
