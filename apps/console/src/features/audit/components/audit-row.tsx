import type { AuditEventView } from '@mm/contracts';
import { memo, useState } from 'react';
import { Link } from 'react-router-dom';
import { JsonView } from '../../../components/ui/json-view.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { resourceLinkOf, summarise } from '../summarise.ts';

/** One event: its sentence, type, who asked, when (relative and absolute), and links to what it touched. */
export const AuditRow = memo(function AuditRow({
  event,
  machineName,
  principalHref,
}: {
  event: AuditEventView;
  machineName: string | undefined;
  /** The current view narrowed to this event's principal. */
  principalHref: string;
}) {
  const [open, setOpen] = useState(false);
  const link = resourceLinkOf(event);
  // A machine's own events link to it already; other resources name the machine they belong to.
  const machineId = event.resourceType === 'machine' ? null : event.machineId;
  return (
    <li
      className={`audit-row${open ? ' is-open' : ''}`}
      data-testid="audit-row"
      data-type={event.type}
      data-resource-id={event.resourceId}
      data-machine-id={event.machineId ?? ''}
      data-principal={event.principal}
    >
      <div className="audit-row__head">
        <button
          type="button"
          className="audit-row__toggle"
          onClick={() => setOpen((v) => !v)}
          aria-expanded={open}
          data-testid="audit-row-toggle"
        >
          <span className="audit-row__caret" aria-hidden>
            {open ? '▾' : '▸'}
          </span>
          <span className="audit-row__summary" data-testid="audit-summary">
            {summarise(event)}
          </span>
        </button>
        <time className="audit-row__time" dateTime={event.createdAt} data-testid="audit-time">
          <span>{formatRelative(event.createdAt)}</span>
          <span className="muted small">{formatDateTime(event.createdAt)}</span>
        </time>
      </div>
      <div className="audit-row__meta small">
        <code className="audit-row__type" data-testid="audit-type">
          {event.type}
        </code>
        <span>
          by{' '}
          <Link to={principalHref} className="mono" title="Only this principal's events" data-testid="audit-principal">
            {event.principal}
          </Link>
          {event.actor !== event.principal ? <span className="muted"> via {event.actor}</span> : null}
        </span>
        {link ? (
          <Link to={link.to} data-testid="audit-resource-link">
            {link.label} →
          </Link>
        ) : (
          <span className="muted">
            {event.resourceType} <span className="mono wrap-anywhere">{event.resourceId}</span>
          </span>
        )}
        {machineId ? (
          <Link to={`/machines/${encodeURIComponent(machineId)}`} data-testid="audit-machine-link">
            machine {machineName ?? machineId}
          </Link>
        ) : null}
      </div>
      {open ? (
        <div className="audit-row__body">
          <div className="muted small">
            event <span className="mono">{event.id}</span> · {event.resourceType}{' '}
            <span className="mono wrap-anywhere">{event.resourceId}</span>
          </div>
          <JsonView value={event.payload} testId="audit-payload" />
        </div>
      ) : null}
    </li>
  );
});
