import type { EnrolledMachineAgentView } from '@mm/contracts';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx';
import { CopyButton } from '../../../components/ui/copy-button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { StatusBadge, Tag } from '../../../components/ui/status-badge.tsx';
import { formatDateTime, formatRelative, parseList } from '../../../lib/format.ts';
import { useMachineId } from '../../machines/hooks/use-machine-id.ts';
import { useAgents, useEnrollAgent, useRevokeAgent } from '../hooks/use-agents.ts';
import { useWriteLock } from '../../machines/hooks/use-write-lock.ts';

/** The token exists only in this component's state: leaving the page forgets it for good. */
function TokenReveal({ agent, onDismiss }: { agent: EnrolledMachineAgentView; onDismiss: () => void }) {
  return (
    <div className="token-reveal" data-testid="agent-token-reveal">
      <div className="notice notice--warn">
        <strong>Copy this token now.</strong> It will not be shown again: the server keeps only its hash. The agent
        sends it with every heartbeat.
      </div>
      <div className="token-reveal__row">
        <code className="token-reveal__token" data-testid="agent-token">
          {agent.agentToken}
        </code>
        <CopyButton text={agent.agentToken} testId="agent-token-copy" />
      </div>
      <div className="muted small">
        agent <span className="mono">{agent.id}</span> · machine <span className="mono">{agent.machineId}</span>
      </div>
      <Button size="sm" onClick={onDismiss} data-testid="agent-token-dismiss">
        I have stored it
      </Button>
    </div>
  );
}

function EnrollForm({
  machineId,
  onEnrolled,
}: {
  machineId: string;
  onEnrolled: (a: EnrolledMachineAgentView) => void;
}) {
  const enroll = useEnrollAgent(machineId);
  const lock = useWriteLock();
  const [label, setLabel] = useState('');
  const [providerKeys, setProviderKeys] = useState('qvac');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const keys = parseList(providerKeys);
    enroll.mutate(
      { machineId, ...(label.trim() && { label: label.trim() }), ...(keys.length && { allowedProviderKeys: keys }) },
      {
        onSuccess: (agent) => {
          setLabel('');
          onEnrolled(agent);
        },
      },
    );
  };
  return (
    <form className="form" onSubmit={submit} data-testid="enroll-agent-form">
      <div className="form__grid">
        <Field label="Label" hint='default "Machine runtime agent"'>
          <input value={label} onChange={(e) => setLabel(e.target.value)} data-testid="agent-label" />
        </Field>
        <Field label="Allowed provider keys" hint="comma-separated; default qvac">
          <input
            value={providerKeys}
            onChange={(e) => setProviderKeys(e.target.value)}
            data-testid="agent-provider-keys"
          />
        </Field>
      </div>
      <ErrorNotice error={enroll.error} testId="enroll-agent-error" />
      <div className="form__actions">
        <Button
          type="submit"
          variant="primary"
          busy={enroll.isPending}
          disabled={lock !== null}
          title={lock ?? undefined}
          data-testid="enroll-agent-submit"
        >
          Enroll agent
        </Button>
      </div>
    </form>
  );
}

export function AgentsPage() {
  const machineId = useMachineId();
  const agents = useAgents(machineId);
  const revoke = useRevokeAgent(machineId);
  const lock = useWriteLock();
  const [enrolled, setEnrolled] = useState<EnrolledMachineAgentView | null>(null);

  return (
    <div className="stack">
      <Panel title="Enroll a machine-side agent">
        {enrolled ? <TokenReveal agent={enrolled} onDismiss={() => setEnrolled(null)} /> : null}
        <EnrollForm machineId={machineId} onEnrolled={setEnrolled} />
      </Panel>
      <Panel title="Agents">
        <ErrorNotice error={revoke.error} testId="revoke-agent-error" />
        {agents.isPending ? (
          <Loading />
        ) : agents.isError ? (
          <ErrorNotice error={agents.error} onRetry={() => void agents.refetch()} />
        ) : agents.data.items.length === 0 ? (
          <EmptyState title="No agents enrolled">
            An agent runs on the machine, heartbeats its runtime endpoints and keeps their leases alive.
          </EmptyState>
        ) : (
          <table className="table" data-testid="agents-table">
            <thead>
              <tr>
                <th>Agent</th>
                <th>Status</th>
                <th>Provider keys</th>
                <th>Last seen</th>
                <th>Enrolled</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {agents.data.items.map((a) => (
                <tr key={a.id} data-testid="agent-row" data-agent-id={a.id}>
                  <td data-label="Agent">
                    <div className="strong">{a.label}</div>
                    <div className="mono small muted">{a.id}</div>
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={a.status} testId="agent-status" />
                  </td>
                  <td data-label="Provider keys">
                    {a.allowedProviderKeys.map((k) => (
                      <Tag key={k}>{k}</Tag>
                    ))}
                  </td>
                  <td title={formatDateTime(a.lastSeenAt)} data-label="Last seen">
                    {a.lastSeenAt ? formatRelative(a.lastSeenAt) : <span className="muted">never</span>}
                  </td>
                  <td className="muted" data-label="Enrolled">
                    {formatDateTime(a.createdAt)}
                  </td>
                  <td className="cell-actions">
                    {a.status !== 'revoked' ? (
                      <ConfirmButton
                        size="sm"
                        confirmLabel="Revoke for good?"
                        busy={revoke.isPending && revoke.variables.agentId === a.id}
                        disabled={lock !== null}
                        title={lock ?? undefined}
                        data-testid="agent-revoke"
                        onConfirm={() => revoke.mutate({ machineId, agentId: a.id })}
                      >
                        Revoke
                      </ConfirmButton>
                    ) : null}
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
