import type { SessionView } from '@mm/contracts';
import { createContext, useContext } from 'react';

export interface SessionContextValue extends SessionView {
  /** Forgets the key and shows the sign-in form; only offered when the server requires keys. */
  signOut: () => void;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

/**
 * Who is signed in: principal, whether an administrator (catalogue and identity-registry writes;
 * docs/trust.md), whether the server requires keys. Available under the session gate only.
 */
export function useSession(): SessionContextValue {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionGate>');
  return session;
}
