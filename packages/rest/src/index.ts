export { clientErrorHandler, RETRY_AFTER_SECONDS, restPlugin, sendError } from './fastify.ts';
export type { RestOptions } from './fastify.ts';
export { buildOpenApiDocument } from './openapi.ts';
export { routeTable } from './routes/index.ts';
export { route, withStatus } from './route.ts';
export type { RouteDef } from './route.ts';
