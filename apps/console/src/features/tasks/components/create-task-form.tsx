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

const SAMPLE_INPUT: Partial<Record<ServiceType, string>> = {
  'compute.marketplace': JSON.stringify(
    { messages: [{ role: 'user', content: 'Say hello from the machine.' }] },
    null,
    2,
  ),
};

export function CreateTaskForm({ machineId, onCreated }: { machineId: string; onCreated: (taskId: string) => void }) {
  const create = useCreateTask(machineId);
  const skills = useSkills();
  const [serviceType, setServiceType] = useState<ServiceType>('compute.marketplace');
  const [taskType, setTaskType] = useState('inference');
  const [operation, setOperation] = useState('run-private-inference');
  const [input, setInput] = useState(SAMPLE_INPUT['compute.marketplace'] ?? '{}');
  const [region, setRegion] = useState('');
  const [budget, setBudget] = useState('');
  const [allowExternalHandoff, setAllowHandoff] = useState(true);
  const [requireNativeExecution, setRequireNative] = useState(false);
  const [capabilities, setCapabilities] = useState('');
  const [preferred, setPreferred] = useState('');
  const [maxCandidates, setMaxCandidates] = useState(String(MAX_CANDIDATES.default));
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const operations = useMemo(() => {
    const ops = new Set<string>();
    for (const s of skills.data?.items ?? [])
      if (s.serviceTypes.includes(serviceType)) s.operations.forEach((o) => ops.add(o));
    return [...ops];
  }, [skills.data, serviceType]);
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
    setLocalErrors(errors);
    if (Object.keys(errors).length || !parsed.ok) return;
    const caps = parseList(capabilities);
    const pref = parseList(preferred);
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
            onChange={(e) => {
              const st = e.target.value as ServiceType;
              setServiceType(st);
              if (SAMPLE_INPUT[st] && input.trim() === '{}') setInput(SAMPLE_INPUT[st]);
            }}
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
          hint={operations.length ? `known: ${operations.join(', ')}` : 'optional'}
          error={fields.operation}
        >
          <input
            list="task-operations"
            value={operation}
            onChange={(e) => setOperation(e.target.value)}
            data-testid="task-operation"
          />
          <datalist id="task-operations">
            {operations.map((o) => (
              <option key={o} value={o} />
            ))}
          </datalist>
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
          label="Preferred skill keys"
          hint="must be known skills"
          error={fields['constraints.preferredSkillKeys']}
        >
          <input
            list="task-skills"
            value={preferred}
            onChange={(e) => setPreferred(e.target.value)}
            data-testid="task-preferred-skills"
          />
          <datalist id="task-skills">
            {(skills.data?.items ?? []).map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </datalist>
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
