import type { Candidate, ExcludedService, RouteView, TaskResolution } from '@mm/contracts';
import { StatusBadge, Tag } from '../../../components/ui/status-badge.tsx';

export function ResolutionSummary({ resolution }: { resolution: TaskResolution }) {
  switch (resolution.kind) {
    case 'native':
      return (
        <div className="notice notice--success" data-testid="resolution" data-kind="native">
          Native execution on <strong className="mono">{resolution.candidate.service.id}</strong> (score{' '}
          {resolution.candidate.score.toFixed(2)}).
        </div>
      );
    case 'handoff':
      return (
        <div className="notice notice--info" data-testid="resolution" data-kind="handoff">
          External handoff to <strong>{resolution.handoff.label}</strong>{' '}
          <a href={resolution.handoff.url} target="_blank" rel="noreferrer">
            {resolution.handoff.url}
          </a>
          {resolution.handoff.notes.length ? (
            <div className="muted small">{resolution.handoff.notes.join(' · ')}</div>
          ) : null}
        </div>
      );
    case 'unavailable':
      return (
        <div className="notice notice--warn" data-testid="resolution" data-kind="unavailable">
          <strong>No route available.</strong> {resolution.reason}
        </div>
      );
  }
}

export function CandidatesTable({
  candidates,
  selectedServiceId,
}: {
  candidates: readonly Candidate[];
  selectedServiceId?: string;
}) {
  if (candidates.length === 0)
    return (
      <p className="muted" data-testid="no-candidates">
        No eligible candidates.
      </p>
    );
  return (
    <table className="table table--compact" data-testid="candidates-table">
      <thead>
        <tr>
          <th>#</th>
          <th>Service</th>
          <th>Mode</th>
          <th>Region</th>
          <th>Price</th>
          <th className="num">Score</th>
          <th>Reasons</th>
        </tr>
      </thead>
      <tbody>
        {candidates.map((c, i) => (
          <tr
            key={c.service.id}
            data-testid="candidate-row"
            data-service-id={c.service.id}
            className={c.service.id === selectedServiceId ? 'is-selected' : undefined}
          >
            <td className="muted" data-label="Rank">
              {i + 1}
            </td>
            <td data-label="Service">
              <div className="strong">{c.service.name}</div>
              <div className="mono small muted">
                {c.service.id} · skill {c.service.skillKey} · {c.service.companyName}
              </div>
            </td>
            <td data-label="Mode">
              <StatusBadge status={c.service.executionMode} />
            </td>
            <td data-label="Region">{c.service.region}</td>
            <td className="small" data-label="Price">
              {c.service.pricing.mode === 'fixed'
                ? `${c.service.pricing.amount ?? '?'} ${c.service.pricing.currency ?? ''}`
                : c.service.pricing.mode}
            </td>
            <td className="num mono" data-testid="candidate-score" data-label="Score">
              {c.score.toFixed(2)}
            </td>
            <td data-label="Reasons">
              <Reasons reasons={c.reasons} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The server lists the first excluded services and counts them all (`excludedTotal`, docs/api.md). */
export function ExcludedList({ excluded, total }: { excluded: readonly ExcludedService[]; total: number }) {
  if (excluded.length === 0) return <p className="muted small">Nothing that matched was excluded.</p>;
  const more = total - excluded.length;
  return (
    <>
      <table className="table table--compact" data-testid="excluded-table">
        <thead>
          <tr>
            <th>Excluded service</th>
            <th>Skill</th>
            <th>Why</th>
          </tr>
        </thead>
        <tbody>
          {excluded.map((x) => (
            <tr key={x.serviceId} data-testid="excluded-row" data-service-id={x.serviceId}>
              <td className="mono" data-label="Service">
                {x.serviceId}
              </td>
              <td className="mono" data-label="Skill">
                {x.skillKey}
              </td>
              <td data-label="Why">
                <Reasons reasons={x.reasons} bad />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {more > 0 ? (
        <p className="muted small" data-testid="excluded-more">
          and {more.toLocaleString()} more excluded, not listed
        </p>
      ) : null}
    </>
  );
}

export function RouteCard({ route }: { route: RouteView }) {
  return (
    <div className="route" data-testid="route" data-status={route.status}>
      <div className="row gap wrap">
        <span className="muted">Route</span>
        <StatusBadge status={route.status} testId="route-status" />
        <span className="strong mono" data-testid="route-service">
          {route.selectedServiceId}
        </span>
        <span className="muted">skill {route.selectedSkillKey}</span>
        <StatusBadge status={route.executionMode} />
        <span className="muted small">score {route.score.toFixed(2)}</span>
      </div>
      <p className="muted small">{route.reason}</p>
      {route.handoff ? (
        <p className="small">
          Handoff: {route.handoff.label} ·{' '}
          <a href={route.handoff.url} target="_blank" rel="noreferrer">
            {route.handoff.url}
          </a>
        </p>
      ) : null}
      <div className="fallback" data-testid="fallback-chain">
        <span className="muted small">Fallback chain:</span>
        {route.fallbackChain.length === 0 ? (
          <span className="muted small">none</span>
        ) : (
          <ol className="chain">
            <li className="chain__hop chain__hop--primary">
              <span className="mono">{route.selectedServiceId}</span>
            </li>
            {route.fallbackChain.map((h) => (
              <li key={h.serviceId} className="chain__hop" data-testid="fallback-hop">
                <span className="mono">{h.serviceId}</span> <Tag>{h.executionMode}</Tag>
              </li>
            ))}
          </ol>
        )}
      </div>
    </div>
  );
}

function Reasons({ reasons, bad = false }: { reasons: readonly string[]; bad?: boolean }) {
  return (
    <ul className={bad ? 'reasons reasons--bad' : 'reasons'}>
      {reasons.map((r) => (
        <li key={r}>{r}</li>
      ))}
    </ul>
  );
}
