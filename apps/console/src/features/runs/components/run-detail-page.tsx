import type { RunView, TaskView } from '@mm/contracts';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { JsonView } from '../../../components/ui/json-view.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { StatusBadge, Tag } from '../../../components/ui/status-badge.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { appErrorOf } from '../../../lib/errors.ts';
import { formatDateTime, formatDuration } from '../../../lib/format.ts';
import { useMachineId } from '../../machines/hooks/use-machine-id.ts';
import { useWriteLock } from '../../machines/hooks/use-write-lock.ts';
import { againPlan } from '../execute-again.ts';
import { useExecuteAgain, useRun, useRunTask } from '../hooks/use-runs.ts';
import type { AgainPhase } from '../hooks/use-runs.ts';
import { runDurationMs } from '../run-time.ts';
import { OutcomeCard, RunCard } from './outcome-card.tsx';

const PHASE_LABEL: Record<AgainPhase, string> = {
  creating: 'Creating a new task…',
  resolving: 'Resolving its route…',
  executing: 'Executing…',
};

/** The run's task: what it asked for (its input), and "Execute again" as far as its state allows. */
function TaskPanel({ machineId, run, task }: { machineId: string; run: RunView; task: TaskView }) {
  const again = useExecuteAgain(machineId);
  const lock = useWriteLock();
  const toast = useToast();
  const navigate = useNavigate();
  const plan = againPlan(task.status);
  const runnable = plan.kind === 'same' || plan.kind === 'copy';
  const openRun = (id: string) => void navigate(`/machines/${machineId}/runs/${id}`);

  const start = () =>
    again.mutate(
      { task, asCopy: plan.kind === 'copy' },
      {
        onSuccess: (res) => {
          toast({
            message: `${plan.kind === 'copy' ? 'New task executed' : 'Executed again'}: ${res.item.status}`,
            action: { label: 'Back to the earlier run', onClick: () => openRun(run.id) },
          });
          openRun(res.run.id);
        },
        onError: (err) => {
          const info = appErrorOf(err);
          const failedRun = info.extra?.run as RunView | undefined;
          toast({ tone: 'error', message: `Execute again failed: ${info.code}: ${info.message}` });
          // A failed execution still wrote its run: show it.
          if (failedRun) openRun(failedRun.id);
        },
      },
    );

  return (
    <Panel
      title={
        <span className="row gap">
          Task <span className="mono small">{task.taskType}</span>{' '}
          <StatusBadge status={task.status} testId="run-task-status" />
        </span>
      }
      actions={
        <Button
          variant="primary"
          busy={again.isPending}
          disabled={!runnable || lock !== null}
          title={lock ?? undefined}
          onClick={start}
          data-testid="execute-again"
        >
          {again.phase
            ? PHASE_LABEL[again.phase]
            : plan.kind === 'copy'
              ? 'Execute again as a new task'
              : 'Execute again'}
        </Button>
      }
      testId="run-task"
    >
      <p className="small" data-testid="execute-again-plan" data-kind={plan.kind}>
        {plan.why}{' '}
        {plan.kind === 'resolve-first' ? (
          <Link to={`/machines/${machineId}/tasks/${task.id}`}>Open the task →</Link>
        ) : null}
      </p>
      <ErrorNotice error={again.error} testId="execute-again-error" showExtra={false} />
      <dl className="dl dl--inline">
        <dt>Task</dt>
        <dd>
          <Link to={`/machines/${machineId}/tasks/${task.id}`} className="mono" data-testid="run-task-link">
            {task.id}
          </Link>
        </dd>
        <dt>Service type</dt>
        <dd>{task.serviceType}</dd>
        <dt>Operation</dt>
        <dd className="mono">{task.operation ?? '—'}</dd>
        <dt>Constraints</dt>
        <dd>
          <Tag>{task.constraints.allowExternalHandoff ? 'handoff allowed' : 'no handoff'}</Tag>
          {task.constraints.requireNativeExecution ? <Tag>native required</Tag> : null}
          {task.constraints.region ? <Tag>{`region ${task.constraints.region}`}</Tag> : null}
          {task.constraints.budget !== undefined ? <Tag>{`budget ${task.constraints.budget}`}</Tag> : null}
          {task.constraints.requiredCapabilities.map((c) => (
            <Tag key={c}>{`needs ${c}`}</Tag>
          ))}
        </dd>
      </dl>
      <h3 className="subhead">Input</h3>
      <JsonView value={task.input} summary="input" open testId="run-task-input" />
      <p className="muted small">
        The task&apos;s input. An execute call may override it for one run; the run does not record an override.
      </p>
    </Panel>
  );
}

export function RunDetailPage() {
  const machineId = useMachineId();
  const { runId = '' } = useParams();
  const run = useRun(runId);
  const task = useRunTask(machineId, run.data?.run.taskId);
  const duration = run.data ? runDurationMs(run.data.run) : null;
  return (
    <div className="stack" data-testid="run-detail">
      <div className="row gap wrap">
        <Link to={`/machines/${machineId}/runs`} className="small">
          ← all runs
        </Link>
        <Link to={`/audit?resourceType=run&resourceId=${encodeURIComponent(runId)}`} className="small">
          Events of this run →
        </Link>
      </div>
      {run.isPending ? (
        <Loading label="Loading run…" />
      ) : run.isError ? (
        <ErrorNotice error={run.error} onRetry={() => void run.refetch()} />
      ) : (
        <>
          <Panel title="Run">
            <dl className="dl dl--inline">
              <dt>Task</dt>
              <dd>
                <Link to={`/machines/${machineId}/tasks/${run.data.run.taskId}`} className="mono">
                  {run.data.run.taskId}
                </Link>
              </dd>
              <dt>Route</dt>
              <dd className="mono">{run.data.run.routeId ?? '—'}</dd>
              <dt>Started</dt>
              <dd>{formatDateTime(run.data.run.createdAt)}</dd>
              <dt>Duration</dt>
              <dd data-testid="run-detail-duration">
                {duration === null ? run.data.run.status : formatDuration(duration)}
              </dd>
            </dl>
            <RunCard run={run.data.run} />
          </Panel>
          {task.isPending ? (
            <Loading label="Loading the run's task…" />
          ) : task.isError ? (
            <ErrorNotice error={task.error} onRetry={() => void task.refetch()} testId="run-task-error" />
          ) : (
            <TaskPanel machineId={machineId} run={run.data.run} task={task.data} />
          )}
          <Panel title="Outcome">
            {run.data.outcome ? (
              <OutcomeCard outcome={run.data.outcome} />
            ) : (
              <EmptyState title="No outcome recorded for this run" />
            )}
          </Panel>
        </>
      )}
    </div>
  );
}
