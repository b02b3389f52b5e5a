import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { PageHeader, Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatRelative } from '../../../lib/format.ts';
import { useMachines } from '../hooks/use-machines.ts';
import { CreateMachineForm } from './create-machine-form.tsx';

export function MachinesPage() {
  const machines = useMachines();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);

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
          <CreateMachineForm onCreated={(id) => void navigate(`/machines/${id}/graph`)} />
        </Panel>
      ) : null}
      <Panel>
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
        ) : (
          <table className="table" data-testid="machines-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Identity</th>
                <th>Type</th>
                <th>Policies</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {machines.data.items.map((m) => (
                <tr key={m.id} data-testid="machine-row" data-machine-id={m.id}>
                  <td>
                    <Link to={`/machines/${m.id}/graph`} className="strong-link">
                      {m.displayName}
                    </Link>
                    <div className="muted mono small">{m.id}</div>
                  </td>
                  <td>
                    <StatusBadge status={m.status} />
                  </td>
                  <td className="mono small">{m.identityRef}</td>
                  <td>{m.machineType}</td>
                  <td>{m.policyIds.length}</td>
                  <td className="muted">{formatRelative(m.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
