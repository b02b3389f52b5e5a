import type { EndpointAuthType, EndpointStatus, NetworkScope, RuntimeEndpointView } from '@mm/contracts';
import { zEndpointAuthType, zEndpointStatus, zNetworkScope } from '@mm/contracts';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { ErrorNotice } from '../../../components/ui/states.tsx';
import { appErrorOf, fieldErrorsOf } from '../../../lib/errors.ts';
import { useUpsertEndpoint } from '../hooks/use-endpoints.ts';

/**
 * Adds or edits a manual endpoint. `authToken` is write-only: the server says only whether one is
 * stored, so the field stays blank and a blank field keeps the stored token.
 */
export function EndpointForm({
  machineId,
  endpoint,
  onDone,
}: {
  machineId: string;
  endpoint?: RuntimeEndpointView;
  onDone: () => void;
}) {
  const upsert = useUpsertEndpoint(machineId);
  const [providerKey, setProviderKey] = useState(endpoint?.providerKey ?? 'qvac');
  const [endpointBaseUrl, setBaseUrl] = useState(endpoint?.endpointBaseUrl ?? '');
  const [label, setLabel] = useState(endpoint?.label ?? '');
  const [authType, setAuthType] = useState<EndpointAuthType>(endpoint?.authType ?? 'none');
  const [authToken, setAuthToken] = useState('');
  const [modelAlias, setModelAlias] = useState(endpoint?.modelAlias ?? '');
  const [networkScope, setNetworkScope] = useState<NetworkScope | ''>(endpoint?.networkScope ?? '');
  const [probePath, setProbePath] = useState(endpoint?.probePath ?? '');
  const [status, setStatus] = useState<EndpointStatus>(endpoint?.status ?? 'active');
  const fields = upsert.error ? fieldErrorsOf(appErrorOf(upsert.error)) : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    upsert.mutate(
      {
        machineId,
        providerKey: providerKey.trim(),
        endpointBaseUrl: endpointBaseUrl.trim(),
        authType,
        status,
        ...(label.trim() && { label: label.trim() }),
        ...(authToken && { authToken }),
        ...(modelAlias.trim() && { modelAlias: modelAlias.trim() }),
        ...(networkScope && { networkScope }),
        ...(probePath.trim() && { probePath: probePath.trim() }),
      },
      { onSuccess: onDone },
    );
  };

  return (
    <form className="form" onSubmit={submit} data-testid="endpoint-form">
      <div className="form__grid">
        <Field
          label="Provider key"
          hint={endpoint ? 'one endpoint per provider' : 'e.g. qvac'}
          error={fields.providerKey}
        >
          <input
            required
            readOnly={Boolean(endpoint)}
            value={providerKey}
            onChange={(e) => setProviderKey(e.target.value)}
            data-testid="endpoint-provider-key"
          />
        </Field>
        <Field label="Base URL" hint="scheme + host + port; paths are stripped" error={fields.endpointBaseUrl}>
          <input
            required
            value={endpointBaseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            placeholder="http://127.0.0.1:8080"
            data-testid="endpoint-base-url"
          />
        </Field>
        <Field label="Label" hint="default: PROVIDER runtime" error={fields.label}>
          <input value={label} onChange={(e) => setLabel(e.target.value)} data-testid="endpoint-label" />
        </Field>
        <Field label="Model alias" error={fields.modelAlias}>
          <input
            value={modelAlias}
            onChange={(e) => setModelAlias(e.target.value)}
            data-testid="endpoint-model-alias"
          />
        </Field>
        <Field label="Auth type">
          <select
            value={authType}
            onChange={(e) => setAuthType(e.target.value as EndpointAuthType)}
            data-testid="endpoint-auth-type"
          >
            {zEndpointAuthType.options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </Field>
        <Field
          label="Auth token"
          hint={
            endpoint?.hasAuthToken
              ? 'stored — leave blank to keep it, type to replace it'
              : 'write-only; never shown again'
          }
          error={fields.authToken}
        >
          <input
            type="password"
            autoComplete="new-password"
            value={authToken}
            disabled={authType === 'none'}
            placeholder={endpoint?.hasAuthToken ? 'stored' : ''}
            onChange={(e) => setAuthToken(e.target.value)}
            data-testid="endpoint-auth-token"
          />
        </Field>
        <Field label="Network scope" hint="default: derived from the host">
          <select
            value={networkScope}
            onChange={(e) => setNetworkScope(e.target.value as NetworkScope | '')}
            data-testid="endpoint-network-scope"
          >
            <option value="">derive</option>
            {zNetworkScope.options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </Field>
        <Field label="Probe path" hint="default /v1/models for qvac, else /health" error={fields.probePath}>
          <input
            value={probePath}
            onChange={(e) => setProbePath(e.target.value)}
            placeholder="/v1/models"
            data-testid="endpoint-probe-path"
          />
        </Field>
        <Field label="Status">
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as EndpointStatus)}
            data-testid="endpoint-status"
          >
            {zEndpointStatus.options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorNotice error={upsert.error} testId="endpoint-error" />
      <div className="form__actions">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" busy={upsert.isPending} data-testid="endpoint-submit">
          {endpoint ? 'Save endpoint' : 'Add endpoint'}
        </Button>
      </div>
    </form>
  );
}
