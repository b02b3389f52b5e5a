import { zodIssuesToFields } from '@mm/contracts';
import type { ErrorCode } from '@mm/contracts';
import { ZodError } from 'zod';
import { currentCaller } from './lib/request-scope.ts';

/** The one error type of the domain; the edges map `code` through the table in contracts. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  /** Extra top-level fields for the REST body (execute failures carry the records, context B4). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, extra?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.extra = extra;
  }
}

export const notFound = (what: string, id: string) => new AppError('NOT_FOUND', `${what} ${id} not found`);

/** Catalogue and identity-registry writes need an administrator (context C3). */
export function requireAdmin(what: string): void {
  const caller = currentCaller();
  if (caller && !caller.admin) throw new AppError('FORBIDDEN', `${what} needs an administrator key`);
}

export const validation = (message: string, fields?: Record<string, string>) =>
  new AppError('VALIDATION_ERROR', message, fields ? { fields } : undefined);

/**
 * The one place the edges (REST and tRPC) turn a thrown value into an `AppError`: our own errors
 * pass through, zod failures become VALIDATION_ERROR with the failing fields. Database errors were
 * already translated by the store (packages/db/src/errors.ts). `null` means a bug: answer 500.
 */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    return new AppError('VALIDATION_ERROR', 'request input is invalid', { fields: zodIssuesToFields(err) });
  }
  return null;
}
