import { RUN_STATUSES, zExecutionMode } from '@mm/contracts';
import type { ExecutionMode, RunStatus } from '@mm/contracts';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { useMachineId } from '../../machines/hooks/use-machine-id.ts';
import { useRuns } from '../hooks/use-runs.ts';
import type { RunFilters } from '../hooks/use-runs.ts';

function filtersOf(params: URLSearchParams): RunFilters {
  const f: RunFilters = {};
  const status = params.get('status');
  if (status && (RUN_STATUSES as readonly string[]).includes(status)) f.status = status as RunStatus;
  const mode = params.get('executionMode');
  if (mode && (zExecutionMode.options as readonly string[]).includes(mode)) f.executionMode = mode as ExecutionMode;
  const skillKey = params.get('skillKey')?.trim();
  if (skillKey) f.skillKey = skillKey;
  const serviceId = params.get('serviceId')?.trim();
  if (serviceId) f.serviceId = serviceId;
  return f;
}

export function RunsPage() {
  const machineId = useMachineId();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const runs = useRuns(machineId, filters);
  // Text filters apply on submit, not on every key stroke.
  const [skillKey, setSkillKey] = useState(filters.skillKey ?? '');
  const [serviceId, setServiceId] = useState(filters.serviceId ?? '');
  // The URL changed (a link, back/forward): the form follows it. Adjusted during render, not in an effect.
  const [shownParams, setShownParams] = useState(params);
  if (shownParams !== params) {
    setShownParams(params);
    setSkillKey(params.get('skillKey') ?? '');
    setServiceId(params.get('serviceId') ?? '');
  }

  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <div className="stack">
      <Panel title="Runs">
        <form
          className="filters"
          data-testid="runs-filters"
          onSubmit={(e) => {
            e.preventDefault();
            const next = new URLSearchParams(params);
            for (const [k, v] of [
              ['skillKey', skillKey.trim()],
              ['serviceId', serviceId.trim()],
            ] as const) {
              if (v) next.set(k, v);
              else next.delete(k);
            }
            setParams(next, { replace: true });
          }}
        >
          <Field label="Status">
            <select
              value={filters.status ?? ''}
              onChange={(e) => setParam('status', e.target.value)}
              data-testid="runs-filter-status"
            >
              <option value="">any</option>
              {RUN_STATUSES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </Field>
          <Field label="Execution mode">
            <select
              value={filters.executionMode ?? ''}
              onChange={(e) => setParam('executionMode', e.target.value)}
              data-testid="runs-filter-mode"
            >
              <option value="">any</option>
              {zExecutionMode.options.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </Field>
          <Field label="Skill key">
            <input value={skillKey} onChange={(e) => setSkillKey(e.target.value)} data-testid="runs-filter-skill" />
          </Field>
          <Field label="Service id">
            <input value={serviceId} onChange={(e) => setServiceId(e.target.value)} data-testid="runs-filter-service" />
          </Field>
          <div className="filters__actions">
            <Button type="submit" data-testid="runs-filter-apply">
              Apply
            </Button>
            <Button
              variant="ghost"
              onClick={() => setParams(new URLSearchParams(), { replace: true })}
              data-testid="runs-filter-clear"
            >
              Clear
            </Button>
          </div>
        </form>
        {runs.isPending ? (
          <Loading />
        ) : runs.isError ? (
          <ErrorNotice error={runs.error} onRetry={() => void runs.refetch()} />
        ) : runs.data.items.length === 0 ? (
          <EmptyState title={Object.keys(filters).length ? 'No runs match these filters' : 'No runs yet'}>
            A run records each execution of a task: which hops it tried and which one served.
          </EmptyState>
        ) : (
          <table className="table" data-testid="runs-table">
            <thead>
              <tr>
                <th>Run</th>
                <th>Status</th>
                <th>Service</th>
                <th>Mode</th>
                <th>Attempts</th>
                <th>Summary</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.map((r) => (
                <tr key={r.id} data-testid="run-row" data-run-id={r.id}>
                  <td>
                    <Link to={`/machines/${machineId}/runs/${r.id}`} className="mono strong-link">
                      {r.id}
                    </Link>
                    <div className="small muted">
                      task{' '}
                      <Link to={`/machines/${machineId}/tasks/${r.taskId}`} className="mono">
                        {r.taskId}
                      </Link>
                    </div>
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td className="mono small">
                    {r.serviceId ?? '—'}
                    <div className="muted">{r.skillKey ?? ''}</div>
                  </td>
                  <td>{r.executionMode ? <StatusBadge status={r.executionMode} /> : '—'}</td>
                  <td>{r.attempts.length}</td>
                  <td className="small">{r.summary ?? '—'}</td>
                  <td className="muted" title={formatDateTime(r.createdAt)}>
                    {formatRelative(r.createdAt)}
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
