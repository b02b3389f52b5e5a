import { useCallback, useEffect, useMemo, useRef } from 'react';
import { appErrorOf } from '../../../lib/errors.ts';
import { trpc } from '../../../lib/trpc.ts';
import { useMachineEvents } from '../../../lib/use-machine-events.ts';
import type { GraphApi } from '../command-stack.ts';
import { feedNotHeld } from './feed-hold.ts';

const GRAPH_STALE_MS = 30_000;

/** A burst of feed events (an auto-layout elsewhere moves thousands of nodes) is one refetch. */
const FEED_COALESCE_MS = 100;

export function useGraph(machineId: string) {
  const utils = trpc.useUtils();
  // Changes made elsewhere (another tab, the API, another server process) arrive on the feed.
  // At most one feed refetch runs at a time: events during it ask for one more after it instead of
  // restarting it (3,000 move events would otherwise restart a 3,000-node fetch 3,000 times).
  const feed = useRef({ wanted: false, running: false, timer: 0 });
  const onEvent = useCallback(
    (e: { type: string }) => {
      if (!e.type.startsWith('graph.')) return;
      const f = feed.current;
      f.wanted = true;
      if (f.running || f.timer) return;
      f.timer = window.setTimeout(() => {
        f.timer = 0;
        f.running = true;
        void (async () => {
          while (f.wanted) {
            await feedNotHeld(machineId);
            f.wanted = false;
            await utils.graph.get.invalidate({ machineId }).catch(() => undefined);
          }
          f.running = false;
        })();
      }, FEED_COALESCE_MS);
    },
    [utils, machineId],
  );
  useEffect(() => {
    const f = feed.current;
    return () => window.clearTimeout(f.timer);
  }, []);
  useMachineEvents(machineId, onEvent);
  return trpc.graph.get.useQuery({ machineId, includeInactive: true }, { staleTime: GRAPH_STALE_MS });
}

/**
 * Starts loading a graph while the lazy editor chunk is still downloading (the two used to run one
 * after the other). Called by the machine layout when the graph tab is the one being opened.
 */
export function usePrefetchGraph(machineId: string, enabled: boolean) {
  const utils = trpc.useUtils();
  useEffect(() => {
    if (enabled) void utils.graph.get.prefetch({ machineId, includeInactive: true }, { staleTime: GRAPH_STALE_MS });
  }, [utils, machineId, enabled]);
}

const isNotFound = (err: unknown) => appErrorOf(err).code === 'NOT_FOUND';

/**
 * The graph mutations as plain async calls for the command stack. They go through the tRPC client
 * (batched by httpBatchLink); the caller refreshes `graph.get` once per command.
 */
export function useGraphApi(machineId: string): { api: GraphApi; refresh: () => Promise<void> } {
  const utils = trpc.useUtils();
  return useMemo(() => {
    const g = utils.client.graph;
    const api: GraphApi = {
      createNode: (input) => g.createNode.mutate({ machineId, ...input }),
      updateNode: (nodeId, patch, expectedVersion) =>
        g.updateNode.mutate({ machineId, nodeId, ...patch, ...(expectedVersion !== undefined && { expectedVersion }) }),
      moveNodes: (positions) => g.moveNodes.mutate({ machineId, positions }),
      deleteNode: async (nodeId) => {
        try {
          await g.deleteNode.mutate({ machineId, nodeId });
          return true;
        } catch (err) {
          if (isNotFound(err)) return false;
          throw err;
        }
      },
      createEdge: (input) => g.createEdge.mutate({ machineId, ...input }),
      updateEdge: (edgeId, patch, expectedVersion) =>
        g.updateEdge.mutate({ machineId, edgeId, ...patch, ...(expectedVersion !== undefined && { expectedVersion }) }),
      deleteEdge: async (edgeId) => {
        try {
          await g.deleteEdge.mutate({ machineId, edgeId });
          return true;
        } catch (err) {
          if (isNotFound(err)) return false;
          throw err;
        }
      },
    };
    return { api, refresh: () => utils.graph.get.invalidate({ machineId }) };
  }, [utils, machineId]);
}
