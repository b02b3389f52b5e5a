import { useState } from 'react';
import type { FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { appErrorOf, fieldErrorsOf } from '../../../lib/errors.ts';
import { useSession } from '../../session/hooks/use-session.ts';
import { useIdentityControllers, usePutIdentityControllers } from '../hooks/use-identity-controllers.ts';

function ControllersForm({
  identityRef,
  current,
  onDone,
}: {
  identityRef: string;
  current: string[];
  onDone: () => void;
}) {
  const put = usePutIdentityControllers(identityRef);
  const [text, setText] = useState(current.join('\n'));
  const fields = put.error ? fieldErrorsOf(appErrorOf(put.error)) : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const controllerAddresses = text
      .split(/[\s,]+/)
      .map((a) => a.trim())
      .filter(Boolean);
    put.mutate({ identityRef, controllerAddresses }, { onSuccess: onDone });
  };
  const fieldError = Object.entries(fields).find(([k]) => k.startsWith('controllerAddresses'))?.[1];
  return (
    <form className="form" onSubmit={submit} data-testid="controllers-form">
      <Field label="Controller addresses" hint="one 0x address per line" error={fieldError}>
        <textarea
          rows={3}
          className="code-input"
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="controllers-input"
        />
      </Field>
      <ErrorNotice error={put.error} testId="controllers-error" />
      <div className="form__actions">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" busy={put.isPending} data-testid="controllers-save">
          Save controllers
        </Button>
      </div>
    </form>
  );
}

/**
 * Who may sign for this machine's identity in the local registry (identity verification `required`).
 * Everyone reads it; writing it is for administrators, so others get the reason instead of a button.
 */
export function IdentityControllers({ identityRef }: { identityRef: string }) {
  const { admin } = useSession();
  const entry = useIdentityControllers(identityRef);
  const [editing, setEditing] = useState(false);
  const addresses = entry.data?.controllerAddresses ?? [];
  return (
    <Panel
      title="Identity controllers"
      testId="identity-controllers"
      actions={
        admin && !editing && !entry.isPending ? (
          <Button size="sm" onClick={() => setEditing(true)} data-testid="controllers-edit">
            {entry.missing ? 'Register' : 'Edit'}
          </Button>
        ) : null
      }
    >
      {entry.isPending ? (
        <Loading />
      ) : entry.isError && !entry.missing ? (
        <ErrorNotice error={entry.error} onRetry={() => void entry.refetch()} />
      ) : editing ? (
        <ControllersForm identityRef={identityRef} current={addresses} onDone={() => setEditing(false)} />
      ) : addresses.length ? (
        <ul className="plain-list mono small" data-testid="controllers-list">
          {addresses.map((a) => (
            <li key={a} className="wrap-anywhere">
              {a}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small" data-testid="controllers-none">
          No controllers registered for this identity in the local registry.
        </p>
      )}
      {!admin ? (
        <p className="muted small" data-testid="controllers-read-only">
          Changing the identity registry needs an administrator key.
        </p>
      ) : null}
    </Panel>
  );
}
