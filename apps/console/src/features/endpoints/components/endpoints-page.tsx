import type { RuntimeEndpointView } from '@mm/contracts';
import { memo, useState } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { useNow } from '../../../components/ui/use-now.ts';
import { formatCountdown, formatDateTime, formatRelative } from '../../../lib/format.ts';
import { useMachineId } from '../../machines/hooks/use-machine-id.ts';
import { useWriteLock } from '../../machines/hooks/use-write-lock.ts';
import { useDeleteEndpoint, useEndpoints } from '../hooks/use-endpoints.ts';
import { EndpointForm } from './endpoint-form.tsx';

/** Only this cell ticks every second, not the table. */
const LeaseCountdown = memo(function LeaseCountdown({ leaseExpiresAt }: { leaseExpiresAt: string | null }) {
  const now = useNow(1000);
  if (!leaseExpiresAt) return <span className="muted">no lease</span>;
  const text = formatCountdown(leaseExpiresAt, now);
  return (
    <span
      className={text === 'expired' ? 'text-red' : ''}
      title={formatDateTime(leaseExpiresAt)}
      data-testid="lease-countdown"
    >
      {text}
    </span>
  );
});

function EndpointRow({
  ep,
  machineId,
  onEdit,
}: {
  ep: RuntimeEndpointView;
  machineId: string;
  onEdit: (ep: RuntimeEndpointView) => void;
}) {
  const del = useDeleteEndpoint(machineId);
  const lock = useWriteLock();
  return (
    <tr data-testid="endpoint-row" data-provider-key={ep.providerKey}>
      <td data-label="Provider">
        <div className="strong mono">{ep.providerKey}</div>
        <div className="muted small">{ep.label}</div>
      </td>
      <td data-label="Status">
        <StatusBadge status={ep.status} testId="endpoint-status-badge" />
      </td>
      <td className="mono small" data-label="Base URL">
        {ep.endpointBaseUrl}
        <div className="muted">
          {ep.networkScope} · probe {ep.probePath}
          {ep.modelAlias ? ` · model ${ep.modelAlias}` : ''}
        </div>
      </td>
      <td data-label="Source">
        <StatusBadge status={ep.source} />
        <div className="muted small">
          auth {ep.authType}
          {ep.hasAuthToken ? ' · token stored' : ''}
        </div>
      </td>
      <td className="mono small" data-label="Agent">
        {ep.agentId ?? <span className="muted">—</span>}
      </td>
      <td className="nowrap" data-label="Lease">
        <LeaseCountdown leaseExpiresAt={ep.leaseExpiresAt} />
      </td>
      <td className="small nowrap" title={formatDateTime(ep.lastCheckedAt)} data-label="Last checked">
        {formatRelative(ep.lastCheckedAt)}
      </td>
      <td className="small nowrap" title={formatDateTime(ep.lastHealthyAt)} data-label="Last healthy">
        {formatRelative(ep.lastHealthyAt)}
      </td>
      <td className="cell-actions">
        <Button
          size="sm"
          onClick={() => onEdit(ep)}
          disabled={lock !== null}
          title={lock ?? undefined}
          data-testid="endpoint-edit"
        >
          Edit
        </Button>
        <ConfirmButton
          size="sm"
          busy={del.isPending}
          disabled={lock !== null}
          title={lock ?? undefined}
          data-testid="endpoint-delete"
          onConfirm={() => del.mutate({ machineId, providerKey: ep.providerKey })}
        >
          Delete
        </ConfirmButton>
        {del.error ? <ErrorNotice error={del.error} /> : null}
      </td>
    </tr>
  );
}

export function EndpointsPage() {
  const machineId = useMachineId();
  const endpoints = useEndpoints(machineId);
  const lock = useWriteLock();
  const [editing, setEditing] = useState<RuntimeEndpointView | 'new' | null>(null);

  return (
    <div className="stack">
      {editing ? (
        <Panel
          title={editing === 'new' ? 'Add a manual endpoint' : `Edit ${editing.providerKey}`}
          testId="endpoint-editor"
        >
          <EndpointForm
            key={editing === 'new' ? 'new' : editing.id}
            machineId={machineId}
            {...(editing !== 'new' && { endpoint: editing })}
            onDone={() => setEditing(null)}
          />
        </Panel>
      ) : null}
      <Panel
        title="Runtime endpoints"
        actions={
          <Button
            variant="primary"
            onClick={() => setEditing('new')}
            disabled={lock !== null}
            title={lock ?? undefined}
            data-testid="add-endpoint"
          >
            Add endpoint
          </Button>
        }
      >
        {endpoints.isPending ? (
          <Loading />
        ) : endpoints.isError ? (
          <ErrorNotice error={endpoints.error} onRetry={() => void endpoints.refetch()} />
        ) : endpoints.data.items.length === 0 ? (
          <EmptyState title="No runtime endpoints">
            Native skills run on a machine's runtime endpoints. Add one by hand, or enroll an agent that registers its
            own.
          </EmptyState>
        ) : (
          <table className="table" data-testid="endpoints-table">
            <thead>
              <tr>
                <th>Provider</th>
                <th>Status</th>
                <th>Base URL</th>
                <th>Source</th>
                <th>Agent</th>
                <th>Lease</th>
                <th>Last checked</th>
                <th>Last healthy</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {endpoints.data.items.map((ep) => (
                <EndpointRow key={ep.id} ep={ep} machineId={machineId} onEdit={setEditing} />
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
