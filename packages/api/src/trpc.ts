import { ERROR_TABLE } from '@mm/contracts';
import type { ErrorCode } from '@mm/contracts';
import { runAs, toAppError } from '@mm/core';
import { initTRPC, TRPCError } from '@trpc/server';
import type { z } from 'zod';
import type { Context } from './context.ts';

const t = initTRPC.context<Context>().create({
  // Subscriptions (events.onMachine) stream over SSE; pings keep idle proxies from closing them.
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 20_000 } },
  errorFormatter({ shape, error }) {
    const cause = toAppError(error.cause);
    let code: ErrorCode = 'INTERNAL_ERROR';
    let details: Record<string, unknown> | undefined;
    let extra: Record<string, unknown> | undefined;
    let message = shape.message;
    if (cause) {
      code = cause.code;
      details = cause.details;
      extra = cause.extra;
      message = cause.message;
    } else if (error.code === 'BAD_REQUEST' || error.code === 'PARSE_ERROR') {
      code = 'VALIDATION_ERROR';
    } else if (error.code === 'NOT_FOUND') {
      code = 'NOT_FOUND';
    } else if (error.code === 'PAYLOAD_TOO_LARGE') {
      code = 'PAYLOAD_TOO_LARGE';
    } else if (error.code === 'METHOD_NOT_SUPPORTED') {
      code = 'METHOD_NOT_ALLOWED';
    } else if (error.code === 'UNSUPPORTED_MEDIA_TYPE') {
      code = 'UNSUPPORTED_MEDIA_TYPE';
    }
    if (code === 'INTERNAL_ERROR') message = 'internal error';
    return {
      ...shape,
      message,
      data: {
        code: shape.data.code,
        httpStatus: ERROR_TABLE[code].http,
        appCode: code,
        ...(details && { details }),
        ...(extra && { extra }),
      },
    };
  },
});

/**
 * Maps `AppError` onto the tRPC code of the one error table. In tRPC v11 `next()` resolves to
 * `{ ok: false, error }` rather than throwing, so the result is inspected.
 */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  const cause = result.ok ? null : toAppError(result.error.cause);
  if (!result.ok && cause) {
    throw new TRPCError({ code: ERROR_TABLE[cause.code].trpc, message: cause.message, cause });
  }
  return result;
});

/** API-key check when the deployment requires it (context A1); runs after input validation. */
const apiKey = t.middleware(async ({ ctx, next }) => {
  ctx.authenticate();
  // Everything the procedure does runs as this caller (docs/trust.md).
  return runAs(ctx.caller, () => next());
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(appErrors);

/**
 * A procedure with input: the input is validated first, then the API key is checked (context B9:
 * validation runs before authentication).
 */
export const procedureWith = <S extends z.ZodType>(schema: S) => publicProcedure.input(schema).use(apiKey);
/** A procedure without input, behind the API key. */
export const authedProcedure = publicProcedure.use(apiKey);
