import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_TABLE, zodIssuesToFields } from '@mm/contracts';
import type { ErrorBody, ErrorCode } from '@mm/contracts';
import { AppError, RawJson, runAs, toAppError } from '@mm/core';
import type { Caller, Services } from '@mm/core';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { isWithStatus } from './route.ts';
import type { RouteDef } from './route.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { registerEventStream } from './events.ts';

export interface RestOptions {
  services: Services;
  routes: RouteDef[];
  /** Resolves the caller from headers; throws AppError(API_KEY_*) when the key is required and wrong. */
  authenticate(headers: Record<string, string | string[] | undefined>): Caller;
  /** The caller for routes that authenticate themselves (the agent heartbeat). */
  anonymousCaller: Caller;
  version: string;
  /** The change feed's heartbeat period and the shutdown signal that ends open streams. */
  events?: { heartbeatMs?: number; shutdown?: AbortSignal };
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

/** Node's parser error codes (llhttp `HPE_*`) grouped into what we tell the client. */
function describeClientError(code: string | undefined): { code: ErrorCode; message: string } {
  switch (code ?? '') {
    case 'HPE_HEADER_OVERFLOW':
      return { code: 'HEADERS_TOO_LARGE', message: 'the request headers are too large (at most 16 KiB)' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { code: 'REQUEST_TIMEOUT', message: 'the request was not received in time' };
    case 'HPE_INVALID_METHOD':
    case 'HPE_INVALID_URL':
    case 'HPE_INVALID_VERSION':
      return { code: 'VALIDATION_ERROR', message: 'the HTTP request line is malformed' };
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_LF_EXPECTED':
    case 'HPE_CR_EXPECTED':
      return { code: 'VALIDATION_ERROR', message: 'a request header is malformed' };
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_INVALID_CHUNK_SIZE':
      return {
        code: 'VALIDATION_ERROR',
        message: 'the request body framing (Content-Length, Transfer-Encoding) is malformed',
      };
    default:
      return { code: 'VALIDATION_ERROR', message: 'the HTTP request is malformed' };
  }
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses before Fastify sees them (bad
 * request lines, header syntax, oversized or too many headers) answer in the error envelope too,
 * with a 4xx status, and the connection closes (context C5; docs/api.md "Input limits").
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || socket.destroyed) {
    socket.destroy();
    return;
  }
  const { code, message } = describeClientError(err.code);
  const status = ERROR_TABLE[code].http;
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
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
    const patterns = [...compilePatterns(opts.routes), { method: 'GET', regex: /^\/events\/?$/ }];

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

    registerEventStream(app, {
      services: opts.services,
      authenticate: (headers) => opts.authenticate(headers),
      ...opts.events,
    });

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
          const handle = () =>
            def.handle({ params, query, body, headers: req.headers, services: opts.services, caller });
          // The agent heartbeat authenticates itself and sets its own scope (docs/trust.md).
          const result = await (def.auth === 'agent' ? handle() : runAs(caller, handle));
          if (isWithStatus(result)) return reply.code(result.status).send(result.body);
          if (result instanceof RawJson) {
            const body =
              typeof result.text === 'string'
                ? result.text
                : Buffer.from(result.text.buffer, result.text.byteOffset, result.text.byteLength);
            return reply.code(def.status).type('application/json').send(body);
          }
          if (def.status === 204) return reply.code(204).send();
          return reply.code(def.status).send(result);
        },
      });
    }
    done();
  };
}
