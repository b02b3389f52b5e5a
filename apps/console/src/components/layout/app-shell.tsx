import { NavLink, Outlet } from 'react-router-dom';
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

export function AppShell() {
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand__mark">M</span>
          <div>
            <div className="brand__name">Machine Markets</div>
            <div className="brand__sub">orchestrator console</div>
          </div>
        </div>
        <nav className="nav" aria-label="Main">
          <NavLink to="/machines" className="nav__link" data-testid="nav-machines">
            <span className="nav__icon">▣</span> Machines
          </NavLink>
          <NavLink to="/policies" className="nav__link" data-testid="nav-policies">
            <span className="nav__icon">⚖</span> Policies
          </NavLink>
          <NavLink to="/audit" className="nav__link" data-testid="nav-audit">
            <span className="nav__icon">☰</span> Audit log
          </NavLink>
        </nav>
        <div className="sidebar__foot">
          <HealthIndicator />
        </div>
      </aside>
      <main className="main">
        <Outlet />
      </main>
    </div>
  );
}
