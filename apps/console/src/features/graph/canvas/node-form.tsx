import { NODE_STATUSES, NODE_TYPES } from '@mm/contracts';
import type { GraphNodeView, NodeStatus, NodeType } from '@mm/contracts';
import { useMemo } from 'react';
import type { FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatDateTime, parseJsonObject } from '../../../lib/format.ts';
import { cssVar, NODE_LOOK } from '../graph-look.ts';
import { useVersionedForm } from '../hooks/use-versioned-form.ts';
import type { LiveStatus } from '../to-flow.ts';
import { changedNodeFields, nodeSave, nodeValuesOf } from '../versioned-edit.ts';
import type { NodeValues } from '../versioned-edit.ts';
import { ConflictNotice } from './conflict-notice.tsx';
import { useFormSave, useReportDirty } from './form-save.ts';
import type { FormProps } from './form-save.ts';

export function NodeForm({
  node,
  live,
  formRef,
  onDelete,
  ...p
}: FormProps & { node: GraphNodeView; live: LiveStatus | null }) {
  const form = useVersionedForm(node, nodeValuesOf, changedNodeFields);
  const { values, setValues, theirs } = form;
  useReportDirty(form.dirty, p.onDirtyChange);
  const set =
    <K extends keyof NodeValues>(k: K) =>
    (v: NodeValues[K]) =>
      setValues((x) => ({ ...x, [k]: v }));
  const parsed = useMemo(() => parseJsonObject(values.dataText), [values.dataText]);
  const valid = parsed.ok && Boolean(values.title.trim());
  const save = useFormSave(p, node.id, node.title, form.refused);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!valid || theirs) return;
    const { base, against } = form;
    const patch = nodeSave(base, against, values);
    save(
      patch && {
        kind: 'update',
        label: `Edit ${against.title}`,
        nodes: [{ id: node.id, ...patch, expectedVersion: against.version }],
        edges: [],
      },
    );
  };

  return (
    <form className="form inspector__form" onSubmit={submit} ref={formRef}>
      {theirs ? (
        <ConflictNotice
          what={form.against.title}
          fromVersion={form.against.version}
          toVersion={theirs.version}
          fields={form.theirChanges}
          onLoadTheirs={form.loadTheirs}
          onKeepMine={form.keepMine}
        />
      ) : null}
      <div className="inspector__kind">
        <span className="inspector__icon" style={cssVar('--node', NODE_LOOK[node.type].color)}>
          {NODE_LOOK[node.type].icon}
        </span>
        <div>
          <div className="strong">{NODE_LOOK[node.type].label}</div>
          <div className="mono small muted" data-testid="inspector-id">
            {node.id}
          </div>
        </div>
      </div>
      {live ? (
        <div className="row gap small">
          live {live.kind} <span className="mono">{live.label}</span> <StatusBadge status={live.status} />
        </div>
      ) : null}
      <Field label="Title" error={values.title.trim() ? undefined : 'must not be empty'}>
        <input value={values.title} onChange={(e) => set('title')(e.target.value)} data-testid="inspector-title" />
      </Field>
      <div className="form__grid form__grid--2">
        <Field label="Type">
          <select
            value={values.type}
            onChange={(e) => set('type')(e.target.value as NodeType)}
            data-testid="inspector-type"
          >
            {NODE_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field label="Status">
          <select
            value={values.status}
            onChange={(e) => set('status')(e.target.value as NodeStatus)}
            data-testid="inspector-status"
          >
            {NODE_STATUSES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="Reference id" hint="task, run or endpoint id for live status">
        <input value={values.refId} onChange={(e) => set('refId')(e.target.value)} data-testid="inspector-ref" />
      </Field>
      <Field
        label="Data (JSON object)"
        error={parsed.ok ? undefined : parsed.error}
        hint="merged into the stored data; removed keys are set to null"
      >
        <textarea
          className="code-input"
          rows={8}
          value={values.dataText}
          onChange={(e) => set('dataText')(e.target.value)}
          spellCheck={false}
          data-testid="inspector-data"
        />
      </Field>
      <div className="muted small" data-testid="inspector-version">
        version {node.version} · updated {formatDateTime(node.updatedAt)}
      </div>
      <div className="form__actions">
        <Button variant="danger" onClick={onDelete} data-testid="inspector-delete">
          Delete node
        </Button>
        <Button
          type="submit"
          variant="primary"
          disabled={!valid || Boolean(theirs)}
          title={theirs ? 'Load theirs or keep mine first' : undefined}
          data-testid="inspector-save"
        >
          Save
        </Button>
      </div>
    </form>
  );
}
