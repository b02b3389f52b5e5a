import { MACHINE_STATUSES } from '@mm/contracts';
import type { MachineStatus, MachineView } from '@mm/contracts';
import { Link } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { StatusBadge, Tag } from '../../../components/ui/status-badge.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { usePolicies } from '../../policies/hooks/use-policies.ts';
import { useMachine, useUpdateMachine } from '../hooks/use-machines.ts';
import { useMachineId } from '../hooks/use-machine-id.ts';
import { IdentityControllers } from './identity-controllers.tsx';

function StatusControl({ machine }: { machine: MachineView }) {
  const update = useUpdateMachine(machine.id);
  return (
    <Panel title="Status">
      <div className="row gap">
        <StatusBadge status={machine.status} />
        <select
          value={machine.status}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ machineId: machine.id, status: e.target.value as MachineStatus })}
          className="status-select"
          data-testid="machine-status-select"
          aria-label="Machine status"
        >
          {MACHINE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        {update.isPending ? <span className="muted">saving…</span> : null}
      </div>
      <p className="muted small">Only an active machine can run tasks, hold endpoints or edit its graph.</p>
      <ErrorNotice error={update.error} testId="machine-status-error" />
    </Panel>
  );
}

function PolicyControl({ machine }: { machine: MachineView }) {
  const policies = usePolicies();
  const update = useUpdateMachine(machine.id);
  const attached = new Set(machine.policyIds);
  const setPolicies = (ids: string[]) => update.mutate({ machineId: machine.id, policyIds: ids });

  return (
    <Panel title="Governing policies" actions={<Link to="/policies">Manage policies →</Link>} testId="machine-policies">
      {policies.isPending ? (
        <Loading label="Loading policies…" />
      ) : policies.isError ? (
        <ErrorNotice error={policies.error} onRetry={() => void policies.refetch()} />
      ) : policies.data.items.length === 0 ? (
        <EmptyState title="No policies exist" action={<Link to="/policies">Create one</Link>}>
          Policies restrict which skills, regions and budgets discovery may pick.
        </EmptyState>
      ) : (
        <ul className="check-list">
          {policies.data.items.map((p) => {
            const on = attached.has(p.id);
            return (
              <li key={p.id} className="check-list__item" data-testid="machine-policy" data-policy-id={p.id}>
                <div>
                  <div className="strong">{p.name}</div>
                  <div className="muted small">
                    {p.deniedSkillKeys.length ? `denies ${p.deniedSkillKeys.join(', ')} · ` : ''}
                    {p.allowedSkillKeys.length ? `allows only ${p.allowedSkillKeys.join(', ')} · ` : ''}
                    {p.nativeOnly ? 'native only · ' : ''}
                    {p.budgetCap ? `budget ≤ ${p.budgetCap.amount} ${p.budgetCap.currency}` : 'no budget cap'}
                  </div>
                </div>
                <Button
                  size="sm"
                  variant={on ? 'secondary' : 'primary'}
                  disabled={update.isPending}
                  data-testid={on ? 'detach-policy' : 'attach-policy'}
                  onClick={() =>
                    setPolicies(on ? machine.policyIds.filter((id) => id !== p.id) : [...machine.policyIds, p.id])
                  }
                >
                  {on ? 'Detach' : 'Attach'}
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      {machine.policyIds.some((id) => policies.data && !policies.data.items.some((p) => p.id === id)) ? (
        <p className="muted small">Some attached policy ids are not in the first page of policies.</p>
      ) : null}
      <ErrorNotice error={update.error} testId="machine-policies-error" />
    </Panel>
  );
}

export function MachineOverview() {
  const machineId = useMachineId();
  const machine = useMachine(machineId);
  if (machine.isPending) return <Loading />;
  if (machine.isError) return <ErrorNotice error={machine.error} onRetry={() => void machine.refetch()} />;
  const m = machine.data;
  return (
    <div className="grid-2">
      <div className="stack">
        <StatusControl machine={m} />
        <PolicyControl machine={m} />
        <IdentityControllers identityRef={m.identityRef} />
      </div>
      <Panel title="Details">
        <dl className="dl">
          <dt>Id</dt>
          <dd className="mono">{m.id}</dd>
          <dt>Identity</dt>
          <dd className="mono">{m.identityRef}</dd>
          <dt>Identity proof</dt>
          <dd>
            {m.identityProof ? `verified ${formatDateTime(m.identityProof.verifiedAt)}` : 'none (verification off)'}
          </dd>
          <dt>Owner</dt>
          <dd>{m.ownerId}</dd>
          <dt>Machine type</dt>
          <dd>{m.machineType}</dd>
          <dt>Runtime profile</dt>
          <dd>{m.runtimeProfile}</dd>
          <dt>Capabilities</dt>
          <dd>
            {m.capabilities.length ? (
              m.capabilities.map((c) => <Tag key={c}>{c}</Tag>)
            ) : (
              <span className="muted">none</span>
            )}
          </dd>
          <dt>Skills</dt>
          <dd>
            {m.skillKeys.length ? m.skillKeys.map((c) => <Tag key={c}>{c}</Tag>) : <span className="muted">none</span>}
          </dd>
          <dt>Labels</dt>
          <dd>
            {Object.keys(m.labels).length ? (
              Object.entries(m.labels).map(([k, v]) => <Tag key={k}>{`${k}=${v}`}</Tag>)
            ) : (
              <span className="muted">none</span>
            )}
          </dd>
          <dt>Created</dt>
          <dd>{formatDateTime(m.createdAt)}</dd>
          <dt>Updated</dt>
          <dd>{formatDateTime(m.updatedAt)}</dd>
        </dl>
        <p className="small">
          {/* Machine scope: the events of everything the machine holds, not only the machine's own. */}
          <Link to={`/audit?machineId=${encodeURIComponent(m.id)}`} data-testid="machine-audit-link">
            Events of this machine (graph, tasks, runs, endpoints, agents) →
          </Link>
        </p>
      </Panel>
    </div>
  );
}
