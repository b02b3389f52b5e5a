import { Link, useNavigate, useParams } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx';
import { PageHeader, Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { Tag } from '../../../components/ui/status-badge.tsx';
import { formatRelative } from '../../../lib/format.ts';
import { useCreatePolicy, useDeletePolicy, usePolicies, usePolicy, useUpdatePolicy } from '../hooks/use-policies.ts';
import { PolicyForm } from './policy-form.tsx';

function NewPolicy() {
  const create = useCreatePolicy();
  const navigate = useNavigate();
  return (
    <Panel title="New policy" testId="policy-editor">
      <PolicyForm
        busy={create.isPending}
        error={create.error}
        submitLabel="Create policy"
        onSubmit={(body) => create.mutate(body, { onSuccess: (p) => void navigate(`/policies/${p.id}`) })}
      />
    </Panel>
  );
}

function EditPolicy({ policyId }: { policyId: string }) {
  const policy = usePolicy(policyId);
  const update = useUpdatePolicy();
  const del = useDeletePolicy();
  const navigate = useNavigate();
  if (policy.isPending)
    return (
      <Panel title="Policy">
        <Loading />
      </Panel>
    );
  if (policy.isError)
    return (
      <Panel title="Policy">
        <ErrorNotice error={policy.error} onRetry={() => void policy.refetch()} />
      </Panel>
    );
  const p = policy.data;
  return (
    <Panel
      title={`Edit: ${p.name}`}
      testId="policy-editor"
      actions={
        <ConfirmButton
          size="sm"
          busy={del.isPending}
          confirmLabel="Really delete?"
          data-testid="policy-delete"
          onConfirm={() => del.mutate({ policyId }, { onSuccess: () => void navigate('/policies') })}
        >
          Delete
        </ConfirmButton>
      }
    >
      {/* keyed by updatedAt so the form reloads when the record changes */}
      <PolicyForm
        key={p.updatedAt}
        policy={p}
        busy={update.isPending}
        error={update.error}
        submitLabel="Save changes"
        onSubmit={(body) => update.mutate({ policyId, ...body })}
      />
      <ErrorNotice error={del.error} testId="policy-delete-error" />
      <p className="muted small">
        <Link to={`/audit?resourceType=policy&resourceId=${encodeURIComponent(policyId)}`}>
          Audit events of this policy →
        </Link>
      </p>
    </Panel>
  );
}

export function PoliciesPage() {
  const { policyId } = useParams();
  const policies = usePolicies();
  const navigate = useNavigate();
  const creating = policyId === undefined;

  return (
    <div className="page">
      <PageHeader
        title="Policies"
        subtitle="Cross-cutting rules that discovery applies to every machine they govern."
        actions={
          !creating ? (
            <Button variant="primary" onClick={() => void navigate('/policies')} data-testid="new-policy">
              New policy
            </Button>
          ) : null
        }
      />
      <div className="grid-2 grid-2--list">
        <Panel title="All policies">
          {policies.isPending ? (
            <Loading />
          ) : policies.isError ? (
            <ErrorNotice error={policies.error} onRetry={() => void policies.refetch()} />
          ) : policies.data.items.length === 0 ? (
            <EmptyState title="No policies">Create one with the form.</EmptyState>
          ) : (
            <ul className="select-list" data-testid="policies-list">
              {policies.data.items.map((p) => (
                <li key={p.id}>
                  <Link
                    to={`/policies/${p.id}`}
                    className={`select-list__item${p.id === policyId ? ' is-active' : ''}`}
                    data-testid="policy-row"
                    data-policy-id={p.id}
                  >
                    <div className="strong">{p.name}</div>
                    <div className="row gap-sm wrap small">
                      {p.deniedSkillKeys.map((k) => (
                        <Tag key={`d-${k}`}>deny {k}</Tag>
                      ))}
                      {p.allowedSkillKeys.map((k) => (
                        <Tag key={`a-${k}`}>allow {k}</Tag>
                      ))}
                      {p.nativeOnly ? <Tag>native only</Tag> : null}
                      {!p.handoffAllowed ? <Tag>no handoff</Tag> : null}
                      {p.budgetCap ? <Tag>{`≤ ${p.budgetCap.amount} ${p.budgetCap.currency}`}</Tag> : null}
                      {p.regionRules.length ? <Tag>{`regions ${p.regionRules.join(', ')}`}</Tag> : null}
                    </div>
                    <div className="muted small">updated {formatRelative(p.updatedAt)}</div>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        {creating ? <NewPolicy /> : <EditPolicy key={policyId} policyId={policyId} />}
      </div>
    </div>
  );
}
