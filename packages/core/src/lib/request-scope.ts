/**
 * Who the current request acts for (docs/trust.md). The edges (the REST plugin and the tRPC API-key
 * middleware) run each request inside `runAs(caller)`; the machine guard, the owner filters and the
 * audit log read it from here, so no use case can forget to pass it. Background passes run outside
 * any scope: they act as the system.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from '../deps.ts';

const scope = new AsyncLocalStorage<Caller>();

export function runAs<T>(caller: Caller, fn: () => T): T {
  return scope.run(caller, fn);
}

export function currentCaller(): Caller | undefined {
  return scope.getStore();
}

/** The audit `principal` of what runs now: the API-key owner, `local`, an agent id, or `system`. */
export function currentPrincipal(): string {
  return scope.getStore()?.ownerId ?? 'system';
}

/**
 * Whether the current caller may see a record owned by `ownerId`: administrators and the system see
 * everything; an agent acts only on the machine its token belongs to (checked by the heartbeat).
 */
export function maySee(ownerId: string): boolean {
  const caller = scope.getStore();
  return !caller || caller.admin === true || caller.kind === 'agent' || caller.ownerId === ownerId;
}

/** The owner a list must be narrowed to, or undefined when the caller sees everything. */
export function ownerFilter(): string | undefined {
  const caller = scope.getStore();
  return !caller || caller.admin === true || caller.kind === 'agent' ? undefined : caller.ownerId;
}
