import type { ListQuery, NetworkScope, RuntimeEndpointView, UpsertRuntimeEndpointRequest } from '@mm/contracts';
import type { Inspect } from '@mm/contracts';
import type { Caller, CoreDeps } from '../deps.ts';
import { SYSTEM_ACTOR, toPage } from '../deps.ts';
import { notFound, validation } from '../errors.ts';
import { checkHost, DEFAULT_NETWORK_POLICY } from '../lib/address-scope.ts';
import type { NetworkPolicy } from '../lib/address-scope.ts';
import {
  defaultEndpointLabel,
  defaultProbePath,
  deriveNetworkScope,
  normalizeEndpointBaseUrl,
} from '../lib/endpoint-url.ts';
import { endpointCredentialContext } from '../lib/secrets.ts';
import { currentPrincipal } from '../lib/request-scope.ts';
import type { EndpointWrite, Repos, SweepCursor } from '../ports.ts';
import { requireActiveMachine } from './machine-guard.ts';

type EndpointFields = Omit<UpsertRuntimeEndpointRequest, 'leaseExpiresAt'>;

/**
 * What a write does to the stored credential. A new token is sealed only once the endpoint's
 * identity is known (`upsertEndpointIn`), because the ciphertext is bound to it.
 */
export type CredentialChange =
  { kind: 'keep' } | { kind: 'clear' } | { kind: 'set'; seal: (context: string) => string };

/** An endpoint write before its credential is sealed to the row. */
export type PendingEndpointWrite = Omit<EndpointWrite, 'authTokenCipher'> & { credential: CredentialChange };

/**
 * The scope rules a write must already satisfy (docs/trust.md "Outbound calls"): metadata names and
 * IP literals outside the declared scope, and scopes the operator forbids, are refused now (400);
 * other host names are checked at every call after resolution.
 */
function assertReachable(endpointBaseUrl: string, scope: NetworkScope, explicitScope: boolean, policy: NetworkPolicy) {
  const reason = checkHost(new URL(endpointBaseUrl).hostname, scope, policy);
  if (!reason) return;
  const field = !policy.allowedScopes.includes(scope) && explicitScope ? 'networkScope' : 'endpointBaseUrl';
  throw validation(`${field}: ${reason}`, { [field]: reason });
}

/**
 * Builds the record to store from a request, applying the reference's defaults. The credential is
 * captured in a sealing function; `authToken` itself goes no further.
 */
export function endpointWrite(
  providerKey: string,
  input: EndpointFields,
  owner: { source: 'manual' | 'agent'; agentId: string | null; leaseExpiresAt: Date | null },
  deps: Pick<CoreDeps, 'secrets' | 'config'>,
): PendingEndpointWrite {
  const key = providerKey.toLowerCase();
  const endpointBaseUrl = normalizeEndpointBaseUrl(input.endpointBaseUrl);
  const networkScope = input.networkScope ?? deriveNetworkScope(endpointBaseUrl);
  assertReachable(
    endpointBaseUrl,
    networkScope,
    input.networkScope !== undefined,
    deps.config.network ?? DEFAULT_NETWORK_POLICY,
  );
  const authType = input.authType ?? 'none';
  const token = input.authToken;
  const { secrets } = deps;
  return {
    providerKey: key,
    source: owner.source,
    agentId: owner.agentId,
    label: input.label ?? defaultEndpointLabel(key),
    endpointBaseUrl,
    authType,
    // A write without a token keeps the stored one while the URL stays the same (the console never
    // sees it to send it back); an explicit `authType: "none"` clears it.
    credential: token
      ? { kind: 'set', seal: (context) => secrets.seal(token, context) }
      : input.authType === 'none'
        ? { kind: 'clear' }
        : { kind: 'keep' },
    modelAlias: input.modelAlias ?? null,
    networkScope,
    probePath: input.probePath ?? defaultProbePath(key),
    status: input.status ?? 'active',
    leaseExpiresAt: owner.leaseExpiresAt,
  };
}

/**
 * The credential column of a write. A stored credential belongs to the URL it was stored with: a
 * write that moves the endpoint (scheme, host or port) without a new token clears it, so nobody can
 * redirect an operator's token by re-registering the provider elsewhere (docs/trust.md "Credentials").
 */
function credentialCipher(
  machineId: string,
  write: PendingEndpointWrite,
  current: RuntimeEndpointView | null,
): string | null | undefined {
  switch (write.credential.kind) {
    case 'set':
      return write.credential.seal(endpointCredentialContext(machineId, write.providerKey, write.endpointBaseUrl));
    case 'clear':
      return null;
    case 'keep':
      return current && current.endpointBaseUrl !== write.endpointBaseUrl ? null : undefined;
  }
}

/** True when the write changes nothing but the endpoint's lease (a heartbeat repeating itself). */
function onlyLeaseChanges(current: RuntimeEndpointView | null, w: PendingEndpointWrite): boolean {
  return (
    current !== null &&
    current.source === w.source &&
    current.agentId === w.agentId &&
    current.label === w.label &&
    current.endpointBaseUrl === w.endpointBaseUrl &&
    current.authType === w.authType &&
    current.modelAlias === w.modelAlias &&
    current.networkScope === w.networkScope &&
    current.probePath === w.probePath &&
    current.status === w.status &&
    (w.credential.kind === 'keep' || (w.credential.kind === 'clear' && !current.hasAuthToken))
  );
}

/**
 * Writes one endpoint and its audit event inside the caller's transaction. With `quietRenewal`
 * (an agent's heartbeat), a write that changes nothing but the lease is not audited: the
 * heartbeat's own event records the renewal, as on the batched path (docs/liveness.md).
 */
export async function upsertEndpointIn(
  tx: Repos,
  machineId: string,
  pending: PendingEndpointWrite,
  actor: string,
  opts: { quietRenewal?: boolean } = {},
): Promise<{ item: RuntimeEndpointView; created: boolean; probeDue: boolean }> {
  const current = await tx.endpoints.get(machineId, pending.providerKey);
  const quiet = opts.quietRenewal === true && onlyLeaseChanges(current, pending);
  const { credential: _credential, ...fields } = pending;
  // A new or changed endpoint is probed at once (context C6): a manual write is an operator's
  // change; an agent's only when it moves the endpoint (a heartbeat repeats the same list).
  const probeDue =
    !current ||
    pending.source === 'manual' ||
    current.endpointBaseUrl !== pending.endpointBaseUrl ||
    current.probePath !== pending.probePath;
  const write: EndpointWrite = {
    ...fields,
    authTokenCipher: credentialCipher(machineId, pending, current),
    probeNow: probeDue,
  };
  const result = await tx.endpoints.upsert(machineId, write);
  if (quiet) return { ...result, probeDue };
  await tx.audit.record({
    actor,
    type: 'runtime-endpoint.upserted',
    resourceType: 'runtime-endpoint',
    resourceId: result.item.id,
    payload: { endpoint: result.item, created: result.created },
  });
  return { ...result, probeDue };
}

export function createRuntimeEndpointService(deps: CoreDeps) {
  const { store, config, secrets, clock, onProbeDue } = deps;
  return {
    /**
     * Turns endpoints whose lease lapsed `unreachable` (context B9), set-based: each batch is one
     * claiming UPDATE (SKIP LOCKED, conditional on the old status) and one audit INSERT in one
     * transaction, so with several processes every lapse is turned and audited exactly once
     * (docs/concurrency.md). The next heartbeat brings them back. Returns how many changed.
     */
    async sweepLapsedLeases(batch = 1000): Promise<number> {
      let total = 0;
      let after: SweepCursor | undefined;
      for (;;) {
        const now = clock.now();
        // One statement per batch: the flip and its audit events, built in the database. Each
        // batch continues after the last row the previous one claimed (docs/database.md
        // "Set-based writes"); a row skipped because another transaction held it is the next
        // pass's.
        const { count, last } = await store.endpoints.sweepLapsed(
          now,
          batch,
          { actor: SYSTEM_ACTOR, principal: currentPrincipal() },
          after,
        );
        total += count;
        if (count < batch || !last) return total;
        after = last;
      }
    },

    async list(machineId: string, query: ListQuery & Inspect) {
      await requireActiveMachine(store, deps, machineId, query);
      return store.endpoints.list(machineId, toPage(query));
    },

    async get(machineId: string, providerKey: string, opts: Inspect = {}): Promise<RuntimeEndpointView> {
      await requireActiveMachine(store, deps, machineId, opts);
      const endpoint = await store.endpoints.get(machineId, providerKey.toLowerCase());
      if (!endpoint) throw notFound('runtime endpoint', providerKey.toLowerCase());
      return endpoint;
    },

    async upsert(machineId: string, providerKey: string, input: UpsertRuntimeEndpointRequest, caller: Caller) {
      const { probeDue, ...result } = await store.transaction(async (tx) => {
        await requireActiveMachine(tx, deps, machineId);
        const write = endpointWrite(
          providerKey,
          input,
          {
            source: 'manual',
            agentId: null,
            leaseExpiresAt: input.leaseExpiresAt ? new Date(input.leaseExpiresAt) : null,
          },
          { secrets, config },
        );
        return upsertEndpointIn(tx, machineId, write, caller.actor);
      });
      // After the commit, so the probe pass can see the row (docs/liveness.md "Probing").
      if (probeDue) onProbeDue?.();
      return result;
    },

    async delete(machineId: string, providerKey: string, caller: Caller): Promise<void> {
      const key = providerKey.toLowerCase();
      await store.transaction(async (tx) => {
        await requireActiveMachine(tx, deps, machineId);
        const endpoint = await tx.endpoints.get(machineId, key);
        if (!endpoint) throw notFound('runtime endpoint', key);
        await tx.endpoints.delete(machineId, key);
        await tx.audit.record({
          actor: caller.actor,
          type: 'runtime-endpoint.deleted',
          resourceType: 'runtime-endpoint',
          resourceId: endpoint.id,
          payload: { endpoint },
        });
      });
    },
  };
}
export type RuntimeEndpointService = ReturnType<typeof createRuntimeEndpointService>;
