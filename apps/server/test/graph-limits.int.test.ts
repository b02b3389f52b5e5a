/**
 * Bounded graphs (context C5): merges cannot grow a node's `data` past 64 KiB, and a machine's graph
 * holds at most MM_GRAPH_MAX_NODES nodes (here 3) and twice as many edges.
 */
import { expect, it } from 'vitest';
import { describeEachDb, json, uniq } from './harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describeEachDb(
  'graph limits',
  (get) => {
    const machine = async () =>
      json<{ item: Json }>(
        await get().inject({
          method: 'POST',
          url: '/api/v1/machines',
          payload: { displayName: 'Limits', identityRef: `peaqos:machine:${uniq()}` },
        }),
      ).item.id as string;
    const node = (m: string, data: Json = {}) =>
      get().inject({
        method: 'POST',
        url: `/api/v1/machines/${m}/graph/nodes`,
        payload: { type: 'skill', title: 'n', data },
      });

    it('refuses a PATCH whose merged data would pass 64 KiB, and keeps the node as it was', async () => {
      const m = await machine();
      const n = json<{ item: Json }>(await node(m, { a: 'x'.repeat(40_000) })).item;
      const res = await get().inject({
        method: 'PATCH',
        url: `/api/v1/machines/${m}/graph/nodes/${n.id}`,
        payload: { data: { b: 'y'.repeat(40_000) } },
      });
      expect(res.statusCode).toBe(400);
      expect(json<{ error: Json }>(res).error.details.fields).toHaveProperty('data');
      const graph = json<{ nodes: Json[] }>(await get().inject(`/api/v1/machines/${m}/graph`));
      expect(Object.keys(graph.nodes[0]!.data as object)).toEqual(['a']);
      expect(graph.nodes[0]!.version).toBe(1);
    });

    it('holds at most MM_GRAPH_MAX_NODES nodes and twice as many edges, naming the limit', async () => {
      const m = await machine();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(json<{ item: Json }>(await node(m)).item.id as string);
      const fourth = await node(m);
      expect(fourth.statusCode).toBe(400);
      expect(json<{ error: Json }>(fourth).error.message).toMatch(/at most 3 nodes/);
      const edge = (s: string, t: string) =>
        get().inject({
          method: 'POST',
          url: `/api/v1/machines/${m}/graph/edges`,
          payload: { sourceNodeId: s, targetNodeId: t, type: 'connects' },
        });
      const pairs = [
        [0, 1],
        [1, 2],
        [2, 0],
        [1, 0],
        [2, 1],
        [0, 2],
      ] as const;
      for (const [s, t] of pairs) expect((await edge(ids[s]!, ids[t]!)).statusCode).toBe(201);
      const seventh = await edge(ids[0]!, ids[0]!);
      expect(seventh.statusCode).toBe(400);
      expect(json<{ error: Json }>(seventh).error.message).toMatch(/at most 6 edges/);
    });
  },
  { env: { MM_GRAPH_MAX_NODES: '3' } },
);
