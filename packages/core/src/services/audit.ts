import type { ListQuery } from '@mm/contracts';
import type { CoreDeps } from '../deps.ts';
import { toPage } from '../deps.ts';
import { ownerFilter } from '../lib/request-scope.ts';

const PRUNE_BATCH = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export function createAuditService({ store, clock }: CoreDeps) {
  return {
    async list(
      query: ListQuery & {
        type?: string | undefined;
        resourceType?: string | undefined;
        resourceId?: string | undefined;
        machineId?: string | undefined;
        principal?: string | undefined;
        since?: string | undefined;
        until?: string | undefined;
      },
    ) {
      // An owner sees only the events of its own resources; administrators see all (context C3).
      const owner = ownerFilter();
      const visibleTo =
        owner === undefined ? undefined : { principal: owner, machineIds: await store.machines.idsOfOwner(owner) };
      return store.audit.list(
        {
          type: query.type,
          resourceType: query.resourceType,
          resourceId: query.resourceId,
          machineId: query.machineId,
          principal: query.principal,
          since: query.since ? new Date(query.since) : undefined,
          until: query.until ? new Date(query.until) : undefined,
          visibleTo,
        },
        toPage(query),
      );
    },

    /**
     * Retention (`MM_AUDIT_RETENTION_DAYS`, context C7): deletes events older than `days` in bounded
     * set-based batches, each its own statement, so a large backlog never holds one long lock.
     * Safe with several processes (SKIP LOCKED). Answers how many were deleted.
     */
    async prune(days: number): Promise<number> {
      const before = new Date(clock.now().getTime() - days * DAY_MS);
      let total = 0;
      for (;;) {
        const n = await store.audit.pruneBefore(before, PRUNE_BATCH);
        total += n;
        if (n < PRUNE_BATCH) return total;
      }
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
