import type { ListQuery } from '@mm/contracts';
import type { CoreDeps } from '../deps.ts';
import { toPage } from '../deps.ts';

export function createAuditService({ store }: CoreDeps) {
  return {
    list(
      query: ListQuery & {
        type?: string | undefined;
        resourceType?: string | undefined;
        resourceId?: string | undefined;
      },
    ) {
      return store.audit.list(
        { type: query.type, resourceType: query.resourceType, resourceId: query.resourceId },
        toPage(query),
      );
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
