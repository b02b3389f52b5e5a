/**
 * GET /audit-events (reference "Audit events"; context A2, B7, B9 "Audit"): filters combine with AND,
 * newest first, limit default 100 / max 500, cursor paging without duplicates or gaps.
 */
import type { AuditEventView, MachineView, RuntimeEndpointView } from '@mm/contracts';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import { describeEachDb, json, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type ErrorBody = { error: { code: string; message: string; details?: { fields?: Record<string, string> } } };
type Page<T> = { items: T[]; nextCursor?: string };

async function list(t: TestApp, query: string): Promise<Page<AuditEventView>> {
  const res = await t.inject({ url: `/api/v1/audit-events?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return json<Page<AuditEventView>>(res);
}

/** Writes `n` events for one synthetic resource through the real repository; returns its id. */
async function seedEvents(t: TestApp, n: number): Promise<string> {
  const resourceId = uniq('res-');
  for (let i = 0; i < n; i++) {
    await t.app.store.audit.record({
      actor: 'api',
      type: 'machine.updated',
      resourceType: 'machine',
      resourceId,
      payload: { i },
    });
  }
  return resourceId;
}

/** Walks every page of a query; returns the events in order and the pages' sizes. */
async function walk(t: TestApp, query: string, limit: number) {
  const events: AuditEventView[] = [];
  const pages: Page<AuditEventView>[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await list(t, `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    pages.push(page);
    events.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { events, pages };
}

const payloadIndex = (e: AuditEventView) => (e.payload as { i: number }).i;

describeEachDb('audit events', (get) => {
  it('combines type, resourceType and resourceId with AND', async () => {
    const t = get();
    const m = json<{ item: MachineView }>(
      await t.inject({
        method: 'POST',
        url: '/api/v1/machines',
        payload: { displayName: 'Audited', identityRef: `peaqos:machine:${uniq()}` },
      }),
    ).item;
    await t.inject({ method: 'PATCH', url: `/api/v1/machines/${m.id}`, payload: { displayName: 'Audited 2' } });
    const ep = json<{ item: RuntimeEndpointView }>(
      await t.inject({
        method: 'PUT',
        url: `/api/v1/machines/${m.id}/runtime-endpoints/qvac`,
        payload: { endpointBaseUrl: 'http://127.0.0.1:11434' },
      }),
    ).item;

    const types = async (q: string) => (await list(t, q)).items.map((e) => e.type);
    expect(await types(`resourceId=${m.id}`)).toEqual(['machine.updated', 'machine.created']);
    expect(await types(`resourceId=${m.id}&type=machine.updated`)).toEqual(['machine.updated']);
    expect(await types(`resourceId=${m.id}&resourceType=machine`)).toEqual(['machine.updated', 'machine.created']);
    expect(await types(`resourceId=${m.id}&resourceType=machine&type=machine.created`)).toEqual(['machine.created']);
    // AND, not OR: each of these pairs matches something alone and nothing together.
    expect(await types(`resourceId=${m.id}&resourceType=runtime-endpoint`)).toEqual([]);
    expect(await types(`resourceId=${ep.id}&type=machine.updated`)).toEqual([]);
    expect(await types(`resourceId=${ep.id}&resourceType=runtime-endpoint&type=runtime-endpoint.upserted`)).toEqual([
      'runtime-endpoint.upserted',
    ]);
    expect(await types(`resourceId=${uniq('nobody-')}`)).toEqual([]);
  });

  it('filters on type or resourceType alone', async () => {
    const t = get();
    const byType = await list(t, 'type=machine.created&limit=50');
    expect(byType.items.length).toBeGreaterThan(0);
    expect(byType.items.every((e) => e.type === 'machine.created' && e.resourceType === 'machine')).toBe(true);
    const byResource = await list(t, 'resourceType=skill&limit=50');
    expect(byResource.items.length).toBeGreaterThan(0); // the default catalogue's skills
    expect(byResource.items.every((e) => e.resourceType === 'skill')).toBe(true);
  });

  it('lists newest first, with the AuditEventRecord shape of the reference', async () => {
    const t = get();
    const id = await seedEvents(t, 5);
    const { items } = await list(t, `resourceId=${id}`);
    expect(items.map(payloadIndex)).toEqual([4, 3, 2, 1, 0]);
    for (let i = 1; i < items.length; i++) {
      expect(Date.parse(items[i - 1]!.createdAt)).toBeGreaterThanOrEqual(Date.parse(items[i]!.createdAt));
    }
    // The reference's fields, plus the additive `principal` (context C3).
    expect(Object.keys(items[0]!).sort()).toEqual([
      'actor',
      'createdAt',
      'id',
      // additive (context C3, C7)
      'machineId',
      'payload',
      'principal',
      'resourceId',
      'resourceType',
      'type',
    ]);
    expect(new Set(items.map((e) => e.id)).size).toBe(5);
  });

  // Reference: limit default 100, max 500.
  it('answers 100 events by default, up to 500 on request, and refuses 501', async () => {
    const t = get();
    const id = await seedEvents(t, 105);
    const first = await list(t, `resourceId=${id}`);
    expect(first.items).toHaveLength(100);
    expect(first.items[0] && payloadIndex(first.items[0])).toBe(104);
    expect(first.nextCursor).toBeTruthy();
    const rest = await list(t, `resourceId=${id}&cursor=${encodeURIComponent(first.nextCursor ?? '')}`);
    expect(rest.items.map(payloadIndex)).toEqual([4, 3, 2, 1, 0]);
    expect('nextCursor' in rest).toBe(false);

    const max = await list(t, `resourceId=${id}&limit=500`);
    expect(max.items).toHaveLength(105);
    expect('nextCursor' in max).toBe(false);

    for (const limit of ['501', '0', 'abc', '-1', '1.5']) {
      const res = await t.inject({ url: `/api/v1/audit-events?resourceId=${id}&limit=${limit}` });
      expect(res.statusCode, limit).toBe(400);
      const body = json<ErrorBody>(res);
      expect(body.error.code).toBe('VALIDATION_ERROR');
      expect(body.error.details?.fields).toHaveProperty('limit');
    }
  });

  it('pages with a cursor without duplicates or gaps, for any page size', async () => {
    const t = get();
    const id = await seedEvents(t, 23);
    const all = (await list(t, `resourceId=${id}&limit=500`)).items;
    expect(all.map(payloadIndex)).toEqual(Array.from({ length: 23 }, (_, i) => 22 - i));
    for (const limit of [1, 4, 7, 22, 23, 24]) {
      const { events, pages } = await walk(t, `resourceId=${id}`, limit);
      expect(
        events.map((e) => e.id),
        `limit ${limit}`,
      ).toEqual(all.map((e) => e.id));
      expect(pages).toHaveLength(Math.ceil(23 / limit));
      for (const page of pages.slice(0, -1)) expect(page.items).toHaveLength(limit);
      // No cursor on the last page, even when it is exactly full (23 with limit 23, context A2).
      expect('nextCursor' in pages.at(-1)!).toBe(false);
    }
  });

  it('keeps its place when newer events arrive between pages', async () => {
    const t = get();
    const id = await seedEvents(t, 6);
    const first = await list(t, `resourceId=${id}&limit=3`);
    expect(first.items.map(payloadIndex)).toEqual([5, 4, 3]);
    await t.app.store.audit.record({
      actor: 'api',
      type: 'machine.updated',
      resourceType: 'machine',
      resourceId: id,
      payload: { i: 6 },
    });
    const second = await list(t, `resourceId=${id}&limit=3&cursor=${encodeURIComponent(first.nextCursor ?? '')}`);
    expect(second.items.map(payloadIndex)).toEqual([2, 1, 0]);
    expect('nextCursor' in second).toBe(false);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['base64 of something else', Buffer.from('hello').toString('base64url')],
    ['non-numeric position', Buffer.from('s:abc').toString('base64url')],
    ['too long', 'x'.repeat(300)],
  ])('refuses a bad cursor (%s) with 400 VALIDATION_ERROR', async (_name, cursor) => {
    const res = await get().inject({ url: `/api/v1/audit-events?cursor=${encodeURIComponent(cursor)}` });
    expect(res.statusCode).toBe(400);
    const body = json<ErrorBody>(res);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.details?.fields).toHaveProperty('cursor');
  });

  it('answers the views record() gives, byte for byte, from JSON built in the database (docs/database.md)', async () => {
    const t = get();
    const resourceId = uniq('bytes-');
    const payloads: Record<string, unknown>[] = [
      {
        s: 'é "q" \\ \n \u0001 ✓',
        n: [1, 1.5, -0, 1e21, 2 ** 53 - 1, 0.1],
        o: { z: null, a: true, nested: { k: [] } },
      },
      {},
      { machineId: 'not-a-machine', long: 'x'.repeat(3000) },
    ];
    const recorded = [];
    for (const payload of payloads) {
      recorded.push(
        await t.app.store.audit.record({ actor: 'api', type: 'b_t%.x', resourceType: 'thing', resourceId, payload }),
      );
    }
    const rest = await t.inject({ url: `/api/v1/audit-events?resourceId=${resourceId}` });
    expect(rest.body).toBe(JSON.stringify({ items: [...recorded].reverse() }));
    const paged = await list(t, `resourceId=${resourceId}&limit=2`);
    expect(JSON.stringify(paged.items)).toBe(JSON.stringify(recorded.slice(1).reverse()));
    expect((await list(t, `resourceId=${resourceId}&limit=2&cursor=${paged.nextCursor ?? ''}`)).items).toEqual(
      recorded.slice(0, 1),
    );
    // A type prefix is literal: `_` and `%` are no wildcards.
    expect((await list(t, `resourceId=${resourceId}&type=b_t%25.*`)).items).toHaveLength(3);
    expect((await list(t, `resourceId=${resourceId}&type=bxt*`)).items).toHaveLength(0);
    expect((await list(t, `resourceId=${resourceId}&type=b_t_*`)).items).toHaveLength(0);
    const ranged = await list(t, `resourceId=${resourceId}&since=2000-01-01T00:00:00.000Z&limit=2`);
    expect(JSON.stringify(ranged.items)).toBe(JSON.stringify(recorded.slice(1).reverse()));
  });

  it('tRPC: the same filters, order, paging and errors', async () => {
    const t = get();
    const id = await seedEvents(t, 5);
    const page = await t.trpc.audit.list({
      resourceId: id,
      type: 'machine.updated',
      resourceType: 'machine',
      limit: 2,
    });
    expect(page.items.map(payloadIndex)).toEqual([4, 3]);
    const next = await t.trpc.audit.list({ resourceId: id, limit: 2, cursor: page.nextCursor });
    expect(next.items.map(payloadIndex)).toEqual([2, 1]);
    expect((await t.trpc.audit.list({ resourceId: id, type: 'machine.created' })).items).toEqual([]);
    for (const input of [{ limit: 501 }, { cursor: 'not-a-cursor' }]) {
      try {
        await t.trpc.audit.list(input);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(TRPCError);
        expect((err as TRPCError).code).toBe('BAD_REQUEST');
      }
    }
  });
});
