import { useSession } from '../hooks/use-session.ts';

/** Who is signed in and what they may do; the sign-out only where keys are required. */
export function SessionBadge() {
  const { principal, admin, authRequired, signOut } = useSession();
  return (
    <div className="who" data-testid="session" data-principal={principal} data-admin={admin}>
      <div className="who__line">
        <span className="who__principal mono" data-testid="session-principal" title={`Signed in as ${principal}`}>
          {principal}
        </span>
        <span className={`badge ${admin ? 'badge--violet' : 'badge--grey'}`} data-testid="session-role">
          {admin ? 'administrator' : 'owner'}
        </span>
      </div>
      <div className="who__hint muted small">
        {!authRequired
          ? 'API keys are off on this server'
          : admin
            ? 'sees and changes everything'
            : 'sees its own machines and policies'}
      </div>
      {authRequired ? (
        <button type="button" className="btn btn--ghost btn--sm who__out" onClick={signOut} data-testid="sign-out">
          Sign out
        </button>
      ) : null}
    </div>
  );
}

/** The same, compact, in the small screens' top bar (the drawer holds the full badge and sign-out). */
export function SessionChip() {
  const { principal, admin } = useSession();
  return (
    <span className="topbar__who" data-testid="session-chip" title={`Signed in as ${principal}`}>
      <span className="mono topbar__principal">{principal}</span>
      {admin ? <span className="badge badge--violet">admin</span> : null}
    </span>
  );
}
