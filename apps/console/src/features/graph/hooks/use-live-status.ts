import type { GraphNodeView } from '@mm/contracts';
import { useMemo } from 'react';
import { trpc } from '../../../lib/trpc.ts';
import { buildLiveIndex, hasRuntimeRef } from '../to-flow.ts';
import type { LiveIndex } from '../to-flow.ts';

const POLL_MS = 5_000;

/**
 * Polls the runtime records that graph nodes point at (endpoints, tasks, runs), and only while
 * some node points at something.
 */
export function useLiveIndex(machineId: string, nodes: readonly GraphNodeView[] | undefined): LiveIndex | null {
  const needed = useMemo(() => (nodes ?? []).some(hasRuntimeRef), [nodes]);
  const opts = { enabled: needed, refetchInterval: POLL_MS } as const;
  const endpoints = trpc.runtimeEndpoints.list.useQuery({ machineId, limit: 500, includeInactive: true }, opts);
  const tasks = trpc.tasks.list.useQuery({ machineId, limit: 500, includeInactive: true }, opts);
  const runs = trpc.tasks.listRuns.useQuery({ machineId, limit: 500, includeInactive: true }, opts);
  return useMemo(
    () =>
      needed
        ? buildLiveIndex({
            endpoints: endpoints.data?.items ?? [],
            tasks: tasks.data?.items ?? [],
            runs: runs.data?.items ?? [],
          })
        : null,
    [needed, endpoints.data, tasks.data, runs.data],
  );
}
