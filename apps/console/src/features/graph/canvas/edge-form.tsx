import { EDGE_TYPES } from '@mm/contracts';
import type { EdgeType, GraphEdgeView } from '@mm/contracts';
import { useMemo } from 'react';
import type { FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { parseJsonObject } from '../../../lib/format.ts';
import { cssVar, EDGE_LOOK } from '../graph-look.ts';
import { useVersionedForm } from '../hooks/use-versioned-form.ts';
import { changedEdgeFields, edgeSave, edgeValuesOf } from '../versioned-edit.ts';
import { ConflictNotice } from './conflict-notice.tsx';
import { useFormSave, useReportDirty } from './form-save.ts';
import type { FormProps } from './form-save.ts';

export function EdgeForm({
  edge,
  sourceTitle,
  targetTitle,
  formRef,
  onDelete,
  ...p
}: FormProps & { edge: GraphEdgeView; sourceTitle: string; targetTitle: string }) {
  const form = useVersionedForm(edge, edgeValuesOf, changedEdgeFields);
  const { values, setValues, theirs } = form;
  useReportDirty(form.dirty, p.onDirtyChange);
  const parsed = useMemo(() => parseJsonObject(values.dataText), [values.dataText]);
  const name = `${sourceTitle} → ${targetTitle}`;
  const save = useFormSave(p, edge.id, `the edge ${name}`, form.refused);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!parsed.ok || theirs) return;
    const { base, against } = form;
    const patch = edgeSave(base, against, values);
    save(
      patch && {
        kind: 'update',
        label: `Edit edge ${against.label ?? against.type}`,
        nodes: [],
        edges: [{ id: edge.id, ...patch, expectedVersion: against.version }],
      },
    );
  };
  return (
    <form className="form inspector__form" onSubmit={submit} ref={formRef}>
      {theirs ? (
        <ConflictNotice
          what={`The edge ${name}`}
          fromVersion={form.against.version}
          toVersion={theirs.version}
          fields={form.theirChanges}
          onLoadTheirs={form.loadTheirs}
          onKeepMine={form.keepMine}
        />
      ) : null}
      <div className="inspector__kind">
        <span className="inspector__icon" style={cssVar('--node', EDGE_LOOK[edge.type].color)}>
          →
        </span>
        <div>
          <div className="strong">{name}</div>
          <div className="mono small muted" data-testid="inspector-id">
            {edge.id}
          </div>
        </div>
      </div>
      <Field label="Type">
        <select
          value={values.type}
          onChange={(e) => setValues((x) => ({ ...x, type: e.target.value as EdgeType }))}
          data-testid="inspector-edge-type"
        >
          {EDGE_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </Field>
      <Field label="Label">
        <input
          value={values.label}
          onChange={(e) => setValues((x) => ({ ...x, label: e.target.value }))}
          data-testid="inspector-edge-label"
        />
      </Field>
      <Field label="Data (JSON object)" error={parsed.ok ? undefined : parsed.error}>
        <textarea
          className="code-input"
          rows={6}
          value={values.dataText}
          onChange={(e) => setValues((x) => ({ ...x, dataText: e.target.value }))}
          spellCheck={false}
          data-testid="inspector-data"
        />
      </Field>
      <div className="muted small" data-testid="inspector-version">
        version {edge.version}
      </div>
      <div className="form__actions">
        <Button variant="danger" onClick={onDelete} data-testid="inspector-delete">
          Delete edge
        </Button>
        <Button
          type="submit"
          variant="primary"
          disabled={!parsed.ok || Boolean(theirs)}
          title={theirs ? 'Load theirs or keep mine first' : undefined}
          data-testid="inspector-save"
        >
          Save
        </Button>
      </div>
    </form>
  );
}
