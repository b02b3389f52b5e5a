import { SERVICE_TYPES, zExecutionMode, zIntegrationStatus } from '@mm/contracts';
import type { ServiceType, SkillView, UpsertSkillRequest } from '@mm/contracts';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { ErrorNotice } from '../../../components/ui/states.tsx';
import { appErrorOf, fieldErrorsOf } from '../../../lib/errors.ts';
import { joinList, parseList } from '../../../lib/format.ts';

export type SkillDraft = UpsertSkillRequest & { skillKey: string };

/** A new skill (no `skill`) or an existing one; the key of an existing skill is fixed (it is its URL). */
export function SkillForm({
  skill,
  onSubmit,
  onCancel,
  busy,
  error,
}: {
  skill?: SkillView | undefined;
  onSubmit: (body: SkillDraft) => void;
  onCancel: () => void;
  busy: boolean;
  error: unknown;
}) {
  const [key, setKey] = useState(skill?.key ?? '');
  const [providerKey, setProviderKey] = useState(skill?.providerKey ?? '');
  const [label, setLabel] = useState(skill?.label ?? '');
  const [description, setDescription] = useState(skill?.description ?? '');
  const [types, setTypes] = useState<ServiceType[]>(skill?.serviceTypes ?? []);
  const [operations, setOperations] = useState(joinList(skill?.operations));
  const [executionMode, setExecutionMode] = useState(skill?.executionMode ?? 'native');
  const [integrationStatus, setIntegrationStatus] = useState(skill?.integrationStatus ?? 'integrated');
  const [localError, setLocalError] = useState<Record<string, string>>({});
  const fields = { ...(error ? fieldErrorsOf(appErrorOf(error)) : {}), ...localError };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (!key.trim()) errors.skillKey = 'required';
    if (types.length === 0) errors.serviceTypes = 'pick at least one';
    setLocalError(errors);
    if (Object.keys(errors).length) return;
    onSubmit({
      skillKey: key.trim(),
      providerKey: providerKey.trim(),
      label: label.trim(),
      description: description.trim(),
      serviceTypes: types,
      operations: parseList(operations),
      executionMode,
      integrationStatus,
    });
  };

  return (
    <form className="form" onSubmit={submit} data-testid="skill-form">
      <div className="form__grid">
        <Field label="Key" error={fields.skillKey} hint={skill ? 'fixed: it names the skill' : 'e.g. acme.inference'}>
          <input
            value={key}
            readOnly={Boolean(skill)}
            onChange={(e) => setKey(e.target.value)}
            data-testid="skill-key"
          />
        </Field>
        <Field label="Provider key" error={fields.providerKey}>
          <input value={providerKey} onChange={(e) => setProviderKey(e.target.value)} data-testid="skill-provider" />
        </Field>
        <Field label="Label" error={fields.label}>
          <input value={label} onChange={(e) => setLabel(e.target.value)} data-testid="skill-label" />
        </Field>
        <Field label="Operations" hint="comma-separated" error={fields.operations}>
          <input value={operations} onChange={(e) => setOperations(e.target.value)} data-testid="skill-operations" />
        </Field>
        <Field label="Execution mode" error={fields.executionMode}>
          <select
            value={executionMode}
            onChange={(e) => setExecutionMode(zExecutionMode.parse(e.target.value))}
            data-testid="skill-mode"
          >
            {zExecutionMode.options.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </Field>
        <Field label="Integration status" error={fields.integrationStatus}>
          <select
            value={integrationStatus}
            onChange={(e) => setIntegrationStatus(zIntegrationStatus.parse(e.target.value))}
            data-testid="skill-status"
          >
            {zIntegrationStatus.options.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </Field>
        <Field label="Description" error={fields.description} wide>
          <textarea
            rows={2}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            data-testid="skill-description"
          />
        </Field>
        <Field label="Service types" error={fields.serviceTypes} wide>
          <div className="chip-row" data-testid="skill-types">
            {SERVICE_TYPES.map((t) => {
              const on = types.includes(t);
              return (
                <button
                  key={t}
                  type="button"
                  className={`chip-btn chip-btn--sm${on ? ' is-active' : ''}`}
                  aria-pressed={on}
                  onClick={() => setTypes(on ? types.filter((x) => x !== t) : [...types, t])}
                  data-testid={`skill-type-${t}`}
                >
                  {t}
                </button>
              );
            })}
          </div>
        </Field>
      </div>
      <ErrorNotice error={error} testId="skill-error" />
      <div className="form__actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={busy} data-testid="skill-submit">
          {skill ? 'Save skill' : 'Add skill'}
        </Button>
      </div>
    </form>
  );
}
