import { Link, NavLink, Outlet, useLocation } from 'react-router-dom';
import { ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { useMachineId } from '../hooks/use-machine-id.ts';
import { usePrefetchGraph } from '../../graph/hooks/use-graph.ts';
import { useMachine } from '../hooks/use-machines.ts';
import { writeLockOf, WriteLockContext } from '../hooks/use-write-lock.ts';
import { HealthSummary } from './health-summary.tsx';

const TABS = [
  { to: '', id: 'overview', label: 'Overview' },
  { to: 'graph', id: 'graph', label: 'Graph' },
  { to: 'tasks', id: 'tasks', label: 'Tasks' },
  { to: 'endpoints', id: 'endpoints', label: 'Runtime endpoints' },
  { to: 'agents', id: 'agents', label: 'Agents' },
  { to: 'runs', id: 'runs', label: 'Runs' },
] as const;

/** What each status means for orchestration (the reference's machine statuses). */
const REASONS: Record<string, string> = {
  draft: 'A draft machine is not yet in service.',
  degraded: 'A degraded machine is taken out of orchestration until an operator restores it.',
  blocked: 'A blocked machine is refused by the orchestrator.',
  archived: 'An archived machine is kept for its history only.',
};

export function MachineLayout() {
  const machineId = useMachineId();
  const machine = useMachine(machineId);
  usePrefetchGraph(machineId, useLocation().pathname.endsWith('/graph'));
  const lock = writeLockOf(machine.data?.status);
  return (
    <div className="machine-layout">
      <header className="machine-header">
        <div className="machine-header__crumbs">
          <Link to="/machines">Machines</Link> <span className="muted">/</span>
        </div>
        {machine.isPending ? (
          <Loading label="Loading machine…" />
        ) : machine.isError ? (
          <ErrorNotice error={machine.error} onRetry={() => void machine.refetch()} />
        ) : (
          <div className="machine-header__row">
            <h1 className="machine-header__title" data-testid="machine-title">
              {machine.data.displayName}
            </h1>
            <StatusBadge status={machine.data.status} testId="machine-status-badge" />
            <HealthSummary machineId={machineId} />
            <span className="mono small muted wrap-anywhere">{machine.data.identityRef}</span>
          </div>
        )}
        <nav className="tabs" aria-label="Machine sections">
          {TABS.map((t) => (
            <NavLink
              key={t.id}
              to={t.to === '' ? `/machines/${machineId}` : `/machines/${machineId}/${t.to}`}
              end={t.to === ''}
              className="tabs__tab"
              data-testid={`tab-${t.id}`}
            >
              {t.label}
            </NavLink>
          ))}
        </nav>
      </header>
      {machine.data && machine.data.status !== 'active' ? (
        <div className="notice notice--warn machine-inactive" data-testid="machine-inactive">
          Orchestration is closed: this machine is{' '}
          <strong data-testid="machine-inactive-status">{machine.data.status}</strong>.{' '}
          {REASONS[machine.data.status] ?? ''} Its graph, tasks, endpoints, agents and runs are shown read-only; writes
          answer <code>MACHINE_NOT_ACTIVE</code> until it is active again. Change the status on the{' '}
          <Link to={`/machines/${machineId}`}>Overview</Link> tab.
        </div>
      ) : null}
      <div className="machine-content">
        <WriteLockContext.Provider value={lock}>
          <Outlet />
        </WriteLockContext.Provider>
      </div>
    </div>
  );
}
