import type { OutcomeView, RunView } from '@mm/contracts';
import { Link } from 'react-router-dom';
import { JsonView } from '../../../components/ui/json-view.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { AttemptsTimeline } from './attempts-timeline.tsx';

export function OutcomeCard({ outcome }: { outcome: OutcomeView }) {
  return (
    <div className="outcome" data-testid="outcome" data-status={outcome.status}>
      <div className="row gap wrap">
        <span className="muted">Outcome</span>
        <StatusBadge status={outcome.status} testId="outcome-status" />
        <span className="mono strong">{outcome.serviceId}</span>
        <span className="muted">skill {outcome.skillKey}</span>
        <StatusBadge status={outcome.executionMode} />
        <span className="muted small">{formatDateTime(outcome.updatedAt)}</span>
      </div>
      {outcome.errorCode || outcome.errorMessage ? (
        <div className="notice notice--error notice--inline" data-testid="outcome-error">
          <span>
            <code className="notice__code">{outcome.errorCode}</code> {outcome.errorMessage}
          </span>
        </div>
      ) : null}
      {outcome.externalRef ? (
        <p>
          Handed off to{' '}
          <a href={outcome.externalRef} target="_blank" rel="noreferrer">
            {outcome.externalRef}
          </a>
        </p>
      ) : null}
      {outcome.result !== undefined && outcome.result !== null ? (
        <JsonView value={outcome.result} summary="result" open testId="outcome-result" />
      ) : null}
    </div>
  );
}

export function RunCard({ run, link = false }: { run: RunView; link?: boolean }) {
  return (
    <div className="run" data-testid="run" data-status={run.status}>
      <div className="row gap wrap">
        <span className="muted">Run</span>
        {link ? (
          <Link to={`/machines/${run.machineId}/runs/${run.id}`} className="mono">
            {run.id}
          </Link>
        ) : (
          <span className="mono">{run.id}</span>
        )}
        <StatusBadge status={run.status} testId="run-status" />
        {run.summary ? <span className="muted">{run.summary}</span> : null}
      </div>
      <AttemptsTimeline attempts={run.attempts} />
    </div>
  );
}
