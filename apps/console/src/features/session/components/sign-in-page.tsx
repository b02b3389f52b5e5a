import type { SessionView } from '@mm/contracts';
import { useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { fetchSession } from '../session-api.ts';

export function SignInFrame({ children }: { children: ReactNode }) {
  return (
    <main className="sign-in">
      <div className="sign-in__card">
        <div className="brand sign-in__brand">
          <span className="brand__mark">M</span>
          <div>
            <div className="brand__name">Machine Markets</div>
            <div className="brand__sub">orchestrator console</div>
          </div>
        </div>
        {children}
      </div>
    </main>
  );
}

/**
 * The key form (docs/console.md "Signing in"). The key is checked against `GET /api/v1/session`
 * before it is kept; a key the server refuses stays in the field (to fix a typo) with the reason.
 */
export function SignInPage({
  notice,
  onSignedIn,
}: {
  notice?: string | undefined;
  onSignedIn: (session: SessionView, key: string) => void;
}) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const candidate = key.trim();
    if (!candidate) {
      setError('Enter an API key.');
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const answer = await fetchSession(candidate);
    setBusy(false);
    if (answer.kind === 'signed-in') {
      onSignedIn(answer.session, candidate);
      return;
    }
    setError(
      answer.kind === 'refused'
        ? `This key was not accepted (${answer.code}): the server does not know it. Check it for typos, or ask for a current key.`
        : `Could not sign in: ${answer.message}. Try again.`,
    );
    input.current?.select();
  };

  return (
    <SignInFrame>
      <form className="form sign-in__form" onSubmit={(e) => void submit(e)} data-testid="sign-in" noValidate>
        <div>
          <h1 className="sign-in__title">Sign in</h1>
          <p className="muted sign-in__lead">
            This server requires an API key. The console keeps it for this tab only and forgets it when you sign out or
            close the tab.
          </p>
        </div>
        {notice ? (
          <div className="notice notice--warn" role="alert" data-testid="sign-in-notice">
            {notice}
          </div>
        ) : null}
        <label className={`field${error ? ' field--invalid' : ''}`}>
          <span className="field__label">API key</span>
          <input
            ref={input}
            type="password"
            name="api-key"
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            autoFocus
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'sign-in-error' : undefined}
            data-testid="sign-in-key"
          />
          {error ? (
            <span className="field__error" id="sign-in-error" role="alert" data-testid="sign-in-error">
              {error}
            </span>
          ) : (
            <span className="field__hint">The x-api-key your operator configured in MM_API_KEYS.</span>
          )}
        </label>
        <Button type="submit" variant="primary" busy={busy} data-testid="sign-in-submit">
          Sign in
        </Button>
      </form>
    </SignInFrame>
  );
}
