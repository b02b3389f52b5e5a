import { zIdentityRef } from '@mm/contracts';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { ErrorNotice } from '../../../components/ui/states.tsx';
import { fieldErrorsOf, appErrorOf } from '../../../lib/errors.ts';
import { useCreateMachine } from '../hooks/use-machines.ts';

export function CreateMachineForm({ onCreated }: { onCreated: (machineId: string, displayName: string) => void }) {
  const create = useCreateMachine();
  const [displayName, setDisplayName] = useState('');
  const [identityRef, setIdentityRef] = useState('');
  const [status, setStatus] = useState<'active' | 'draft'>('active');
  const [localError, setLocalError] = useState<string | undefined>();

  const serverFields = create.error ? fieldErrorsOf(appErrorOf(create.error)) : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const ref = zIdentityRef.safeParse(identityRef.trim());
    if (!ref.success) {
      setLocalError(ref.error.issues[0]?.message ?? 'invalid identityRef');
      return;
    }
    setLocalError(undefined);
    create.mutate(
      { displayName: displayName.trim(), identityRef: ref.data, status },
      { onSuccess: (m) => onCreated(m.id, m.displayName) },
    );
  };

  return (
    <form className="form" onSubmit={submit} data-testid="create-machine-form">
      <div className="form__grid">
        <Field label="Display name" error={serverFields.displayName}>
          <input
            required
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            placeholder="Warehouse rover 7"
            data-testid="machine-display-name"
          />
        </Field>
        <Field
          label="Identity"
          hint={
            <>
              <code>peaqos:machine:&lt;id&gt;</code> or <code>did:peaq:0x…</code>
            </>
          }
          error={localError ?? serverFields.identityRef}
        >
          <input
            required
            value={identityRef}
            onChange={(e) => setIdentityRef(e.target.value)}
            placeholder="peaqos:machine:rover-7"
            data-testid="machine-identity-ref"
          />
        </Field>
        <Field label="Initial status">
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as 'active' | 'draft')}
            data-testid="machine-status"
          >
            <option value="active">active</option>
            <option value="draft">draft</option>
          </select>
        </Field>
      </div>
      <ErrorNotice error={create.error} testId="create-machine-error" />
      <div className="form__actions">
        <Button type="submit" variant="primary" busy={create.isPending} data-testid="create-machine-submit">
          Create machine
        </Button>
      </div>
    </form>
  );
}
