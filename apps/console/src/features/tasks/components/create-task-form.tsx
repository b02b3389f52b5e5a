import { MAX_CANDIDATES, SERVICE_TYPES } from '@mm/contracts';
import type { CreateTaskRequest, ServiceType } from '@mm/contracts';
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Checkbox, Field } from '../../../components/ui/field.tsx';
import { ErrorNotice } from '../../../components/ui/states.tsx';
import { appErrorOf, fieldErrorsOf } from '../../../lib/errors.ts';
import { parseJsonObject, parseList } from '../../../lib/format.ts';
import { useCreateTask, useSkills } from '../hooks/use-tasks.ts';
import { defaultsFor, operationsFor, skillKeysFor, unknownKeys } from '../task-form-rules.ts';

const FIRST: ServiceType = 'compute.marketplace';

export function CreateTaskForm({ machineId, onCreated }: { machineId: string; onCreated: (taskId: string) => void }) {
  const create = useCreateTask(machineId);
  const skills = useSkills();
  const skillList = useMemo(() => skills.data?.items ?? [], [skills.data]);
  const [serviceType, setServiceType] = useState<ServiceType>(FIRST);
  const [taskType, setTaskType] = useState(() => defaultsFor([], FIRST).taskType);
  // Until the catalogue arrives the default operation is the known one; then it must be offered.
  const [operation, setOperation] = useState('run-private-inference');
  const [input, setInput] = useState(() => defaultsFor([], FIRST).input);
  const [region, setRegion] = useState('');
  const [budget, setBudget] = useState('');
  const [allowExternalHandoff, setAllowHandoff] = useState(true);
  const [requireNativeExecution, setRequireNative] = useState(false);
  const [capabilities, setCapabilities] = useState('');
  const [preferred, setPreferred] = useState<string[]>([]);
  const [maxCandidates, setMaxCandidates] = useState(String(MAX_CANDIDATES.default));
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const operations = useMemo(() => operationsFor(skillList, serviceType), [skillList, serviceType]);
  const skillKeys = useMemo(() => skillKeysFor(skillList, serviceType), [skillList, serviceType]);
  /** A new service type starts its dependent fields afresh (the old operation or chat input would not fit). */
  const changeServiceType = (st: ServiceType) => {
    const d = defaultsFor(skillList, st);
    setServiceType(st);
    setTaskType(d.taskType);
    setOperation(d.operation);
    setInput(d.input);
    setPreferred(d.preferredSkillKeys);
    setLocalErrors({});
  };
  const fields = { ...(create.error ? fieldErrorsOf(appErrorOf(create.error)) : {}), ...localErrors };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    const parsed = parseJsonObject(input);
    if (!parsed.ok) errors.input = parsed.error;
    const budgetNum = budget.trim() === '' ? undefined : Number(budget);
    if (budgetNum !== undefined && (!Number.isFinite(budgetNum) || budgetNum < 0))
      errors['constraints.budget'] = 'must be a number >= 0';
    const max = Number(maxCandidates);
    if (!Number.isInteger(max) || max < MAX_CANDIDATES.min || max > MAX_CANDIDATES.max) {
      errors['discovery.maxCandidates'] = `must be an integer between ${MAX_CANDIDATES.min} and ${MAX_CANDIDATES.max}`;
    }
    if (skills.data && operation && !operations.includes(operation))
      errors.operation = `not an operation of ${serviceType}`;
    const unknown = skills.data ? unknownKeys(preferred, skillKeys) : [];
    if (unknown.length) errors['constraints.preferredSkillKeys'] = `unknown for ${serviceType}: ${unknown.join(', ')}`;
    setLocalErrors(errors);
    if (Object.keys(errors).length || !parsed.ok) return;
    const caps = parseList(capabilities);
    const pref = preferred;
    const body: CreateTaskRequest = {
      serviceType,
      taskType: taskType.trim(),
      ...(operation.trim() && { operation: operation.trim() }),
      input: parsed.value,
      constraints: {
        allowExternalHandoff,
        requireNativeExecution,
        ...(region.trim() && { region: region.trim() }),
        ...(budgetNum !== undefined && { budget: budgetNum }),
        ...(caps.length && { requiredCapabilities: caps }),
        ...(pref.length && { preferredSkillKeys: pref }),
      },
      discovery: { maxCandidates: max },
    };
    create.mutate({ machineId, ...body }, { onSuccess: (t) => onCreated(t.id) });
  };

  return (
    <form className="form" onSubmit={submit} data-testid="create-task-form">
      <div className="form__grid">
        <Field label="Service type" error={fields.serviceType}>
          <select
            value={serviceType}
            onChange={(e) => changeServiceType(e.target.value as ServiceType)}
            data-testid="task-service-type"
          >
            {SERVICE_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field label="Task type" error={fields.taskType}>
          <input required value={taskType} onChange={(e) => setTaskType(e.target.value)} data-testid="task-task-type" />
        </Field>
        <Field
          label="Operation"
          hint={
            skills.isPending
              ? 'loading the catalogue…'
              : operations.length
                ? 'from the catalogue'
                : 'none in the catalogue'
          }
          error={fields.operation}
        >
          <select value={operation} onChange={(e) => setOperation(e.target.value)} data-testid="task-operation">
            <option value="">— none —</option>
            {operations.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
            {operation && !operations.includes(operation) ? <option value={operation}>{operation}</option> : null}
          </select>
        </Field>
        <Field label="Input (JSON object)" error={fields.input} wide>
          <textarea
            className="code-input"
            rows={6}
            value={input}
            onChange={(e) => setInput(e.target.value)}
            spellCheck={false}
            data-testid="task-input"
          />
        </Field>
        <Field label="Region" hint="optional" error={fields['constraints.region']}>
          <input value={region} onChange={(e) => setRegion(e.target.value)} data-testid="task-region" />
        </Field>
        <Field label="Budget" hint="optional, >= 0" error={fields['constraints.budget']}>
          <input
            inputMode="decimal"
            value={budget}
            onChange={(e) => setBudget(e.target.value)}
            data-testid="task-budget"
          />
        </Field>
        <Field label="Required capabilities" hint="comma-separated" error={fields['constraints.requiredCapabilities']}>
          <input
            value={capabilities}
            onChange={(e) => setCapabilities(e.target.value)}
            data-testid="task-capabilities"
          />
        </Field>
        <Field
          label="Preferred skills"
          hint={skillKeys.length ? 'skills of this service type' : 'no skill serves this service type'}
          error={fields['constraints.preferredSkillKeys']}
        >
          <div className="chip-row" data-testid="task-preferred-skills">
            {skillKeys.map((k) => (
              <button
                key={k}
                type="button"
                className={`chip-btn${preferred.includes(k) ? ' is-active' : ''}`}
                aria-pressed={preferred.includes(k)}
                onClick={() => setPreferred((p) => (p.includes(k) ? p.filter((x) => x !== k) : [...p, k]))}
                data-testid={`task-preferred-${k}`}
              >
                {k}
              </button>
            ))}
          </div>
        </Field>
        <Field label="Max candidates" hint="1 to 25" error={fields['discovery.maxCandidates']}>
          <input
            type="number"
            min={1}
            max={25}
            value={maxCandidates}
            onChange={(e) => setMaxCandidates(e.target.value)}
            data-testid="task-max-candidates"
          />
        </Field>
      </div>
      <div className="row gap">
        <Checkbox
          label="Allow external handoff"
          checked={allowExternalHandoff}
          onChange={setAllowHandoff}
          testId="task-allow-handoff"
        />
        <Checkbox
          label="Require native execution"
          checked={requireNativeExecution}
          onChange={setRequireNative}
          testId="task-require-native"
        />
      </div>
      <ErrorNotice error={create.error} testId="create-task-error" />
      <div className="form__actions">
        <Button type="submit" variant="primary" busy={create.isPending} data-testid="create-task-submit">
          Create task
        </Button>
      </div>
    </form>
  );
}
