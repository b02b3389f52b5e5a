import { auditRouter } from './routers/audit.ts';
import { catalogueRouter } from './routers/catalogue.ts';
import { machinesRouter } from './routers/machines.ts';
import { runtimeEndpointsRouter } from './routers/runtime-endpoints.ts';
import { createCallerFactory, router } from './trpc.ts';

export const appRouter = router({
  machines: machinesRouter,
  catalogue: catalogueRouter,
  runtimeEndpoints: runtimeEndpointsRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
