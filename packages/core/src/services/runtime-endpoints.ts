import type { ListQuery, RuntimeEndpointView, UpsertRuntimeEndpointRequest } from '@mm/contracts';
import type { Caller, CoreDeps } from '../deps.ts';
import { SYSTEM_ACTOR, toPage } from '../deps.ts';
import { notFound } from '../errors.ts';
import {
  defaultEndpointLabel,
  defaultProbePath,
  deriveNetworkScope,
  normalizeEndpointBaseUrl,
} from '../lib/endpoint-url.ts';
import type { SecretBox } from '../lib/secrets.ts';
import type { EndpointWrite, Repos } from '../ports.ts';
import { requireActiveMachine } from './machine-guard.ts';

type EndpointFields = Omit<UpsertRuntimeEndpointRequest, 'leaseExpiresAt'>;

/**
 * Builds the record to store from a request, applying the reference's defaults. The credential is
 * sealed here; `authToken` itself goes no further.
 */
export function endpointWrite(
  providerKey: string,
  input: EndpointFields,
  owner: { source: 'manual' | 'agent'; agentId: string | null; leaseExpiresAt: Date | null },
  secrets: SecretBox,
): EndpointWrite {
  const key = providerKey.toLowerCase();
  const endpointBaseUrl = normalizeEndpointBaseUrl(input.endpointBaseUrl);
  const authType = input.authType ?? 'none';
  return {
    providerKey: key,
    source: owner.source,
    agentId: owner.agentId,
    label: input.label ?? defaultEndpointLabel(key),
    endpointBaseUrl,
    authType,
    // A write without a token keeps the stored one (the console never sees it to send it back);
    // an explicit `authType: "none"` clears it.
    authTokenCipher: input.authToken ? secrets.seal(input.authToken) : input.authType === 'none' ? null : undefined,
    modelAlias: input.modelAlias ?? null,
    networkScope: input.networkScope ?? deriveNetworkScope(endpointBaseUrl),
    probePath: input.probePath ?? defaultProbePath(key),
    status: input.status ?? 'active',
    leaseExpiresAt: owner.leaseExpiresAt,
  };
}

/** Writes one endpoint and its audit event inside the caller's transaction. */
export async function upsertEndpointIn(
  tx: Repos,
  machineId: string,
  write: EndpointWrite,
  actor: string,
): Promise<{ item: RuntimeEndpointView; created: boolean }> {
  const result = await tx.endpoints.upsert(machineId, write);
  await tx.audit.record({
    actor,
    type: 'runtime-endpoint.upserted',
    resourceType: 'runtime-endpoint',
    resourceId: result.item.id,
    payload: { endpoint: result.item, created: result.created },
  });
  return result;
}

export function createRuntimeEndpointService({ store, config, secrets, clock }: CoreDeps) {
  return {
    /**
     * Turns endpoints whose lease lapsed `unreachable` (context B9), set-based: each batch is one
     * claiming UPDATE (SKIP LOCKED, conditional on the old status) and one audit INSERT in one
     * transaction, so with several processes every lapse is turned and audited exactly once
     * (docs/concurrency.md). The next heartbeat brings them back. Returns how many changed.
     */
    async sweepLapsedLeases(batch = 1000): Promise<number> {
      let total = 0;
      for (;;) {
        const now = clock.now();
        const n = await store.transaction(async (tx) => {
          const swept = await tx.endpoints.sweepLapsed(now, batch);
          await tx.audit.recordMany(
            swept.map(({ endpoint, from }) => ({
              actor: SYSTEM_ACTOR,
              type: 'runtime-endpoint.status-changed',
              resourceType: 'runtime-endpoint',
              resourceId: endpoint.id,
              payload: {
                endpoint,
                from,
                to: 'unreachable',
                reason: `lease expired at ${endpoint.leaseExpiresAt ?? 'unknown'}`,
              },
            })),
          );
          return swept.length;
        });
        total += n;
        if (n < batch) return total;
      }
    },

    async list(machineId: string, query: ListQuery) {
      await requireActiveMachine(store, config, machineId);
      return store.endpoints.list(machineId, toPage(query));
    },

    async get(machineId: string, providerKey: string): Promise<RuntimeEndpointView> {
      await requireActiveMachine(store, config, machineId);
      const endpoint = await store.endpoints.get(machineId, providerKey.toLowerCase());
      if (!endpoint) throw notFound('runtime endpoint', providerKey.toLowerCase());
      return endpoint;
    },

    async upsert(machineId: string, providerKey: string, input: UpsertRuntimeEndpointRequest, caller: Caller) {
      return store.transaction(async (tx) => {
        await requireActiveMachine(tx, config, machineId);
        const write = endpointWrite(
          providerKey,
          input,
          {
            source: 'manual',
            agentId: null,
            leaseExpiresAt: input.leaseExpiresAt ? new Date(input.leaseExpiresAt) : null,
          },
          secrets,
        );
        return upsertEndpointIn(tx, machineId, write, caller.actor);
      });
    },

    async delete(machineId: string, providerKey: string, caller: Caller): Promise<void> {
      const key = providerKey.toLowerCase();
      await store.transaction(async (tx) => {
        await requireActiveMachine(tx, config, machineId);
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
