import { useEffect, useMemo } from 'react';
import { appErrorOf } from '../../../lib/errors.ts';
import { trpc } from '../../../lib/trpc.ts';
import { useMachineEvents } from '../../../lib/use-machine-events.ts';
import type { GraphApi } from '../command-stack.ts';

const GRAPH_STALE_MS = 30_000;

export function useGraph(machineId: string) {
  const utils = trpc.useUtils();
  // Changes made elsewhere (another tab, the API, another server process) arrive on the feed.
  useMachineEvents(machineId, (e) => {
    if (e.type.startsWith('graph.')) void utils.graph.get.invalidate({ machineId });
  });
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
      updateNode: (nodeId, patch) => g.updateNode.mutate({ machineId, nodeId, ...patch }),
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
      updateEdge: (edgeId, patch) => g.updateEdge.mutate({ machineId, edgeId, ...patch }),
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
