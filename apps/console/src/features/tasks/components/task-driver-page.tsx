import { MAX_CANDIDATES } from '@mm/contracts';
import type {
  ExecuteTaskResponse,
  OutcomeView,
  ResolveTaskResponse,
  RouteView,
  RunView,
  TaskView,
} from '@mm/contracts';
import { useState } from 'react';
import { useNow } from '../../../components/ui/use-now.ts';
import { formatDuration } from '../../../lib/format.ts';
import { useStoredDiscovery } from '../hooks/use-stored-discovery.ts';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { Checkbox, Field } from '../../../components/ui/field.tsx';
import { JsonView } from '../../../components/ui/json-view.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { StatusBadge, Tag } from '../../../components/ui/status-badge.tsx';
import { appErrorOf } from '../../../lib/errors.ts';
import { formatDateTime, parseJsonObject, prettyJson } from '../../../lib/format.ts';
import { useMachineId } from '../../machines/hooks/use-machine-id.ts';
import { useWriteLock } from '../../machines/hooks/use-write-lock.ts';
import { OutcomeCard, RunCard } from '../../runs/components/outcome-card.tsx';
import {
  useDiscoverTask,
  useExecuteTask,
  useHopProgress,
  useResolveTask,
  useTask,
  useTaskRecords,
} from '../hooks/use-tasks.ts';
import { hopRows } from '../hop-progress.ts';
import type { HopProgress, HopState } from '../hop-progress.ts';
import { CandidatesTable, ExcludedList, ResolutionSummary, RouteCard } from './discovery-views.tsx';

const RESOLVABLE = new Set(['queued', 'resolved', 'failed']);
const EXECUTABLE = new Set(['resolved', 'failed']);

function TaskSummary({ task, executing }: { task: TaskView; executing: boolean }) {
  const c = task.constraints;
  return (
    <Panel
      title={
        <span className="row gap">
          {task.taskType} <StatusBadge status={executing ? 'executing' : task.status} testId="task-status" />
        </span>
      }
      actions={<span className="mono small muted">{task.id}</span>}
      testId="task-summary"
    >
      <div className="row gap wrap">
        <Tag>{task.serviceType}</Tag>
        {task.operation ? <Tag>{`op ${task.operation}`}</Tag> : null}
        {c.region ? <Tag>{`region ${c.region}`}</Tag> : null}
        {c.budget !== undefined ? <Tag>{`budget ${c.budget}`}</Tag> : null}
        <Tag>{c.allowExternalHandoff ? 'handoff allowed' : 'no handoff'}</Tag>
        {c.requireNativeExecution ? <Tag>native required</Tag> : null}
        {c.requiredCapabilities.map((x) => (
          <Tag key={x}>{`needs ${x}`}</Tag>
        ))}
        {(c.preferredSkillKeys ?? []).map((x) => (
          <Tag key={x}>{`prefers ${x}`}</Tag>
        ))}
        <Tag>{`max ${task.discovery.maxCandidates} candidates`}</Tag>
        <span className="muted small">created {formatDateTime(task.createdAt)}</span>
      </div>
      <JsonView value={task.input} summary="input" />
    </Panel>
  );
}

function Step({
  n,
  title,
  done,
  children,
  testId,
}: {
  n: number;
  title: string;
  done: boolean;
  children: ReactNode;
  testId: string;
}) {
  return (
    <section className={`step${done ? ' step--done' : ''}`} data-testid={testId}>
      <header className="step__head">
        <span className="step__num">{done ? '✓' : n}</span>
        <h2>{title}</h2>
      </header>
      <div className="step__body">{children}</div>
    </section>
  );
}

/** Discovery options shared by Discover and Resolve, starting from the task's own constraints. */
interface DiscoveryOptions {
  allowExternalHandoff: boolean;
  requireNativeExecution: boolean;
  maxCandidates: string;
}

function optionsBody(o: DiscoveryOptions) {
  const max = Number(o.maxCandidates);
  const valid = Number.isInteger(max) && max >= MAX_CANDIDATES.min && max <= MAX_CANDIDATES.max;
  return {
    valid,
    body: {
      allowExternalHandoff: o.allowExternalHandoff,
      requireNativeExecution: o.requireNativeExecution,
      maxCandidates: max,
    },
  };
}

function OptionsRow({ options, onChange }: { options: DiscoveryOptions; onChange: (o: DiscoveryOptions) => void }) {
  const { valid } = optionsBody(options);
  return (
    <div className="row gap wrap align-end options-row" data-testid="discovery-options">
      <Checkbox
        label="Allow external handoff"
        checked={options.allowExternalHandoff}
        onChange={(v) => onChange({ ...options, allowExternalHandoff: v })}
        testId="discover-allow-handoff"
      />
      <Checkbox
        label="Require native"
        checked={options.requireNativeExecution}
        onChange={(v) => onChange({ ...options, requireNativeExecution: v })}
        testId="discover-require-native"
      />
      <Field label="Max candidates" error={valid ? undefined : '1 to 25'}>
        <input
          type="number"
          min={1}
          max={25}
          value={options.maxCandidates}
          onChange={(e) => onChange({ ...options, maxCandidates: e.target.value })}
          className="input-narrow"
          data-testid="discover-max-candidates"
        />
      </Field>
      <span className="muted small">These apply to discovery and to resolve.</span>
    </div>
  );
}

function DiscoverStep({
  machineId,
  task,
  options,
  locked,
}: {
  machineId: string;
  task: TaskView;
  options: DiscoveryOptions;
  locked: boolean;
}) {
  const discover = useDiscoverTask();
  const [result, setResult] = useStoredDiscovery(task.id);
  const { valid, body } = optionsBody(options);
  return (
    <Step n={1} title="Discover" done={result !== null} testId="step-discover">
      <div className="row gap">
        <Button
          variant="primary"
          busy={discover.isPending}
          disabled={!RESOLVABLE.has(task.status) || !valid || locked}
          data-testid="discover-run"
          onClick={() => discover.mutate({ machineId, taskId: task.id, ...body }, { onSuccess: setResult })}
        >
          Run discovery
        </Button>
        <span className="muted small">
          Lists eligible candidates with their scores, and what was excluded and why. Changes nothing.
        </span>
      </div>
      {!RESOLVABLE.has(task.status) ? (
        <p className="muted small">Discovery runs while the task is queued, resolved or failed.</p>
      ) : null}
      <ErrorNotice error={discover.error} testId="discover-error" />
      {result ? (
        <div className="stack-sm" data-testid="discover-result">
          <ResolutionSummary resolution={result.resolution} />
          <h3 className="subhead">Candidates ({result.candidates.length})</h3>
          <CandidatesTable candidates={result.candidates} />
          <h3 className="subhead">Excluded ({result.excludedTotal})</h3>
          <ExcludedList excluded={result.excluded} total={result.excludedTotal} />
        </div>
      ) : null}
    </Step>
  );
}

function ResolveStep({
  machineId,
  task,
  options,
  persistedRoute,
  locked,
}: {
  machineId: string;
  task: TaskView;
  options: DiscoveryOptions;
  persistedRoute: ResolveTaskResponse['item'] | undefined;
  locked: boolean;
}) {
  const resolve = useResolveTask(machineId, task.id);
  const { valid, body } = optionsBody(options);
  const [result, setResult] = useState<ResolveTaskResponse | null>(null);
  // The stored route once the task names it (its status moves on as the task executes).
  const route = persistedRoute ?? result?.item;
  const resolution = resolve.error
    ? (appErrorOf(resolve.error).details?.resolution as ResolveTaskResponse['resolution'] | undefined)
    : undefined;
  return (
    <Step n={2} title="Resolve" done={route !== undefined} testId="step-resolve">
      <div className="row gap">
        <Button
          variant="primary"
          busy={resolve.isPending}
          disabled={!RESOLVABLE.has(task.status) || !valid || locked}
          data-testid="resolve-run"
          onClick={() => resolve.mutate({ machineId, taskId: task.id, ...body }, { onSuccess: setResult })}
        >
          {route ? 'Resolve again' : 'Resolve route'}
        </Button>
        <span className="muted small">Picks the best candidate and stores a route with its fallback chain.</span>
      </div>
      <ErrorNotice error={resolve.error} testId="resolve-error" />
      {resolution && resolution.kind === 'unavailable' && resolution.candidates.length > 0 ? (
        <CandidatesTable candidates={resolution.candidates} />
      ) : null}
      {route ? <RouteCard route={route} /> : null}
      {result ? (
        <details className="json-details">
          <summary>
            candidates considered ({result.candidates.length}) and excluded ({result.excludedTotal})
          </summary>
          <CandidatesTable candidates={result.candidates} selectedServiceId={result.item.selectedServiceId} />
          <ExcludedList excluded={result.excluded} total={result.excludedTotal} />
        </details>
      ) : null}
    </Step>
  );
}

const HOP_STATE_LABEL: Record<Exclude<HopState, 'waiting' | 'unknown'>, string> = {
  trying: 'trying now',
  failed: 'failed',
  skipped: 'skipped',
};

/**
 * While a run is running: elapsed time and the hop the server says it is calling (`run.hop-started`),
 * with the hops already tried and those still ahead. Nothing is marked as tried before the server
 * has said so.
 */
function ExecuteProgress({
  startedAt,
  route,
  progress,
}: {
  /** When the run started (this tab's click, or the run's creation); null until it is known. */
  startedAt: number | null;
  route: RouteView | undefined;
  progress: HopProgress | null;
}) {
  const now = useNow(250);
  const rows = route ? hopRows(route, progress) : [];
  return (
    <div className="notice notice--info execute-progress" role="status" data-testid="execute-progress">
      <div className="row gap wrap">
        <span className="spinner spinner--inline" aria-hidden />
        <strong>executing</strong>
        <span className="mono" data-testid="execute-elapsed">
          {startedAt === null ? '…' : formatDuration(Math.max(0, now - startedAt))}
        </span>
        {progress ? (
          <span data-testid="execute-hop-now">
            hop {progress.hop} of {progress.of}: <span className="mono">{progress.serviceId}</span>
          </span>
        ) : (
          <span className="muted small" data-testid="execute-hop-pending">
            waiting for the server to name the first hop…
          </span>
        )}
      </div>
      {rows.length ? (
        <ol className="hop-list" data-testid="execute-hops">
          {rows.map((r) => (
            <li
              key={r.hop}
              className={`is-${r.state}`}
              data-testid={r.state === 'trying' ? 'execute-hop' : 'execute-hop-row'}
              data-state={r.state}
            >
              <span className="mono">{r.serviceId}</span> <span className="muted small">{r.executionMode}</span>{' '}
              {r.state === 'waiting' || r.state === 'unknown' ? (
                <span className="muted small">
                  {r.executionMode === 'external-handoff'
                    ? 'handoff, only if every native hop fails'
                    : r.state === 'waiting'
                      ? 'next if this one fails'
                      : `hop ${r.hop}`}
                </span>
              ) : (
                <span className="small">
                  {HOP_STATE_LABEL[r.state]}
                  {r.errorCode ? ` (${r.errorCode})` : ''}
                </span>
              )}
            </li>
          ))}
        </ol>
      ) : null}
      <div className="muted small">
        The server reports each hop as it calls it. Discover, resolve and execute wait until this run has an answer.
      </div>
    </div>
  );
}

function ExecuteStep({
  task,
  persistedOutcome,
  runs,
  execute,
  route,
  locked,
  running,
}: {
  task: TaskView;
  persistedOutcome: OutcomeView | undefined;
  runs: readonly RunView[];
  execute: ReturnType<typeof useExecuteTask> & { startedAt: number | null; start: () => void };
  route: RouteView | undefined;
  locked: boolean;
  /** The run the server is executing now (this tab's, another tab's or an API client's). */
  running: { run: RunView | undefined; progress: HopProgress | null } | null;
}) {
  const machineId = task.machineId;
  const [override, setOverride] = useState(false);
  const [input, setInput] = useState(() => prettyJson(task.input));
  const [inputError, setInputError] = useState<string | undefined>();
  const [result, setResult] = useState<ExecuteTaskResponse | null>(null);
  const failure = execute.error ? appErrorOf(execute.error).extra : undefined;
  const failedOutcome = failure?.item as OutcomeView | undefined;
  const failedRun = failure?.run as RunView | undefined;
  const outcome = result?.item ?? failedOutcome ?? persistedOutcome;
  const latestRun = result?.run ?? failedRun;
  const olderRuns = runs.filter((r) => r.id !== latestRun?.id);

  const run = () => {
    let body: { machineId: string; taskId: string; input?: Record<string, unknown> } = { machineId, taskId: task.id };
    if (override) {
      const parsed = parseJsonObject(input);
      if (!parsed.ok) {
        setInputError(parsed.error);
        return;
      }
      body = { ...body, input: parsed.value };
    }
    setInputError(undefined);
    setResult(null);
    execute.start();
    execute.mutate(body, { onSuccess: setResult });
  };

  return (
    <Step
      n={3}
      title="Execute"
      done={outcome?.status === 'completed' || outcome?.status === 'external'}
      testId="step-execute"
    >
      <div className="row gap wrap">
        <Button
          variant="primary"
          busy={execute.isPending}
          disabled={!EXECUTABLE.has(task.status) || locked}
          data-testid="execute-run"
          onClick={run}
        >
          {task.status === 'failed' ? 'Execute again' : 'Execute'}
        </Button>
        <Checkbox
          label="Override input for this run"
          checked={override}
          onChange={setOverride}
          testId="execute-override"
        />
        {!EXECUTABLE.has(task.status) && !['completed', 'handed_off', 'executing'].includes(task.status) ? (
          <span className="muted small">Resolve a route first.</span>
        ) : null}
      </div>
      {override ? (
        <Field label="Input (JSON object)" error={inputError} wide>
          <textarea
            className="code-input"
            rows={6}
            value={input}
            onChange={(e) => setInput(e.target.value)}
            spellCheck={false}
            data-testid="execute-input"
          />
        </Field>
      ) : null}
      {running ? (
        <ExecuteProgress
          startedAt={
            (execute.isPending ? execute.startedAt : null) ?? (running.run ? Date.parse(running.run.createdAt) : null)
          }
          route={route}
          progress={running.progress}
        />
      ) : null}
      <ErrorNotice error={execute.error} testId="execute-error" showExtra={false} />
      {outcome ? <OutcomeCard outcome={outcome} /> : null}
      {latestRun ? <RunCard run={latestRun} link /> : null}
      {olderRuns.length > 0 ? (
        <details className="json-details" open={!latestRun}>
          <summary>{latestRun ? `earlier runs (${olderRuns.length})` : `runs (${olderRuns.length})`}</summary>
          {olderRuns.map((r) => (
            <RunCard key={r.id} run={r} link />
          ))}
        </details>
      ) : null}
    </Step>
  );
}

function TaskDriver({ machineId, task: t }: { machineId: string; task: TaskView }) {
  // Execute is held here: while it runs every step is locked and the summary says `executing`.
  const mutation = useExecuteTask(machineId, t.id);
  // Executing here, or elsewhere (another tab, the API): the server's status says so.
  const executing = mutation.isPending || t.status === 'executing';
  const records = useTaskRecords(machineId, t.id, Boolean(t.routeId), Boolean(t.outcomeId), executing);
  const [options, setOptions] = useState<DiscoveryOptions>({
    allowExternalHandoff: t.constraints.allowExternalHandoff,
    requireNativeExecution: t.constraints.requireNativeExecution,
    maxCandidates: String(t.discovery.maxCandidates),
  });
  const route = t.routeId ? records.routes.data?.items.find((r) => r.id === t.routeId) : undefined;
  const outcome = t.outcomeId ? records.outcomes.data?.items.find((o) => o.id === t.outcomeId) : undefined;
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const execute = { ...mutation, startedAt, start: () => setStartedAt(Date.now()) };
  const runningRun = records.runs.data?.items.find((r) => r.status === 'running');
  const progress = useHopProgress(machineId, executing ? runningRun?.id : undefined);
  // While executing, and on a machine that is not active (writes refused, context C8).
  const writeLock = useWriteLock();
  const locked = executing || writeLock !== null;
  return (
    <div className="stack" data-testid="task-driver">
      <div>
        <Link to={`/machines/${machineId}/tasks`} className="small">
          ← all tasks
        </Link>
      </div>
      <TaskSummary task={t} executing={executing} />
      <OptionsRow options={options} onChange={setOptions} />
      <DiscoverStep machineId={machineId} task={t} options={options} locked={locked} />
      <ResolveStep machineId={machineId} task={t} options={options} persistedRoute={route} locked={locked} />
      <ExecuteStep
        task={t}
        persistedOutcome={outcome}
        runs={records.runs.data?.items ?? []}
        execute={execute}
        route={route}
        locked={locked}
        running={executing ? { run: runningRun, progress } : null}
      />
      <ErrorNotice
        error={records.runs.error ?? records.routes.error ?? records.outcomes.error}
        testId="task-records-error"
      />
    </div>
  );
}

export function TaskDriverPage() {
  const machineId = useMachineId();
  const { taskId = '' } = useParams();
  const task = useTask(machineId, taskId);
  if (task.isPending) return <Loading label="Loading task…" />;
  if (task.isError) return <ErrorNotice error={task.error} onRetry={() => void task.refetch()} />;
  return <TaskDriver key={task.data.id} machineId={machineId} task={task.data} />;
}
