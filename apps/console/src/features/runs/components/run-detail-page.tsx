import { Link, useParams } from 'react-router-dom';
import { Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { useMachineId } from '../../machines/hooks/use-machine-id.ts';
import { useRun } from '../hooks/use-runs.ts';
import { OutcomeCard, RunCard } from './outcome-card.tsx';

export function RunDetailPage() {
  const machineId = useMachineId();
  const { runId = '' } = useParams();
  const run = useRun(runId);
  return (
    <div className="stack" data-testid="run-detail">
      <div>
        <Link to={`/machines/${machineId}/runs`} className="small">
          ← all runs
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
              <dt>Updated</dt>
              <dd>{formatDateTime(run.data.run.updatedAt)}</dd>
            </dl>
            <RunCard run={run.data.run} />
          </Panel>
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
