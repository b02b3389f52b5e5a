import { trpc } from '../../../lib/trpc.ts';

export interface AuditFilters {
  type?: string;
  resourceType?: string;
  resourceId?: string;
}

export const AUDIT_PAGE_SIZE = 50;

export function useAuditEvents(filters: AuditFilters) {
  return trpc.audit.list.useInfiniteQuery(
    { ...filters, limit: AUDIT_PAGE_SIZE },
    { getNextPageParam: (last) => last.nextCursor, staleTime: 0 },
  );
}
