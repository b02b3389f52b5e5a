import { useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router-dom';
import { SessionBadge, SessionChip } from '../../features/session/components/session-badge.tsx';
import { useHealth } from './use-health.ts';

function HealthIndicator() {
  const { data, isError } = useHealth();
  const ok = data?.status === 'ok' && !isError;
  return (
    <div className="health" data-testid="health" data-ok={ok}>
      <span className={`health__dot ${ok ? 'health__dot--ok' : 'health__dot--down'}`} />
      <span>{isError ? 'server unreachable' : data ? `server ${data.status} · db ${data.database}` : 'checking…'}</span>
      {data?.version ? <span className="muted">v{data.version}</span> : null}
    </div>
  );
}

/** Shown while the server does not answer; queries keep retrying underneath and recover on their own. */
function OfflineBanner() {
  const { isError, failureCount } = useHealth();
  if (!isError) return null;
  return (
    <div className="offline-banner" role="alert" data-testid="offline-banner">
      <span className="spinner spinner--inline" aria-hidden />
      <strong>Server unreachable, retrying…</strong>
      <span className="muted small">
        {failureCount > 1 ? `${failureCount} attempts so far. ` : ''}Pages refresh by themselves when it is back;
        nothing typed here is lost.
      </span>
    </div>
  );
}

const NAV = [
  { to: '/machines', id: 'machines', icon: '▣', label: 'Machines' },
  { to: '/policies', id: 'policies', icon: '⚖', label: 'Policies' },
  { to: '/catalogue', id: 'catalogue', icon: '◈', label: 'Catalogue' },
  { to: '/audit', id: 'audit', icon: '☰', label: 'Audit log' },
] as const;

export function AppShell() {
  // The drawer (small screens) closes whenever the page changes.
  const { pathname } = useLocation();
  const [openAt, setOpenAt] = useState<string | null>(null);
  const open = openAt === pathname;
  return (
    <div className={`shell${open ? ' shell--nav-open' : ''}`}>
      <header className="topbar">
        <button
          type="button"
          className="btn btn--ghost topbar__toggle"
          aria-label={open ? 'Close navigation' : 'Open navigation'}
          aria-expanded={open}
          data-testid="nav-toggle"
          onClick={() => setOpenAt(open ? null : pathname)}
        >
          ☰
        </button>
        <span className="brand__mark">M</span>
        <span className="brand__name">Machine Markets</span>
        <SessionChip />
      </header>
      {open ? <div className="shell__scrim" onClick={() => setOpenAt(null)} aria-hidden /> : null}
      <aside className="sidebar" data-testid="sidebar">
        <div className="brand">
          <span className="brand__mark">M</span>
          <div>
            <div className="brand__name">Machine Markets</div>
            <div className="brand__sub">orchestrator console</div>
          </div>
        </div>
        <nav className="nav" aria-label="Main">
          {NAV.map((n) => (
            <NavLink
              key={n.id}
              to={n.to}
              className="nav__link"
              data-testid={`nav-${n.id}`}
              onClick={() => setOpenAt(null)}
            >
              <span className="nav__icon">{n.icon}</span> {n.label}
            </NavLink>
          ))}
        </nav>
        <div className="sidebar__foot">
          <SessionBadge />
          <HealthIndicator />
        </div>
      </aside>
      <main className="main">
        <OfflineBanner />
        <Outlet />
      </main>
    </div>
  );
}
