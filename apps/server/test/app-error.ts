import { AppError } from '@mm/core';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

/**
 * The error code (context B1) a tRPC call failed with: the AppError code, or VALIDATION_ERROR for
 * input the schema refused. Fails the test when the call succeeds.
 */
export async function trpcErrorCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof TRPCError)) throw err;
    if (err.cause instanceof AppError) return err.cause.code;
    if (err.cause instanceof ZodError || err.code === 'BAD_REQUEST') return 'VALIDATION_ERROR';
    return err.code;
  }
  throw new Error('expected the call to fail');
}
