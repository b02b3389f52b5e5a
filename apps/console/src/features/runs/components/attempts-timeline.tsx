import type { RunAttempt } from '@mm/contracts';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatDateTime, formatDuration } from '../../../lib/format.ts';

/** The hops a run tried, in order, with what each answered. */
export function AttemptsTimeline({ attempts }: { attempts: readonly RunAttempt[] }) {
  if (attempts.length === 0) return <p className="muted">No attempts recorded.</p>;
  const longest = Math.max(1, ...attempts.map((a) => a.durationMs));
  return (
    <ol className="timeline" data-testid="attempts-timeline">
      {attempts.map((a) => (
        <li
          key={`${a.hop}-${a.startedAt}`}
          className={`timeline__item timeline__item--${a.status}`}
          data-testid="attempt"
          data-status={a.status}
        >
          <div className="timeline__marker" title={`hop ${a.hop}`}>
            {a.hop}
          </div>
          <div className="timeline__body">
            <div className="row gap wrap">
              <StatusBadge status={a.status} />
              <span className="strong mono">{a.serviceId}</span>
              <span className="muted">skill {a.skillKey}</span>
              <StatusBadge status={a.executionMode} />
              {a.httpStatus !== null ? <span className="mono small">HTTP {a.httpStatus}</span> : null}
            </div>
            <div className="muted small">
              {formatDateTime(a.startedAt)} · {formatDuration(a.durationMs)}
              {a.providerKey ? ` · provider ${a.providerKey}` : ''}
              {a.endpointBaseUrl ? ` · ${a.endpointBaseUrl}` : ''}
            </div>
            <div className="timeline__bar">
              <span style={{ width: `${Math.max(2, (a.durationMs / longest) * 100)}%` }} />
            </div>
            {a.errorCode || a.errorMessage ? (
              <div className="timeline__error">
                <code>{a.errorCode}</code> {a.errorMessage}
              </div>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
