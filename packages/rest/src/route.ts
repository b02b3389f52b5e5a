import type { ErrorCode } from '@mm/contracts';
import type { Caller, Services } from '@mm/core';
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  headers: Record<string, string | string[] | undefined>;
  services: Services;
  caller: Caller;
}

/** What a handler answers: the status the route declares, or a different one it chooses. */
export type RouteResult = unknown;

export interface RouteDef<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /**
   * The tRPC procedure this route is the twin of (`tasks.execute`). The OpenAPI `operationId` is
   * derived from it (`tasks_execute`), and the parity test pairs routes with procedures through it
   * (docs/api.md "OpenAPI document").
   */
  procedure: string;
  /** Relative to /api/v1, Fastify style (`/machines/:machineId`). */
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Success status: 200, 201 or 204. */
  status: 200 | 201 | 204;
  /** Create-or-replace: 201 when it created, `status` (200) when it replaced. */
  upsert?: boolean;
  /** Response schema, for the OpenAPI document. */
  response?: z.ZodType;
  /** `api` (API key when required) or `agent` (the heartbeat authenticates itself). */
  auth?: 'api' | 'agent';
  /**
   * Error codes this route can answer besides the ones every route can (validation, API key,
   * internal, database), for the OpenAPI document's per-status responses.
   */
  errors?: ErrorCode[];
  /** Takes `If-Match: <version>` (context C1); the document lists the header. */
  versioned?: boolean;
  /**
   * The body as the document advertises it, when the route tolerates more than it advertises (an
   * edge PATCH accepts its unchanged ends but does not offer them: context B9).
   */
  documentedBody?: z.ZodType;
  /** Errors whose answer carries more than the envelope (execute's `{error, item, run, resolution}`). */
  failure?: { codes: ErrorCode[]; schema: z.ZodType };
  handle(ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>): Promise<RouteResult>;
}

/** Declares a route with inferred handler types. */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(def: RouteDef<P, Q, B>): RouteDef {
  return def;
}

/** A handler may override the declared status (create-or-update answers 201 or 200). */
export function withStatus(status: number, body: unknown): { status: number; body: unknown } {
  return { [STATUS]: true, status, body } as unknown as { status: number; body: unknown };
}
export const STATUS = Symbol('status');
export function isWithStatus(v: unknown): v is { status: number; body: unknown } {
  return typeof v === 'object' && v !== null && STATUS in v;
}
