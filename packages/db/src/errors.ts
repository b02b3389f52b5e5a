/**
 * The one place where a database error becomes an `AppError` (docs/faults.md). Everything the
 * store hands back to core has gone through `translateDbError`, so the edges only ever see
 * `AppError`s (or a genuine bug, which they answer 500).
 */
import { AppError } from '@mm/core';
import { Prisma } from './generated/prisma/client.ts';

/** Prisma codes that mean "the database cannot be reached or cannot answer in time". */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
/** SQLSTATEs of a lost or refused connection, a server shutting down, or a statement timeout. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-5]|53300|57014)$/;
/** Serialization failures and deadlocks: a concurrent writer won; the caller may retry. */
const RETRYABLE_SQLSTATE = /^(40001|40P01)$/;
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|Connection terminated|connection error|timeout exceeded when trying to connect|Query read timeout|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Can't reach database server|Server has closed the connection/i;

interface AdapterCause {
  kind?: string;
  code?: string;
  severity?: string;
}

/**
 * A FATAL (or PANIC) error ends the session: the server refused or dropped the connection (not
 * accepting connections, database gone, terminated), whatever its SQLSTATE.
 */
const sessionEnded = (severity: unknown) => severity === 'FATAL' || severity === 'PANIC';

function adapterCause(err: Prisma.PrismaClientKnownRequestError): AdapterCause | undefined {
  const meta = err.meta as { driverAdapterError?: { cause?: AdapterCause } } | undefined;
  return meta?.driverAdapterError?.cause;
}

/** A short, classified description of an outage, for the one log line per episode. */
export function unavailableReason(err: unknown): string | null {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    const cause = adapterCause(err);
    if (UNAVAILABLE_PRISMA_CODES.has(err.code)) return `${err.code}${cause?.kind ? ` ${cause.kind}` : ''}`;
    if (cause?.kind && UNAVAILABLE_ADAPTER_KINDS.has(cause.kind)) return cause.kind;
    if (
      cause?.kind === 'postgres' &&
      cause.code &&
      (UNAVAILABLE_SQLSTATE.test(cause.code) || sessionEnded(cause.severity))
    )
      return `SQLSTATE ${cause.code}`;
    return null;
  }
  if (err instanceof Prisma.PrismaClientInitializationError) return 'cannot connect';
  if (err instanceof Prisma.PrismaClientRustPanicError) return null;
  if (err instanceof Prisma.PrismaClientUnknownRequestError || err instanceof Error) {
    const { code, severity } = err as { code?: unknown; severity?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || sessionEnded(severity)))
      return `SQLSTATE ${code}`;
    if (UNAVAILABLE_MESSAGE.test(err.message)) return err.message.split('\n')[0]?.slice(0, 120) ?? 'connection lost';
  }
  return null;
}

export class DatabaseUnavailableError extends AppError {
  constructor(readonly reason: string) {
    super('DATABASE_UNAVAILABLE', 'the database is unavailable; retry shortly');
  }
}

/**
 * Maps a thrown value onto the error table: unique violations → 409 (a concurrent writer won),
 * foreign-key violations → 400 (a referenced record is gone), missing rows → 404, outages → 503.
 * Anything else is returned unchanged.
 */
export function translateDbError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const reason = unavailableReason(err);
  if (reason) return new DatabaseUnavailableError(reason);
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return err;
  const target = JSON.stringify(err.meta ?? {});
  switch (err.code) {
    case 'P2002':
      if (target.includes('identityRef') && target.includes('Machine')) {
        return new AppError('MACHINE_IDENTITY_EXISTS', 'a machine with this identityRef exists');
      }
      return new AppError('VERSION_CONFLICT', 'a concurrent change conflicted with this one; retry');
    case 'P2003': {
      const fields: Record<string, string> = {};
      for (const f of ['sourceNodeId', 'targetNodeId', 'machineId'] as const) {
        if (target.includes(f)) fields[f] = 'names a record that no longer exists';
      }
      return new AppError('VALIDATION_ERROR', 'a referenced record no longer exists', { fields });
    }
    case 'P2025':
      return new AppError('NOT_FOUND', 'the record no longer exists');
    case 'P2034':
      return new AppError('VERSION_CONFLICT', 'a concurrent change conflicted with this one; retry');
    default: {
      const cause = adapterCause(err);
      if (cause?.code && RETRYABLE_SQLSTATE.test(cause.code)) {
        return new AppError('VERSION_CONFLICT', 'a concurrent change conflicted with this one; retry');
      }
      return err;
    }
  }
}
