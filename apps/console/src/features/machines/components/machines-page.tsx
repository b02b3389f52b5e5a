import { MACHINE_STATUSES } from '@mm/contracts';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { PageHeader, Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { filterMachines } from '../health.ts';
import { HealthSummary } from './health-summary.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { useMachines } from '../hooks/use-machines.ts';
import { CreateMachineForm } from './create-machine-form.tsx';

export function MachinesPage() {
  const machines = useMachines();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const toast = useToast();
  // Search and filter live in the URL, so a reload or a shared link keeps them.
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const status = params.get('status') ?? '';
  const setParam = (k: string, v: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (v) next.set(k, v);
        else next.delete(k);
        return next;
      },
      { replace: true },
    );
  const shown = useMemo(() => filterMachines(machines.data?.items ?? [], { q, status }), [machines.data, q, status]);

  return (
    <div className="page">
      <PageHeader
        title="Machines"
        subtitle="Every machine the orchestrator manages: its graph, tasks, runtimes and agents."
        actions={
          <Button variant="primary" onClick={() => setCreating((v) => !v)} data-testid="new-machine">
            {creating ? 'Cancel' : 'New machine'}
          </Button>
        }
      />
      {creating ? (
        <Panel title="Create a machine">
          <CreateMachineForm
            onCreated={(id, name) => {
              toast({ message: `Machine ${name} created` });
              void navigate(`/machines/${id}/graph`);
            }}
          />
        </Panel>
      ) : null}
      <Panel>
        <div className="filters filters--inline" data-testid="machines-filters">
          <input
            type="search"
            value={q}
            onChange={(e) => setParam('q', e.target.value)}
            placeholder="Search name or identity"
            aria-label="Search machines by name or identity"
            data-testid="machines-search"
          />
          <select
            value={status}
            onChange={(e) => setParam('status', e.target.value)}
            aria-label="Filter by status"
            data-testid="machines-filter-status"
          >
            <option value="">any status</option>
            {MACHINE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          {machines.data ? (
            <span className="muted small" data-testid="machines-count">
              {shown.length} of {machines.data.items.length}
            </span>
          ) : null}
        </div>
        {machines.isPending ? (
          <Loading label="Loading machines…" />
        ) : machines.isError ? (
          <ErrorNotice error={machines.error} onRetry={() => void machines.refetch()} />
        ) : machines.data.items.length === 0 ? (
          <EmptyState
            title="No machines yet"
            action={
              <Button variant="primary" onClick={() => setCreating(true)}>
                Create the first machine
              </Button>
            }
          >
            A machine is identified by a peaq DID or a peaqOS machine id.
          </EmptyState>
        ) : shown.length === 0 ? (
          <EmptyState title="No machines match" action={<Button onClick={() => setParams({})}>Clear filters</Button>}>
            Nothing matches “{q}”{status ? ` with status ${status}` : ''}.
          </EmptyState>
        ) : (
          <table className="table table--stack" data-testid="machines-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Health</th>
                <th>Identity</th>
                <th>Type</th>
                <th>Policies</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((m) => (
                <tr key={m.id} data-testid="machine-row" data-machine-id={m.id}>
                  <td data-label="Name">
                    <Link to={`/machines/${m.id}/graph`} className="strong-link">
                      {m.displayName}
                    </Link>
                    <div className="muted mono small wrap-anywhere">{m.id}</div>
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={m.status} />
                  </td>
                  <td data-label="Health">
                    <HealthSummary machineId={m.id} />
                  </td>
                  <td className="mono small wrap-anywhere" data-label="Identity">
                    {m.identityRef}
                  </td>
                  <td data-label="Type">{m.machineType}</td>
                  <td data-label="Policies">{m.policyIds.length}</td>
                  <td className="muted" title={formatDateTime(m.updatedAt)} data-label="Updated">
                    {formatRelative(m.updatedAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
