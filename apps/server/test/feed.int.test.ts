/**
 * The change feed (context C7, docs/liveness.md "The change feed"): GET /api/v1/events as SSE and
 * tRPC events.onMachine; audit machineId/principal and the new list filters; retention. On
 * PostgreSQL, transactions that commit out of seq order must not open gaps.
 */
import type { AuditEventView } from '@mm/contracts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { describeEachDb, json, startTestApp, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';
import { openSse } from './support/sse.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function machine(t: TestApp, status?: string): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/machines',
    payload: { displayName: 'Fed', identityRef: `peaqos:machine:${uniq()}`, ...(status && { status }) },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ item: { id: string } }>(res).item.id;
}

async function node(t: TestApp, m: string, title: string): Promise<Json> {
  const res = await t.inject({
    method: 'POST',
    url: `/api/v1/machines/${m}/graph/nodes`,
    payload: { type: 'skill', title },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ item: Json }>(res).item;
}

describeEachDb(
  'change feed',
  (get) => {
    it('streams a machine’s events as SSE with id = seq, event = type, data = the audit view, and only that machine’s', async () => {
      const t = get();
      const m = await machine(t);
      const other = await machine(t);
      const sse = await openSse(`${t.baseUrl}/api/v1/events?machineId=${m}`);
      expect(sse.status).toBe(200);
      expect(sse.contentType).toMatch(/^text\/event-stream/);
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await node(t, other, 'not mine');
      const n = await node(t, m, 'mine');
      const [first] = await sse.waitFor(1);
      const latency = Date.now() - started;
      expect(first!.event).toBe('graph.node.created');
      const data = JSON.parse(first!.data) as AuditEventView;
      expect(data.machineId).toBe(m);
      expect(data.principal).toBe('local');
      expect(data.resourceId).toBe(n.id);
      expect(first!.id).toMatch(/^\d+$/);
      expect(latency).toBeLessThan(1000);
      await new Promise((r) => setTimeout(r, 200));
      expect(sse.events).toHaveLength(1);
      sse.close();
    });

    it('resumes with Last-Event-ID or ?after=: every missed event once, in order', async () => {
      const t = get();
      const m = await machine(t);
      const all = await openSse(`${t.baseUrl}/api/v1/events?machineId=${m}`);
      await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 5; i++) await node(t, m, `n${i}`);
      const five = await all.waitFor(5);
      all.close();
      const ids = five.map((e) => BigInt(e.id!));
      expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
      const resumed = await openSse(`${t.baseUrl}/api/v1/events?machineId=${m}`, { 'last-event-id': five[1]!.id! });
      const rest = await resumed.waitFor(3);
      expect(rest.map((e) => e.id)).toEqual(five.slice(2).map((e) => e.id));
      await node(t, m, 'after resume');
      const more = await resumed.waitFor(4);
      expect(more[3]!.event).toBe('graph.node.created');
      resumed.close();
      const byQuery = await openSse(`${t.baseUrl}/api/v1/events?machineId=${m}&after=${five[3]!.id!}`);
      const q = await byQuery.waitFor(2);
      expect(q.map((e) => e.id)).toEqual([five[4]!.id, more[3]!.id]);
      byQuery.close();
    });

    it('answers the guard’s refusals in the envelope: 404 unknown machine, 409 inactive unless includeInactive, 400 bad position', async () => {
      const t = get();
      const unknown = await openSse(`${t.baseUrl}/api/v1/events?machineId=nope-${uniq()}`);
      expect(unknown.status).toBe(404);
      expect(JSON.parse(unknown.body).error.code).toBe('NOT_FOUND');
      const draft = await machine(t, 'draft');
      const inactive = await openSse(`${t.baseUrl}/api/v1/events?machineId=${draft}`);
      expect(inactive.status).toBe(409);
      expect(JSON.parse(inactive.body).error.code).toBe('MACHINE_NOT_ACTIVE');
      const allowed = await openSse(`${t.baseUrl}/api/v1/events?machineId=${draft}&includeInactive=true&after=0`);
      expect(allowed.status).toBe(200);
      const [created] = await allowed.waitFor(1);
      expect(created!.event).toBe('machine.created');
      allowed.close();
      const bad = await openSse(`${t.baseUrl}/api/v1/events?machineId=${draft}`, { 'last-event-id': 'abc' });
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body).error.code).toBe('VALIDATION_ERROR');
      const missing = await openSse(`${t.baseUrl}/api/v1/events`);
      expect(missing.status).toBe(400);
    });

    it('sends heartbeat comments on an idle stream', async () => {
      const t = get();
      const m = await machine(t);
      const sse = await openSse(`${t.baseUrl}/api/v1/events?machineId=${m}`);
      await new Promise((r) => setTimeout(r, 700));
      expect(sse.comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(2);
      sse.close();
    });

    it('tRPC events.onMachine yields tracked events from lastEventId (createCaller) and serves SSE over HTTP', async () => {
      const t = get();
      const m = await machine(t);
      const a = await node(t, m, 'a');
      await node(t, m, 'b');
      const iterable = await t.trpc.events.onMachine({ machineId: m, lastEventId: '0' });
      const got: Json[] = [];
      // createCaller yields tracked envelopes as [id, data, symbol].
      for await (const [id, data] of iterable as AsyncIterable<[string, AuditEventView]>) {
        got.push({ id, data });
        if (got.length === 3) break;
      }
      expect(got.map((g) => (g.data as AuditEventView).type)).toEqual([
        'machine.created',
        'graph.node.created',
        'graph.node.created',
      ]);
      expect((got[1]!.data as AuditEventView).resourceId).toBe(a.id);
      expect(got[1]!.id).toMatch(/^\d+$/);
      const input = encodeURIComponent(JSON.stringify({ machineId: m, lastEventId: got[1]!.id }));
      const sse = await openSse(`${t.baseUrl}/trpc/events.onMachine?input=${input}`);
      expect(sse.contentType).toMatch(/^text\/event-stream/);
      // tRPC's stream opens with its own `connected` event; then the tracked events, id = seq.
      await sse.waitFor(2);
      const tracked = sse.events.filter((e) => e.id !== undefined);
      expect(tracked[0]!.id).toBe(got[2]!.id);
      expect(JSON.parse(tracked[0]!.data).type).toBe('graph.node.created');
      sse.close();
    });

    it('audit events carry machineId; GET /audit-events filters by machineId, principal, since/until and a type prefix', async () => {
      const t = get();
      const m = await machine(t);
      const before = new Date(Date.now() - 1000).toISOString();
      const n1 = await node(t, m, 'x');
      const n2 = await node(t, m, 'y');
      await t.inject({
        method: 'POST',
        url: `/api/v1/machines/${m}/graph/edges`,
        payload: { sourceNodeId: n1.id, targetNodeId: n2.id, type: 'connects' },
      });
      await t.inject({
        method: 'PUT',
        url: `/api/v1/machines/${m}/runtime-endpoints/qvac`,
        payload: { endpointBaseUrl: 'http://127.0.0.1:9' },
      });
      const mine = json<{ items: AuditEventView[] }>(await t.inject(`/api/v1/audit-events?machineId=${m}`)).items;
      expect(mine.map((e) => e.type).sort()).toEqual(
        [
          'graph.edge.created',
          'graph.node.created',
          'graph.node.created',
          'machine.created',
          'runtime-endpoint.upserted',
        ].sort(),
      );
      expect(mine.every((e) => e.machineId === m)).toBe(true);
      const prefixed = json<{ items: AuditEventView[] }>(
        await t.inject(`/api/v1/audit-events?machineId=${m}&type=graph.node.*`),
      ).items;
      expect(prefixed.map((e) => e.type)).toEqual(['graph.node.created', 'graph.node.created']);
      const graph = json<{ items: AuditEventView[] }>(
        await t.inject(`/api/v1/audit-events?machineId=${m}&type=graph.*`),
      ).items;
      expect(graph).toHaveLength(3);
      const since = json<{ items: AuditEventView[] }>(
        await t.inject(`/api/v1/audit-events?machineId=${m}&since=${encodeURIComponent(before)}`),
      ).items;
      expect(since).toHaveLength(5);
      const until = json<{ items: AuditEventView[] }>(
        await t.inject(`/api/v1/audit-events?machineId=${m}&until=${encodeURIComponent(before)}`),
      ).items;
      expect(until).toHaveLength(0);
      const principal = json<{ items: AuditEventView[] }>(
        await t.inject(`/api/v1/audit-events?machineId=${m}&principal=someone-else`),
      ).items;
      expect(principal).toHaveLength(0);
      const bad = await t.inject(`/api/v1/audit-events?since=yesterday`);
      expect(bad.statusCode).toBe(400);
      const viaTrpc = await t.trpc.audit.list({ machineId: m, type: 'graph.node.*' });
      expect(viaTrpc.items).toHaveLength(2);
    });

    it('a time-range list pages newest first by time, ties by seq, without losing or repeating an event', async () => {
      const t = get();
      const resourceId = uniq('timed-');
      for (let i = 0; i < 7; i++) {
        await t.app.store.audit.record({
          actor: 'api',
          type: 'machine.updated',
          resourceType: 'machine',
          resourceId,
          payload: { i },
        });
      }
      // Three events share one millisecond (a tie broken by seq); one lies outside the range.
      const at = (i: number, iso: string) =>
        t.app.db.prisma.$executeRaw`UPDATE "AuditEvent" SET "createdAt" = ${new Date(iso)}
          WHERE "resourceId" = ${resourceId} AND ("payload"->>'i')::int = ${i}`;
      await at(0, '2026-01-01T00:00:00.000Z');
      await at(1, '2026-01-02T00:00:00.000Z');
      await at(2, '2026-01-03T00:00:00.000Z');
      await at(3, '2026-01-03T00:00:00.000Z');
      await at(4, '2026-01-03T00:00:00.000Z');
      await at(5, '2025-12-31T00:00:00.000Z');
      await at(6, '2026-01-02T12:00:00.000Z');
      const base = `/api/v1/audit-events?resourceId=${resourceId}&since=2026-01-01T00:00:00.000Z&until=2026-01-03T00:00:00.000Z&limit=2`;
      const seen: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await t.inject(`${base}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        const page = json<{ items: AuditEventView[]; nextCursor?: string }>(res);
        seen.push(...page.items.map((e) => Number(e.payload.i)));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(seen).toEqual([4, 3, 2, 6, 1, 0]);
      // A cursor of a list in seq order is not one of this list's, and the other way round.
      const plain = json<{ nextCursor?: string }>(
        await t.inject(`/api/v1/audit-events?resourceId=${resourceId}&limit=1`),
      );
      expect(plain.nextCursor).toBeDefined();
      const mixed = await t.inject(`${base}&cursor=${plain.nextCursor}`);
      expect(mixed.statusCode).toBe(400);
      const timed = json<{ nextCursor?: string }>(await t.inject(base));
      const back = await t.inject(`/api/v1/audit-events?resourceId=${resourceId}&cursor=${timed.nextCursor}`);
      expect(back.statusCode).toBe(400);
      expect(json<{ error: { code: string } }>(back).error.code).toBe('VALIDATION_ERROR');
    });

    it('prunes events older than the retention in bounded batches', async () => {
      const t = get();
      const resourceId = uniq('old-');
      for (let i = 0; i < 3; i++) {
        await t.app.store.audit.record({
          actor: 'api',
          type: 'machine.updated',
          resourceType: 'machine',
          resourceId,
          payload: { i },
        });
      }
      await t.app.db.prisma
        .$executeRaw`UPDATE "AuditEvent" SET "createdAt" = now() - interval '100 days' WHERE "resourceId" = ${resourceId}`;
      const keep = uniq('new-');
      await t.app.store.audit.record({
        actor: 'api',
        type: 'machine.updated',
        resourceType: 'machine',
        resourceId: keep,
        payload: {},
      });
      const pruned = await t.app.services.audit.prune(90);
      expect(pruned).toBeGreaterThanOrEqual(3);
      expect(
        json<{ items: unknown[] }>(await t.inject(`/api/v1/audit-events?resourceId=${resourceId}`)).items,
      ).toHaveLength(0);
      expect(json<{ items: unknown[] }>(await t.inject(`/api/v1/audit-events?resourceId=${keep}`)).items).toHaveLength(
        1,
      );
    });
  },
  { listen: true, env: { MM_EVENTS_HEARTBEAT_MS: '200' } },
);

const pgUrl = inject('pgUrl');
(pgUrl ? describe : describe.skip)('change feed without gaps [postgresql, two instances]', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp('postgresql', { listen: true });
    b = await startTestApp('postgresql', { listen: true });
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.app.close();
  });

  it('holds back a later seq until an earlier one’s transaction commits, then delivers both in order', async () => {
    const m = await machine(a);
    const sse = await openSse(`${b.baseUrl}/api/v1/events?machineId=${m}`);
    await new Promise((r) => setTimeout(r, 100));
    const slow = new pg.Client({ connectionString: pgUrl! });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      const [row] = (
        await slow.query(
          `INSERT INTO "AuditEvent" ("id","actor","type","resourceType","resourceId","payload","machineId")
           VALUES (gen_random_uuid()::text,'api','machine.updated','machine',$1,'{}',$1) RETURNING "seq"`,
          [m],
        )
      ).rows as { seq: string }[];
      const later = await node(a, m, 'committed first');
      await new Promise((r) => setTimeout(r, 400));
      expect(sse.events).toHaveLength(0); // the later seq waits for the earlier transaction
      await slow.query('COMMIT');
      const [first, second] = await sse.waitFor(2);
      expect(first!.id).toBe(String(row!.seq));
      expect(JSON.parse(second!.data).resourceId).toBe(later.id);
      expect(BigInt(second!.id!)).toBeGreaterThan(BigInt(first!.id!));
    } finally {
      await slow.end();
      sse.close();
    }
  });

  it('delivers every event of 8 concurrent writers on two instances once, in seq order, to readers on both', async () => {
    const m = await machine(a);
    const onA = await openSse(`${a.baseUrl}/api/v1/events?machineId=${m}&after=0`);
    const onB = await openSse(`${b.baseUrl}/api/v1/events?machineId=${m}&after=0`);
    await new Promise((r) => setTimeout(r, 100));
    const n = await node(a, m, 'target');
    await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 10; i++) {
            const res = await (w % 2 ? a : b).inject({
              method: 'PATCH',
              url: `/api/v1/machines/${m}/graph/nodes/${n.id}`,
              payload: { data: { [`w${w}i${i}`]: i } },
            });
            expect(res.statusCode).toBe(200);
          }
        })(),
      ),
    );
    const stored = json<{ items: AuditEventView[] }>(
      await a.inject(`/api/v1/audit-events?machineId=${m}&limit=500`),
    ).items;
    const expected = stored.length;
    expect(expected).toBe(82); // machine.created, graph.node.created, 80 updates
    for (const sse of [onA, onB]) {
      const got = await sse.waitFor(expected, 10_000);
      const ids = got.map((e) => BigInt(e.id!));
      expect(new Set(ids).size).toBe(expected);
      for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
      expect(sse.events).toHaveLength(expected);
      sse.close();
    }
  });
});
