/**
 * Probing and passive evidence (context C6, docs/liveness.md "Probing"). The pass claims the
 * endpoints due for a probe in one short transaction (SKIP LOCKED, next probe moved forward), probes
 * them with no transaction open, and applies each answer as a conditional update under the row lock
 * with its audit event, so with several processes an endpoint is probed once per interval and each
 * transition is audited once.
 */
import type { RuntimeEndpointView } from '@mm/contracts';
import type { CoreDeps, ProbeConfig } from '../deps.ts';
import { probeConfigOf, SYSTEM_ACTOR } from '../deps.ts';
import { endpointCredentialContext } from '../lib/secrets.ts';
import type { ProbeClaim, ProbeResult, Repos } from '../ports.ts';

/** Endpoints claimed per statement, and probes in flight at once. */
const CLAIM_BATCH = 100;
const PROBE_CONCURRENCY = 16;

/**
 * Applies one health observation inside the caller's transaction and audits the transition, if
 * any (`runtime-endpoint.status-changed` with `from`, `to`, `reason`). Answers the endpoint after
 * the observation and its status before, or null when the observation did not apply.
 */
export async function observeEndpointIn(
  tx: Repos,
  endpointId: string,
  observation: { healthy: boolean; at: Date; endpointBaseUrl?: string; reason: string; actor: string },
  probe: ProbeConfig,
): Promise<{ endpoint: RuntimeEndpointView; from: RuntimeEndpointView['status'] } | null> {
  const applied = await tx.endpoints.observe(endpointId, {
    healthy: observation.healthy,
    at: observation.at,
    ...(observation.endpointBaseUrl !== undefined && { endpointBaseUrl: observation.endpointBaseUrl }),
    failuresToUnreachable: probe.failuresToUnreachable,
    successesToActive: probe.successesToActive,
  });
  if (!applied) return null;
  const { endpoint, from } = applied;
  if (from !== endpoint.status) {
    await tx.audit.record({
      actor: observation.actor,
      type: 'runtime-endpoint.status-changed',
      resourceType: 'runtime-endpoint',
      resourceId: endpoint.id,
      machineId: endpoint.machineId,
      payload: { endpoint, from, to: endpoint.status, reason: observation.reason },
    });
  }
  return applied;
}

export function probeReason(result: ProbeResult): string {
  return result.healthy
    ? `probe healthy (HTTP ${result.httpStatus})`
    : `probe failed: ${result.code}${result.httpStatus !== null ? ` (HTTP ${result.httpStatus})` : ''}: ${result.message}`;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export function createProbeService(deps: CoreDeps) {
  const { store, clock, runtime, secrets } = deps;
  const probe = probeConfigOf(deps.config);

  const credentialOf = (claim: ProbeClaim): string | null => {
    if (!claim.authTokenCipher || claim.authType === 'none') return null;
    try {
      return secrets.open(
        claim.authTokenCipher,
        endpointCredentialContext(claim.machineId, claim.providerKey, claim.endpointBaseUrl),
      );
    } catch {
      return null; // a credential that does not open probes without one (and the runtime says 401)
    }
  };

  /** Probes one claimed endpoint and applies the answer; answers whether its status changed. */
  async function probeOne(claim: ProbeClaim): Promise<boolean> {
    const result = await runtime.probe({
      endpointBaseUrl: claim.endpointBaseUrl,
      probePath: claim.probePath,
      networkScope: claim.networkScope,
      authType: claim.authType,
      authToken: credentialOf(claim),
      timeoutMs: probe.timeoutMs,
    });
    return store.transaction(async (tx) => {
      const applied = await observeEndpointIn(
        tx,
        claim.id,
        {
          healthy: result.healthy,
          at: clock.now(),
          endpointBaseUrl: claim.endpointBaseUrl,
          reason: probeReason(result),
          actor: SYSTEM_ACTOR,
        },
        probe,
      );
      return !!applied && applied.from !== applied.endpoint.status;
    });
  }

  return {
    config: probe,
    /**
     * One probe pass: claims every endpoint due (in batches), probes them, applies the answers.
     * Answers how many endpoints changed status.
     */
    async probeDue(): Promise<number> {
      let changed = 0;
      for (;;) {
        const now = clock.now();
        const claims = await store.endpoints.claimDueForProbe(
          now,
          new Date(now.getTime() + Math.max(probe.intervalMs, probe.timeoutMs)),
          CLAIM_BATCH,
        );
        await pool(claims, PROBE_CONCURRENCY, async (claim) => {
          if (await probeOne(claim)) changed += 1;
        });
        if (claims.length < CLAIM_BATCH) return changed;
      }
    },
  };
}
export type ProbeService = ReturnType<typeof createProbeService>;
