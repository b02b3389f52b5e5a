/** A lapsed lease turns the endpoint `unreachable`, audited (context B9 "Agents"). */
import { expect, it } from 'vitest';
import { describeEachDb, json, uniq } from './harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describeEachDb('lease sweeper', (get) => {
  it('marks an endpoint whose lease lapsed unreachable and audits the change', async () => {
    const t = get();
    const m = json<Json>(
      await t.inject({
        method: 'POST',
        url: '/api/v1/machines',
        payload: { displayName: 'L', identityRef: `peaqos:machine:${uniq()}` },
      }),
    ).item.id as string;
    const put = await t.inject({
      method: 'PUT',
      url: `/api/v1/machines/${m}/runtime-endpoints/edge-agent`,
      payload: { endpointBaseUrl: 'http://127.0.0.1:4999', leaseExpiresAt: new Date(Date.now() - 5_000).toISOString() },
    });
    const id = json<Json>(put).item.id as string;
    expect(await t.app.services.runtimeEndpoints.sweepLapsedLeases()).toBeGreaterThanOrEqual(1);
    const ep = json<Json>(await t.inject({ url: `/api/v1/machines/${m}/runtime-endpoints/edge-agent` })).item;
    expect(ep.status).toBe('unreachable');
    const events = json<Json>(
      await t.inject({ url: `/api/v1/audit-events?type=runtime-endpoint.status-changed&resourceId=${id}` }),
    ).items;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: 'system:machine-markets',
      machineId: m,
      resourceType: 'runtime-endpoint',
      payload: { from: 'active', to: 'unreachable', reason: `lease expired at ${ep.leaseExpiresAt}` },
    });
    // The event's view is the endpoint's view after the change, field for field (built in SQL).
    expect(events[0].payload.endpoint).toEqual(ep);
    // a second sweep changes nothing more
    await t.app.services.runtimeEndpoints.sweepLapsedLeases();
    const again = json<Json>(
      await t.inject({ url: `/api/v1/audit-events?type=runtime-endpoint.status-changed&resourceId=${id}` }),
    ).items;
    expect(again).toHaveLength(1);
  });
});
