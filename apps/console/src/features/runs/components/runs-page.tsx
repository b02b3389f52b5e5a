import { RUN_STATUSES, zExecutionMode } from '@mm/contracts';
import type { ExecutionMode, RunStatus, RunView } from '@mm/contracts';
import { memo, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { TimeRangeFields } from '../../../components/ui/time-range-fields.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { useNow } from '../../../components/ui/use-now.ts';
import { formatDateTime, formatDuration, formatRelative } from '../../../lib/format.ts';
import { boundsOf, timeRangeOf, writeTimeRange } from '../../../lib/time-range.ts';
import type { TimeChoice, TimeRange } from '../../../lib/time-range.ts';
import { useMachineId } from '../../machines/hooks/use-machine-id.ts';
import { RUNS_LOADED, useRuns } from '../hooks/use-runs.ts';
import type { RunFilters } from '../hooks/use-runs.ts';
import { runDurationMs } from '../run-time.ts';

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

/** Settled: how long the run took. Running: how long so far, ticking in this cell only. */
const RunDuration = memo(function RunDuration({ run }: { run: RunView }) {
  if (run.status === 'running') return <RunningFor since={run.createdAt} />;
  const ms = runDurationMs(run);
  return <span data-testid="run-duration">{ms === null ? '—' : formatDuration(ms)}</span>;
});

function RunningFor({ since }: { since: string }) {
  const now = useNow(1000);
  return (
    <span data-testid="run-duration">
      {formatDuration(Math.max(0, now - Date.parse(since)))} <span className="muted small">so far</span>
    </span>
  );
}

export function RunsPage() {
  const machineId = useMachineId();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const range = timeRangeOf(params);
  // Text filters and a custom range apply on submit, not on every key stroke.
  const [skillKey, setSkillKey] = useState(filters.skillKey ?? '');
  const [serviceId, setServiceId] = useState(filters.serviceId ?? '');
  const [custom, setCustom] = useState<TimeRange>(range);
  // The URL changed (a link, back/forward): the form follows it. Adjusted during render, not in an effect.
  const [shownParams, setShownParams] = useState(params);
  if (shownParams !== params) {
    setShownParams(params);
    setSkillKey(params.get('skillKey') ?? '');
    setServiceId(params.get('serviceId') ?? '');
    setCustom(timeRangeOf(params));
  }

  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const setTime = (time: TimeChoice) => {
    if (time === 'custom') {
      setCustom({ ...custom, time });
      return;
    }
    setCustom({ time, since: '', until: '' });
    const next = new URLSearchParams(params);
    writeTimeRange(next, { time, since: '', until: '' });
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
            if (custom.time === 'custom') writeTimeRange(next, custom);
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
          <TimeRangeFields
            label="Started"
            time={custom.time === 'custom' ? 'custom' : range.time}
            since={custom.since}
            until={custom.until}
            onTime={setTime}
            onSince={(since) => setCustom({ ...custom, since })}
            onUntil={(until) => setCustom({ ...custom, until })}
            testIdPrefix="runs-filter"
          />
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
        {/* Keyed by the query string: a preset counts back from when this view was opened. */}
        <RunsResults key={params.toString()} machineId={machineId} filters={filters} range={range} />
      </Panel>
    </div>
  );
}

function RunsResults({ machineId, filters, range }: { machineId: string; filters: RunFilters; range: TimeRange }) {
  const [openedAt] = useState(() => Date.now());
  const bounds = useMemo(() => boundsOf(range, openedAt), [range, openedAt]);
  // The server filters by start time (`since`/`until` of GET /runs, inclusive).
  const runs = useRuns(machineId, filters, bounds);
  const timed = range.time !== '';
  const filtered = Object.keys(filters).length > 0 || timed;

  if (runs.isPending) return <Loading />;
  if (runs.isError) return <ErrorNotice error={runs.error} onRetry={() => void runs.refetch()} />;
  const items = runs.data.items;
  const rangeNote =
    runs.data.nextCursor !== undefined ? (
      <p className="small muted" data-testid="runs-range-note">
        The newest {RUNS_LOADED} matching runs are listed; narrow the filters or the time range to reach older ones.
      </p>
    ) : null;

  if (items.length === 0)
    return (
      <>
        {rangeNote}
        <EmptyState title={filtered ? 'No runs match these filters' : 'No runs yet'}>
          A run records each execution of a task: which hops it tried and which one served.
        </EmptyState>
      </>
    );
  return (
    <>
      {rangeNote}
      <table className="table" data-testid="runs-table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Status</th>
            <th>Service</th>
            <th>Mode</th>
            <th>Attempts</th>
            <th>Duration</th>
            <th>Summary</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.id} data-testid="run-row" data-run-id={r.id} data-status={r.status}>
              <td data-label="Run">
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
              <td data-label="Status">
                <StatusBadge status={r.status} />
              </td>
              <td className="mono small" data-label="Service">
                {r.serviceId ?? '—'}
                <div className="muted">{r.skillKey ?? ''}</div>
              </td>
              <td data-label="Mode">{r.executionMode ? <StatusBadge status={r.executionMode} /> : '—'}</td>
              <td data-label="Attempts">{r.attempts.length}</td>
              <td className="nowrap" data-label="Duration">
                <RunDuration run={r} />
              </td>
              <td className="small" data-label="Summary">
                {r.summary ?? '—'}
              </td>
              <td className="nowrap" data-label="Started" title={formatDateTime(r.createdAt)}>
                {formatRelative(r.createdAt)}
                <div className="muted small">{formatDateTime(r.createdAt)}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
