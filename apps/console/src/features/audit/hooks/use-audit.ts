import { trpc } from '../../../lib/trpc.ts';
import type { AuditFilters } from '../audit-filters.ts';

export type { AuditFilters } from '../audit-filters.ts';

export const AUDIT_PAGE_SIZE = 50;

/** Polled every second while at most two pages are loaded (docs/console.md "Live pages"). */
export const AUDIT_POLL_MS = 1_000;

/**
 * The audit log spans every machine (and machine-less events: policies, catalogue), while the change
 * feed is per machine, so this page polls instead of opening one feed per machine. A refetch of an
 * infinite query refetches every loaded page: after "Load more" the poll slows down.
 */
export function useAuditEvents(filters: AuditFilters) {
  return trpc.audit.list.useInfiniteQuery(
    { ...filters, limit: AUDIT_PAGE_SIZE },
    {
      getNextPageParam: (last) => last.nextCursor,
      staleTime: 0,
      refetchInterval: (q) => ((q.state.data?.pages.length ?? 1) <= 2 ? AUDIT_POLL_MS : 10 * AUDIT_POLL_MS),
    },
  );
}
