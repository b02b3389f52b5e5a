import { RESOURCE_TYPES } from '@mm/contracts';
import type { MachineView } from '@mm/contracts';
import { useState } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { TimeRangeFields } from '../../../components/ui/time-range-fields.tsx';
import { typeOptions } from '../audit-filters.ts';
import type { AuditView } from '../audit-filters.ts';

const TYPE_OPTIONS = typeOptions();

/**
 * The audit filters as a form over the URL's view: edits stay local until Apply, and a view that
 * changes under it (a link, back/forward, a removed chip) replaces the form's state.
 */
export function AuditFiltersForm({
  view,
  machines,
  principals,
  onApply,
  onClear,
}: {
  view: AuditView;
  machines: readonly Pick<MachineView, 'id' | 'displayName'>[];
  /** Principals seen in the loaded events, offered as suggestions. */
  principals: readonly string[];
  onApply: (view: AuditView) => void;
  onClear: () => void;
}) {
  const [draft, setDraft] = useState(view);
  // Adjusted during render, not in an effect (docs/console.md "Structure").
  const [shown, setShown] = useState(view);
  if (shown !== view) {
    setShown(view);
    setDraft(view);
  }
  const set = <K extends keyof AuditView>(key: K, value: AuditView[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const unknownMachine = draft.machineId && !machines.some((m) => m.id === draft.machineId);

  return (
    <form
      className="filters filters--hinted"
      data-testid="audit-filters"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      <Field label="Event type" hint="a type, or a group ending in *">
        <input
          list="audit-types"
          value={draft.type}
          onChange={(e) => set('type', e.target.value)}
          placeholder="any, e.g. graph.node.*"
          data-testid="audit-filter-type"
        />
        <datalist id="audit-types" data-testid="audit-type-options">
          {TYPE_OPTIONS.map((o) => (
            <option key={o.value} value={o.value} label={o.label === o.value ? undefined : o.label} />
          ))}
        </datalist>
      </Field>
      <Field label="Machine" hint="its graph, tasks, runs, endpoints, agents">
        <select
          value={draft.machineId}
          onChange={(e) => set('machineId', e.target.value)}
          data-testid="audit-filter-machine"
        >
          <option value="">any machine</option>
          {unknownMachine ? <option value={draft.machineId}>{draft.machineId}</option> : null}
          {machines.map((m) => (
            <option key={m.id} value={m.id}>
              {m.displayName}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Principal" hint="who asked: a key owner, local, system">
        <input
          list="audit-principals"
          value={draft.principal}
          onChange={(e) => set('principal', e.target.value)}
          placeholder="anyone"
          data-testid="audit-filter-principal"
        />
        <datalist id="audit-principals">
          {principals.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
      </Field>
      <TimeRangeFields
        label="Time"
        time={draft.time}
        since={draft.since}
        until={draft.until}
        onTime={(time) => set('time', time)}
        onSince={(iso) => set('since', iso)}
        onUntil={(iso) => set('until', iso)}
        testIdPrefix="audit-filter"
      />
      <Field label="Resource type">
        <select
          value={draft.resourceType}
          onChange={(e) => set('resourceType', e.target.value)}
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
          value={draft.resourceId}
          onChange={(e) => set('resourceId', e.target.value)}
          placeholder="any"
          data-testid="audit-filter-resource-id"
        />
      </Field>
      <div className="filters__actions">
        <Button type="submit" variant="primary" data-testid="audit-filter-apply">
          Apply
        </Button>
        <Button variant="ghost" onClick={onClear} data-testid="audit-filter-clear">
          Clear
        </Button>
      </div>
    </form>
  );
}
