import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { PageHeader, Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { useMachines } from '../../machines/hooks/use-machines.ts';
import { describeRange } from '../../../lib/time-range.ts';
import { filtersOf, paramsOf, viewOf } from '../audit-filters.ts';
import type { AuditView } from '../audit-filters.ts';
import { useAuditEvents } from '../hooks/use-audit.ts';
import { AuditFiltersForm } from './audit-filters-form.tsx';
import { AuditRow } from './audit-row.tsx';

const EMPTY: AuditView = {
  type: '',
  resourceType: '',
  resourceId: '',
  machineId: '',
  principal: '',
  time: '',
  since: '',
  until: '',
};

/** The filters in force, each with what removing it leaves. */
function activeFilters(view: AuditView, machineName: (id: string) => string) {
  const chips: { key: string; label: string; without: Partial<AuditView> }[] = [];
  if (view.type) chips.push({ key: 'type', label: `type ${view.type}`, without: { type: '' } });
  if (view.machineId)
    chips.push({ key: 'machine', label: `machine ${machineName(view.machineId)}`, without: { machineId: '' } });
  if (view.principal) chips.push({ key: 'principal', label: `by ${view.principal}`, without: { principal: '' } });
  if (view.time) chips.push({ key: 'time', label: describeRange(view, formatDateTime), without: { time: '' } });
  if (view.resourceType)
    chips.push({ key: 'resourceType', label: `resource type ${view.resourceType}`, without: { resourceType: '' } });
  if (view.resourceId)
    chips.push({ key: 'resourceId', label: `resource ${view.resourceId}`, without: { resourceId: '' } });
  return chips;
}

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => viewOf(params), [params]);
  const machines = useMachines();
  const machineList = useMemo(() => machines.data?.items ?? [], [machines.data]);
  const names = useMemo(() => new Map(machineList.map((m) => [m.id, m.displayName])), [machineList]);
  const show = (next: AuditView) => setParams(paramsOf(next));
  const chips = activeFilters(view, (id) => names.get(id) ?? id);
  const principals = [...new Set(['local', 'system', ...(view.principal ? [view.principal] : [])])];

  return (
    <div className="page">
      <PageHeader
        title="Audit log"
        subtitle="Every state change, newest first. Filter by type or group, machine, principal and time; the filters are in the address, so a view can be shared."
      />
      <Panel>
        <AuditFiltersForm
          view={view}
          machines={machineList}
          principals={principals}
          onApply={show}
          onClear={() => show(EMPTY)}
        />
        {chips.length ? (
          <div className="chip-row active-filters" data-testid="audit-active-filters">
            <span className="muted small">Showing</span>
            {chips.map((c) => (
              <span key={c.key} className="filter-chip" data-testid="audit-active-filter" data-key={c.key}>
                {c.label}
                <button
                  type="button"
                  className="filter-chip__remove"
                  aria-label={`Remove filter ${c.label}`}
                  onClick={() => show({ ...view, ...c.without })}
                >
                  ✕
                </button>
              </span>
            ))}
          </div>
        ) : null}
        {/* Keyed by the query string: each view counts its presets back from when it was opened. */}
        <AuditResults key={params.toString()} view={view} names={names} filtered={chips.length > 0} />
      </Panel>
    </div>
  );
}

function AuditResults({
  view,
  names,
  filtered,
}: {
  view: AuditView;
  names: ReadonlyMap<string, string>;
  filtered: boolean;
}) {
  // A preset ("last 24 hours") counts back from now, fixed while this view polls.
  const [openedAt] = useState(() => Date.now());
  const filters = useMemo(() => filtersOf(view, openedAt), [view, openedAt]);
  const events = useAuditEvents(filters);
  const items = useMemo(() => events.data?.pages.flatMap((p) => p.items) ?? [], [events.data]);
  const principalHref = (principal: string) => `/audit?${paramsOf({ ...view, principal }).toString()}`;

  if (events.isPending) return <Loading label="Loading events…" />;
  if (events.isError && !events.data) return <ErrorNotice error={events.error} onRetry={() => void events.refetch()} />;
  if (items.length === 0) return <EmptyState title={filtered ? 'No events match these filters' : 'No events yet'} />;
  return (
    <>
      <ul className="audit-list" data-testid="audit-list">
        {items.map((e) => (
          <AuditRow
            key={e.id}
            event={e}
            machineName={e.machineId ? names.get(e.machineId) : undefined}
            principalHref={principalHref(e.principal)}
          />
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
  );
}
