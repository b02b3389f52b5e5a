/**
 * GET graph serves a process's cached answer while the machine's graph version is unchanged
 * (docs/database.md "The graph answer cache"). It must never be stale: every write, by every route
 * (REST, tRPC, a second instance on the same PostgreSQL database, plain SQL, a cascade), is seen by
 * the next GET on the first instance. The reference for "fresh" is tRPC `graph.get`, which reads the
 * rows without the cache.
 */
import type { GraphEdgeView, GraphNodeView, GraphView } from '@mm/contracts';
import { expect, it } from 'vitest';
import { describeEachDb, json, startTestApp, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

const base = (machineId: string) => `/api/v1/machines/${machineId}/graph`;

async function machine(t: TestApp): Promise<string> {
  const m = await t.trpc.machines.create({ displayName: 'Cache host', identityRef: `peaqos:machine:${uniq()}` });
  return m.id;
}

async function node(t: TestApp, machineId: string, body: Record<string, unknown> = {}): Promise<GraphNodeView> {
  const res = await t.inject({
    method: 'POST',
    url: `${base(machineId)}/nodes`,
    payload: { type: 'skill', title: 'N', ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ item: GraphNodeView }>(res).item;
}

async function edge(t: TestApp, machineId: string, from: string, to: string): Promise<GraphEdgeView> {
  const res = await t.inject({
    method: 'POST',
    url: `${base(machineId)}/edges`,
    payload: { sourceNodeId: from, targetNodeId: to, type: 'connects' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ item: GraphEdgeView }>(res).item;
}

async function rest(t: TestApp, machineId: string, query = ''): Promise<GraphView> {
  const res = await t.inject({ url: `${base(machineId)}${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return json<GraphView>(res);
}

/** GET twice (the second is served from the cache when nothing changed) and compare to tRPC. */
async function expectFresh(t: TestApp, machineId: string): Promise<GraphView> {
  const first = await rest(t, machineId);
  const second = await rest(t, machineId);
  const fresh = await t.trpc.graph.get({ machineId });
  expect(first).toEqual(fresh);
  expect(second).toEqual(fresh);
  return fresh;
}

describeEachDb('graph answer cache', (get) => {
  it('is invalidated by every kind of graph write', async () => {
    const t = get();
    const m = await machine(t);
    expect(await expectFresh(t, m)).toEqual({ nodes: [], edges: [] });
    const a = await node(t, m);
    const b = await node(t, m);
    const c = await node(t, m);
    expect((await expectFresh(t, m)).nodes).toHaveLength(3);

    // node PATCH
    await t.inject({ method: 'PATCH', url: `${base(m)}/nodes/${a.id}`, payload: { title: 'A2', data: { k: 1 } } });
    expect((await expectFresh(t, m)).nodes[0]).toMatchObject({ title: 'A2', data: { k: 1 }, version: 2 });
    // bulk move
    await t.inject({
      method: 'PATCH',
      url: `${base(m)}/nodes`,
      payload: { positions: [{ nodeId: b.id, x: 9, y: 8 }] },
    });
    expect((await expectFresh(t, m)).nodes[1]?.position).toEqual({ x: 9, y: 8 });
    // edge create, PATCH, delete
    const ab = await edge(t, m, a.id, b.id);
    const bc = await edge(t, m, b.id, c.id);
    await edge(t, m, c.id, a.id);
    expect((await expectFresh(t, m)).edges).toHaveLength(3);
    await t.inject({ method: 'PATCH', url: `${base(m)}/edges/${ab.id}`, payload: { label: 'L' } });
    expect((await expectFresh(t, m)).edges[0]).toMatchObject({ label: 'L', version: 2 });
    const del = await t.inject({ method: 'DELETE', url: `${base(m)}/edges/${bc.id}` });
    expect(del.statusCode).toBe(204);
    expect((await expectFresh(t, m)).edges.map((e) => e.id)).not.toContain(bc.id);
    // node delete: its edges go by ON DELETE CASCADE
    await t.inject({ method: 'DELETE', url: `${base(m)}/nodes/${a.id}` });
    const after = await expectFresh(t, m);
    expect(after.nodes.map((n) => n.id)).toEqual([b.id, c.id]);
    expect(after.edges).toEqual([]);
    // tRPC writes
    await t.trpc.graph.createNode({ machineId: m, type: 'skill', title: 'T' });
    expect((await expectFresh(t, m)).nodes).toHaveLength(3);
  });

  it('sees writes of a second instance and of plain SQL, cascades included, on the next GET', async () => {
    const t = get();
    // On PostgreSQL the writes come from a second app instance (its own pool and cache).
    const other = t.kind === 'postgresql' ? await startTestApp('postgresql') : t;
    try {
      const m = await machine(t);
      const a = await node(t, m);
      const b = await node(t, m);
      await expectFresh(t, m);
      // The other instance caches too, then writes.
      await expectFresh(other, m);
      await node(other, m, { title: 'from other' });
      expect((await expectFresh(t, m)).nodes.map((n) => n.title)).toContain('from other');
      await edge(other, m, a.id, b.id);
      expect((await expectFresh(t, m)).edges).toHaveLength(1);

      const sql = other.app.db.prisma;
      await sql.$executeRaw`UPDATE "GraphNode" SET "title" = 'by sql', "version" = "version" + 1 WHERE "id" = ${a.id}`;
      expect((await expectFresh(t, m)).nodes[0]?.title).toBe('by sql');
      await sql.$executeRaw`
        INSERT INTO "GraphNode" ("id", "machineId", "type", "title", "status", "positionX", "positionY", "data", "updatedAt")
        VALUES (${uniq('sql-')}, ${m}, 'skill', 'inserted by sql', 'active', 0, 0, '{}', now())`;
      expect((await expectFresh(t, m)).nodes.map((n) => n.title)).toContain('inserted by sql');
      // A node deleted by SQL takes its edge with it (the cascade bumps the version too).
      await sql.$executeRaw`DELETE FROM "GraphNode" WHERE "id" = ${b.id}`;
      const after = await expectFresh(t, m);
      expect(after.nodes.map((n) => n.id)).not.toContain(b.id);
      expect(after.edges).toEqual([]);
      // A statement over several machines bumps each of them.
      const m2 = await machine(t);
      await node(t, m2);
      await expectFresh(t, m2);
      await sql.$executeRaw`UPDATE "GraphNode" SET "status" = 'blocked' WHERE "machineId" IN (${m}, ${m2})`;
      expect((await expectFresh(t, m)).nodes.every((n) => n.status === 'blocked')).toBe(true);
      expect((await expectFresh(t, m2)).nodes.every((n) => n.status === 'blocked')).toBe(true);
    } finally {
      if (other !== t) await other.app.close();
    }
  });

  it('serves includeInactive reads fresh too', async () => {
    const t = get();
    const m = await machine(t);
    const a = await node(t, m);
    await expectFresh(t, m);
    await t.trpc.machines.update({ machineId: m, status: 'draft' });
    expect((await t.inject({ url: base(m) })).statusCode).toBe(409);
    expect((await rest(t, m, '?includeInactive=true')).nodes).toHaveLength(1);
    await t.app.db.prisma.$executeRaw`UPDATE "GraphNode" SET "title" = 'while draft' WHERE "id" = ${a.id}`;
    const inactive = await rest(t, m, '?includeInactive=true');
    expect(inactive).toEqual(await t.trpc.graph.get({ machineId: m, includeInactive: true }));
    expect(inactive.nodes[0]?.title).toBe('while draft');
  });

  it('ends equal to a fresh read after parallel writes on two instances interleaved with reads (repeated)', async () => {
    const t = get();
    const other = t.kind === 'postgresql' ? await startTestApp('postgresql') : t;
    try {
      for (let trial = 0; trial < 4; trial++) {
        const m = await machine(t);
        const seed = await Promise.all([node(t, m), node(other, m), node(t, m), node(other, m)]);
        await expectFresh(t, m);
        await expectFresh(other, m);
        const ids = seed.map((n) => n.id);
        const writes = Array.from({ length: 12 }, (_, i) => {
          const app = i % 2 ? other : t;
          const id = ids[i % ids.length] ?? '';
          switch (i % 4) {
            case 0:
              return app.inject({
                method: 'PATCH',
                url: `${base(m)}/nodes/${id}`,
                payload: { data: { [`k${i}`]: i } },
              });
            case 1:
              return app.inject({
                method: 'PATCH',
                url: `${base(m)}/nodes`,
                payload: { positions: ids.map((nodeId, k) => ({ nodeId, x: i, y: k })) },
              });
            case 2:
              return app.inject({
                method: 'POST',
                url: `${base(m)}/edges`,
                payload: { sourceNodeId: id, targetNodeId: ids[(i + 1) % ids.length], type: 'connects' },
              });
            default:
              return app.inject({
                method: 'POST',
                url: `${base(m)}/nodes`,
                payload: { type: 'skill', title: `n${i}` },
              });
          }
        });
        const reads = Array.from({ length: 12 }, (_, i) => (i % 2 ? other : t).inject({ url: base(m) }));
        const results = await Promise.all([...writes, ...reads]);
        for (const r of results) expect(r.statusCode, r.body).toBeLessThan(300);
        const fresh = await t.trpc.graph.get({ machineId: m });
        expect(fresh.nodes).toHaveLength(7);
        expect(await rest(t, m)).toEqual(fresh);
        expect(await rest(other, m)).toEqual(fresh);
      }
    } finally {
      if (other !== t) await other.app.close();
    }
  });
});

describeEachDb(
  'graph answer cache, bounded',
  (get) => {
    it('keeps answers within MM_GRAPH_CACHE_MB and still answers larger graphs (not kept)', async () => {
      const t = get();
      const m = await machine(t);
      // 0.001 MiB ≈ 1 KiB: a few nodes fit, a large data blob does not.
      await node(t, m);
      await expectFresh(t, m);
      await node(t, m, { data: { blob: 'x'.repeat(4000) } });
      expect((await expectFresh(t, m)).nodes[1]?.data).toEqual({ blob: 'x'.repeat(4000) });
      const other = await machine(t);
      await node(t, other);
      await expectFresh(t, other);
      await expectFresh(t, m);
    });
  },
  { env: { MM_GRAPH_CACHE_MB: '0.001' } },
);
