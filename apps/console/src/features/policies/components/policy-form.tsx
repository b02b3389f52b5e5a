import type { CreatePolicyRequest, PolicyView } from '@mm/contracts';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Checkbox, Field } from '../../../components/ui/field.tsx';
import { ErrorNotice } from '../../../components/ui/states.tsx';
import { appErrorOf, fieldErrorsOf } from '../../../lib/errors.ts';
import { joinList, parseList } from '../../../lib/format.ts';
import { useSkills } from '../../tasks/hooks/use-tasks.ts';
import { policyDraftErrors, toggleKey } from '../policy-rules.ts';

/** The catalogue's skill keys as toggles under a comma-separated field. */
function KeyChoices({
  keys,
  value,
  onChange,
  testId,
}: {
  keys: readonly string[];
  value: string;
  onChange: (v: string) => void;
  testId: string;
}) {
  const chosen = new Set(parseList(value));
  return (
    <div className="chip-row" data-testid={testId}>
      {keys.map((k) => (
        <button
          key={k}
          type="button"
          className={`chip-btn chip-btn--sm${chosen.has(k) ? ' is-active' : ''}`}
          aria-pressed={chosen.has(k)}
          onClick={() => onChange(toggleKey(value, k))}
          data-testid={`${testId}-${k}`}
        >
          {k}
        </button>
      ))}
    </div>
  );
}

interface Draft {
  name: string;
  allowed: string;
  denied: string;
  budgetAmount: string;
  budgetCurrency: string;
  regions: string;
  nativeOnly: boolean;
  handoffAllowed: boolean;
  capabilities: string;
}

function draftOf(p: PolicyView | undefined): Draft {
  return {
    name: p?.name ?? '',
    allowed: joinList(p?.allowedSkillKeys),
    denied: joinList(p?.deniedSkillKeys),
    budgetAmount: p?.budgetCap ? String(p.budgetCap.amount) : '',
    budgetCurrency: p?.budgetCap?.currency ?? 'USD',
    regions: joinList(p?.regionRules),
    nativeOnly: p?.nativeOnly ?? false,
    handoffAllowed: p?.handoffAllowed ?? true,
    capabilities: joinList(p?.requiredCapabilities),
  };
}

/** The editor for a new or an existing policy. Lists are comma-separated. */
export function PolicyForm({
  policy,
  onSubmit,
  busy,
  error,
  submitLabel,
}: {
  policy?: PolicyView;
  onSubmit: (body: CreatePolicyRequest) => void;
  busy: boolean;
  error: unknown;
  submitLabel: string;
}) {
  const [d, setD] = useState<Draft>(() => draftOf(policy));
  const [budgetError, setBudgetError] = useState<string | undefined>();
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const skills = useSkills();
  const knownKeys = skills.data ? skills.data.items.map((s) => s.key) : null;
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((prev) => ({ ...prev, [k]: v }));
  const fields = { ...(error ? fieldErrorsOf(appErrorOf(error)) : {}), ...localErrors };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors = policyDraftErrors(d, knownKeys);
    setLocalErrors(errors);
    if (Object.keys(errors).length) return;
    let budgetCap: CreatePolicyRequest['budgetCap'] = null;
    if (d.budgetAmount.trim() !== '') {
      const amount = Number(d.budgetAmount);
      if (!Number.isFinite(amount) || amount < 0) {
        setBudgetError('must be a number >= 0');
        return;
      }
      budgetCap = { amount, currency: d.budgetCurrency.trim() || 'USD' };
    }
    setBudgetError(undefined);
    onSubmit({
      name: d.name.trim(),
      allowedSkillKeys: parseList(d.allowed),
      deniedSkillKeys: parseList(d.denied),
      budgetCap,
      regionRules: parseList(d.regions),
      nativeOnly: d.nativeOnly,
      handoffAllowed: d.handoffAllowed,
      requiredCapabilities: parseList(d.capabilities),
    });
  };

  return (
    <form className="form" onSubmit={submit} data-testid="policy-form">
      <div className="form__grid">
        <Field label="Name" error={fields.name} wide>
          <input required value={d.name} onChange={(e) => set('name', e.target.value)} data-testid="policy-name" />
        </Field>
        <Field label="Allowed skill keys" hint="empty = every skill" error={fields.allowedSkillKeys}>
          <input
            value={d.allowed}
            onChange={(e) => set('allowed', e.target.value)}
            placeholder="qvac, storage-s3"
            data-testid="policy-allowed"
          />
          <KeyChoices
            keys={knownKeys ?? []}
            value={d.allowed}
            onChange={(v) => set('allowed', v)}
            testId="policy-allowed-choice"
          />
        </Field>
        <Field label="Denied skill keys" error={fields.deniedSkillKeys}>
          <input
            value={d.denied}
            onChange={(e) => set('denied', e.target.value)}
            placeholder="qvac"
            data-testid="policy-denied"
          />
          <KeyChoices
            keys={knownKeys ?? []}
            value={d.denied}
            onChange={(v) => set('denied', v)}
            testId="policy-denied-choice"
          />
        </Field>
        <Field label="Budget cap amount" hint="empty = no cap" error={budgetError ?? fields['budgetCap.amount']}>
          <input
            inputMode="decimal"
            value={d.budgetAmount}
            onChange={(e) => set('budgetAmount', e.target.value)}
            data-testid="policy-budget-amount"
          />
        </Field>
        <Field label="Currency" error={fields['budgetCap.currency']}>
          <input
            value={d.budgetCurrency}
            onChange={(e) => set('budgetCurrency', e.target.value)}
            data-testid="policy-budget-currency"
          />
        </Field>
        <Field
          label="Allowed regions"
          hint="empty = any region; `global` services match any"
          error={fields.regionRules}
        >
          <input
            value={d.regions}
            onChange={(e) => set('regions', e.target.value)}
            placeholder="eu, local"
            data-testid="policy-regions"
          />
        </Field>
        <Field label="Required capabilities" error={fields.requiredCapabilities}>
          <input
            value={d.capabilities}
            onChange={(e) => set('capabilities', e.target.value)}
            data-testid="policy-capabilities"
          />
        </Field>
      </div>
      <div className="row gap">
        <Checkbox
          label="Native only"
          hint="never hand off"
          checked={d.nativeOnly}
          onChange={(v) => set('nativeOnly', v)}
          testId="policy-native-only"
        />
        <Checkbox
          label="Handoff allowed"
          checked={d.handoffAllowed}
          onChange={(v) => set('handoffAllowed', v)}
          testId="policy-handoff-allowed"
        />
      </div>
      {fields.handoffAllowed ? (
        <span className="field__error" data-testid="policy-switch-error">
          {fields.handoffAllowed}
        </span>
      ) : null}
      <ErrorNotice error={error} testId="policy-error" />
      <div className="form__actions">
        {/* The skill keys are checked against the catalogue before sending: wait for it (if it
            cannot be loaded, the server's answer is the check). */}
        <Button type="submit" variant="primary" busy={busy || skills.isPending} data-testid="policy-submit">
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
