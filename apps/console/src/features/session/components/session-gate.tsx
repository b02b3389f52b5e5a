import type { SessionView } from '@mm/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { forgetSession, onUnauthorized, readApiKey, storeApiKey } from '../../../lib/api-key.ts';
import { SessionContext } from '../hooks/use-session.ts';
import type { SessionContextValue } from '../hooks/use-session.ts';
import { fetchSession } from '../session-api.ts';
import { SignInPage, SignInFrame } from './sign-in-page.tsx';

export const KEY_NOT_ACCEPTED =
  'Your key was not accepted. It may have been revoked or rotated: sign in with a current key.';

type Gate =
  | { state: 'checking' }
  | { state: 'unavailable'; message: string; attempt: number }
  | { state: 'signed-out'; notice?: string }
  | { state: 'signed-in'; session: SessionView };

/**
 * Asks the server who this tab is before anything else renders (docs/console.md "Signing in"):
 * with auth off it is `local`, an administrator, and the console opens; a server that requires
 * keys and has none (or a stale one) for this tab gets the sign-in form. Any 401 later — the key
 * was revoked or rotated — forgets the key and every cached answer and comes back here.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [gate, setGate] = useState<Gate>({ state: 'checking' });

  useEffect(() => {
    if (gate.state !== 'checking' && gate.state !== 'unavailable') return;
    let cancelled = false;
    const attempt = gate.state === 'unavailable' ? gate.attempt : 0;
    const timer = setTimeout(
      () => {
        const key = readApiKey();
        void fetchSession(key).then((answer) => {
          if (cancelled) return;
          if (answer.kind === 'signed-in') {
            setGate({ state: 'signed-in', session: answer.session });
          } else if (answer.kind === 'refused') {
            forgetSession();
            setGate(key ? { state: 'signed-out', notice: KEY_NOT_ACCEPTED } : { state: 'signed-out' });
          } else {
            setGate({ state: 'unavailable', message: answer.message, attempt: attempt + 1 });
          }
        });
      },
      attempt === 0 ? 0 : Math.min(500 * 2 ** attempt, 5_000),
    );
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [gate]);

  useEffect(
    () =>
      onUnauthorized(() => {
        forgetSession();
        setGate({ state: 'signed-out', notice: KEY_NOT_ACCEPTED });
      }),
    [],
  );

  // Once the pages are gone, drop what they read: the next principal must not see it.
  useEffect(() => {
    if (gate.state === 'signed-out') queryClient.clear();
  }, [gate.state, queryClient]);

  const signOut = useCallback(() => {
    forgetSession();
    setGate({ state: 'signed-out' });
  }, []);
  const signedIn = useCallback((session: SessionView, key: string) => {
    storeApiKey(key);
    setGate({ state: 'signed-in', session });
  }, []);

  const session = gate.state === 'signed-in' ? gate.session : null;
  const value = useMemo<SessionContextValue | null>(
    () => (session ? { ...session, signOut } : null),
    [session, signOut],
  );

  if (gate.state === 'signed-out') return <SignInPage notice={gate.notice} onSignedIn={signedIn} />;
  if (!value) {
    return (
      <SignInFrame>
        <div className="sign-in__status" role="status" data-testid="session-checking">
          <span className="spinner spinner--inline" aria-hidden />
          {gate.state === 'unavailable' ? `Server unreachable (${gate.message}), retrying…` : 'Connecting…'}
        </div>
      </SignInFrame>
    );
  }
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
