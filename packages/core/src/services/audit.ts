import type { ListQuery } from '@mm/contracts';
import type { CoreDeps } from '../deps.ts';
import { toPage } from '../deps.ts';
import { ownerFilter } from '../lib/request-scope.ts';

export function createAuditService({ store }: CoreDeps) {
  return {
    async list(
      query: ListQuery & {
        type?: string | undefined;
        resourceType?: string | undefined;
        resourceId?: string | undefined;
      },
    ) {
      // An owner sees only the events of its own resources; administrators see all (context C3).
      const owner = ownerFilter();
      const visibleTo =
        owner === undefined ? undefined : { principal: owner, machineIds: await store.machines.idsOfOwner(owner) };
      return store.audit.list(
        { type: query.type, resourceType: query.resourceType, resourceId: query.resourceId, visibleTo },
        toPage(query),
      );
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
