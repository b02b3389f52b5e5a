import { ERROR_TABLE, zodIssuesToFields } from '@mm/contracts';
import type { ErrorBody, ErrorCode } from '@mm/contracts';
import { AppError, toAppError } from '@mm/core';
import type { Caller, Services } from '@mm/core';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { isWithStatus } from './route.ts';
import type { RouteDef } from './route.ts';
import { buildOpenApiDocument } from './openapi.ts';

export interface RestOptions {
  services: Services;
  routes: RouteDef[];
  /** Resolves the caller from headers; throws AppError(API_KEY_*) when the key is required and wrong. */
  authenticate(headers: Record<string, string | string[] | undefined>): Caller;
  /** The caller for routes that authenticate themselves (the agent heartbeat). */
  anonymousCaller: Caller;
  version: string;
}

/** Seconds a client should wait before retrying while the database is unavailable. */
export const RETRY_AFTER_SECONDS = '2';

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
  extra?: Record<string, unknown>,
) {
  const body: ErrorBody & Record<string, unknown> = {
    ...extra,
    error: { code, message, ...(details && { details }) },
  };
  // A database outage is temporary: say when to come back (docs/faults.md).
  if (code === 'DATABASE_UNAVAILABLE') void reply.header('retry-after', RETRY_AFTER_SECONDS);
  return reply.code(ERROR_TABLE[code].http).type('application/json').send(body);
}

function describeFields(fields: Record<string, string>): string {
  const parts = Object.entries(fields)
    .slice(0, 3)
    .map(([k, v]) => `${k} ${v}`);
  return parts.join('; ');
}

/** Path patterns compiled once, to answer 405 for a known path with another method. */
function compilePatterns(routes: RouteDef[]) {
  return routes.map((r) => ({
    method: r.method,
    regex: new RegExp(`^${r.path.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`),
  }));
}

/**
 * Mounts the route table under the current prefix (the server registers it at /api/v1), with the
 * error envelope of context B1 for everything that goes wrong in that scope.
 */
export function restPlugin(opts: RestOptions) {
  return function rest(app: FastifyInstance, _opts: unknown, done: (err?: Error) => void) {
    const patterns = compilePatterns(opts.routes);

    // JSON only: text/plain and others answer 415. An empty JSON body counts as no body.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, raw, done) => {
      const text = typeof raw === 'string' ? raw : raw.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        const err = new Error('request body is not valid JSON') as FastifyError;
        err.statusCode = 400;
        err.code = 'MM_INVALID_JSON';
        done(err, undefined);
      }
    });

    app.setErrorHandler((err: FastifyError, req, reply) => {
      const appError = toAppError(err);
      if (appError) return sendError(reply, appError.code, appError.message, appError.details, appError.extra);
      switch (err.code) {
        case 'MM_INVALID_JSON':
          return sendError(reply, 'VALIDATION_ERROR', 'request body is not valid JSON');
        case 'FST_ERR_CTP_BODY_TOO_LARGE':
          return sendError(reply, 'PAYLOAD_TOO_LARGE', 'request body is larger than 1 MiB');
        case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
          return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
        default:
          break;
      }
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        if (err.statusCode === 413) return sendError(reply, 'PAYLOAD_TOO_LARGE', 'request body is larger than 1 MiB');
        if (err.statusCode === 415)
          return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
        return sendError(reply, 'VALIDATION_ERROR', 'request is malformed');
      }
      req.log.error({ err }, 'unhandled error');
      return sendError(reply, 'INTERNAL_ERROR', 'internal error');
    });

    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?')[0]?.replace(/^\/api\/v1/, '') ?? '';
      const allowed = patterns.filter((p) => p.regex.test(path)).map((p) => p.method);
      if (allowed.length) {
        void reply.header('allow', [...new Set(allowed)].join(', '));
        return sendError(reply, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on this path`, {
          allowed: [...new Set(allowed)],
        });
      }
      return sendError(reply, 'NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`);
    });

    const openapi = buildOpenApiDocument(opts.routes, opts.version);
    app.get('/openapi.json', (_req, reply) => reply.send(openapi));

    for (const def of opts.routes) {
      app.route({
        method: def.method,
        url: def.path,
        handler: async (req, reply) => {
          const fields: Record<string, string> = {};
          const parse = (part: string, schema: z.ZodType | undefined, value: unknown) => {
            if (!schema) return undefined;
            const res = schema.safeParse(value);
            if (!res.success) {
              zodIssuesToFields(res.error, part, fields);
              return undefined;
            }
            return res.data;
          };
          const params = parse('params', def.params, req.params);
          const query = parse('query', def.query, req.query ?? {});
          const body = parse('body', def.body, req.body ?? {});
          if (Object.keys(fields).length) {
            throw new AppError('VALIDATION_ERROR', describeFields(fields), { fields });
          }
          const caller = def.auth === 'agent' ? opts.anonymousCaller : opts.authenticate(req.headers);
          const result = await def.handle({
            params,
            query,
            body,
            headers: req.headers,
            services: opts.services,
            caller,
          });
          if (isWithStatus(result)) return reply.code(result.status).send(result.body);
          if (def.status === 204) return reply.code(204).send();
          return reply.code(def.status).send(result);
        },
      });
    }
    done();
  };
}
