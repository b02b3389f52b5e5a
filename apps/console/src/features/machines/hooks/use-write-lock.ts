import { createContext, useContext } from 'react';

/**
 * Why writes to the current machine are refused, or null when they are allowed (context C8: a
 * machine that is not `active` is readable with `includeInactive`, but every write answers
 * `MACHINE_NOT_ACTIVE`). Provided by the machine layout; write buttons are disabled with this as
 * their title.
 */
export const WriteLockContext = createContext<string | null>(null);

export function useWriteLock(): string | null {
  return useContext(WriteLockContext);
}

export function writeLockOf(status: string | undefined): string | null {
  if (!status || status === 'active') return null;
  return `This machine is ${status}: writes are refused until it is active again`;
}
