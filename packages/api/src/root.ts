import { agentsRouter } from './routers/agents.ts';
import { auditRouter } from './routers/audit.ts';
import { catalogueRouter } from './routers/catalogue.ts';
import { eventsRouter } from './routers/events.ts';
import { graphRouter } from './routers/graph.ts';
import { identityRouter } from './routers/identity.ts';
import { machinesRouter } from './routers/machines.ts';
import { policiesRouter } from './routers/policies.ts';
import { runtimeEndpointsRouter } from './routers/runtime-endpoints.ts';
import { sessionRouter } from './routers/session.ts';
import { tasksRouter } from './routers/tasks.ts';
import { createCallerFactory, router } from './trpc.ts';

/**
 * Procedures: machines.*, identity.*, catalogue.*, runtimeEndpoints.*, agents.*, graph.*, policies.*, audit.*,
 * tasks.* (which also holds routes, outcomes and runs), session.get, and the subscription events.onMachine.
 */
export const appRouter = router({
  machines: machinesRouter,
  identity: identityRouter,
  catalogue: catalogueRouter,
  runtimeEndpoints: runtimeEndpointsRouter,
  agents: agentsRouter,
  graph: graphRouter,
  policies: policiesRouter,
  tasks: tasksRouter,
  audit: auditRouter,
  events: eventsRouter,
  session: sessionRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
