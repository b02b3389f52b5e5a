import { AUDIT_EVENT_TYPES, RESOURCE_TYPES } from '@mm/contracts';
import type { AuditEventView } from '@mm/contracts';
import { memo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { JsonView } from '../../../components/ui/json-view.tsx';
import { PageHeader, Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { useAuditEvents } from '../hooks/use-audit.ts';
import type { AuditFilters } from '../hooks/use-audit.ts';

const AuditRow = memo(function AuditRow({ event }: { event: AuditEventView }) {
  const [open, setOpen] = useState(false);
  return (
    <li
      className={`audit-row${open ? ' is-open' : ''}`}
      data-testid="audit-row"
      data-type={event.type}
      data-resource-id={event.resourceId}
    >
      <button
        type="button"
        className="audit-row__head"
        onClick={() => setOpen((v) => !v)}
        aria-expanded={open}
        data-testid="audit-row-toggle"
      >
        <span className="audit-row__caret">{open ? '▾' : '▸'}</span>
        <code className="audit-row__type" data-testid="audit-type">
          {event.type}
        </code>
        <span className="audit-row__res">
          <span className="muted">{event.resourceType}</span> <span className="mono">{event.resourceId}</span>
        </span>
        <span className="audit-row__actor mono">{event.actor}</span>
        <span className="audit-row__time muted" title={formatDateTime(event.createdAt)}>
          {formatRelative(event.createdAt)}
        </span>
      </button>
      {open ? (
        <div className="audit-row__body">
          <div className="muted small">
            event <span className="mono">{event.id}</span> · {formatDateTime(event.createdAt)}
          </div>
          <JsonView value={event.payload} testId="audit-payload" />
        </div>
      ) : null}
    </li>
  );
});

function filtersOf(params: URLSearchParams): AuditFilters {
  const f: AuditFilters = {};
  for (const key of ['type', 'resourceType', 'resourceId'] as const) {
    const v = params.get(key)?.trim();
    if (v) f[key] = v;
  }
  return f;
}

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const events = useAuditEvents(filters);
  const [type, setType] = useState(filters.type ?? '');
  const [resourceType, setResourceType] = useState(filters.resourceType ?? '');
  const [resourceId, setResourceId] = useState(filters.resourceId ?? '');
  // The URL changed (a link, back/forward): the form follows it. Adjusted during render, not in an effect.
  const [shownParams, setShownParams] = useState(params);
  if (shownParams !== params) {
    setShownParams(params);
    setType(params.get('type') ?? '');
    setResourceType(params.get('resourceType') ?? '');
    setResourceId(params.get('resourceId') ?? '');
  }

  const items = events.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="page">
      <PageHeader title="Audit log" subtitle="Every state change, newest first. Click an event to read its payload." />
      <Panel>
        <form
          className="filters"
          data-testid="audit-filters"
          onSubmit={(e) => {
            e.preventDefault();
            const next = new URLSearchParams();
            if (type.trim()) next.set('type', type.trim());
            if (resourceType.trim()) next.set('resourceType', resourceType.trim());
            if (resourceId.trim()) next.set('resourceId', resourceId.trim());
            setParams(next);
          }}
        >
          <Field label="Event type">
            <input
              list="audit-types"
              value={type}
              onChange={(e) => setType(e.target.value)}
              placeholder="any"
              data-testid="audit-filter-type"
            />
            <datalist id="audit-types">
              {AUDIT_EVENT_TYPES.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
          </Field>
          <Field label="Resource type">
            <select
              value={resourceType}
              onChange={(e) => setResourceType(e.target.value)}
              data-testid="audit-filter-resource-type"
            >
              <option value="">any</option>
              {RESOURCE_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </Field>
          <Field label="Resource id">
            <input
              value={resourceId}
              onChange={(e) => setResourceId(e.target.value)}
              placeholder="any"
              data-testid="audit-filter-resource-id"
            />
          </Field>
          <div className="filters__actions">
            <Button type="submit" variant="primary" data-testid="audit-filter-apply">
              Apply
            </Button>
            <Button variant="ghost" onClick={() => setParams(new URLSearchParams())} data-testid="audit-filter-clear">
              Clear
            </Button>
          </div>
        </form>
        {events.isPending ? (
          <Loading label="Loading events…" />
        ) : events.isError && !events.data ? (
          <ErrorNotice error={events.error} onRetry={() => void events.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title={Object.keys(filters).length ? 'No events match these filters' : 'No events yet'} />
        ) : (
          <>
            <ul className="audit-list" data-testid="audit-list">
              {items.map((e) => (
                <AuditRow key={e.id} event={e} />
              ))}
            </ul>
            <div className="list-foot">
              <span className="muted small" data-testid="audit-count">
                {items.length} event{items.length === 1 ? '' : 's'} shown
              </span>
              {events.hasNextPage ? (
                <Button
                  onClick={() => void events.fetchNextPage()}
                  busy={events.isFetchingNextPage}
                  data-testid="audit-load-more"
                >
                  Load more
                </Button>
              ) : (
                <span className="muted small">end of log</span>
              )}
            </div>
            {events.isError ? <ErrorNotice error={events.error} testId="audit-page-error" /> : null}
          </>
        )}
      </Panel>
    </div>
  );
}
