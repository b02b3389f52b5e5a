/**
 * No 500 from input (issue "engine", context B1/B9/B10): every route of the REST table, fed
 * malformed bodies, queries and path parameters, never answers 5xx, and every 4xx is in the error envelope.
 */
import { routeTable } from '@mm/rest';
import { expect, it } from 'vitest';
import { describeEachDb, json, uniq } from './harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BODIES: unknown[] = [
  [],
  42,
  'text',
  null,
  { displayName: 5, identityRef: ['x'], endpointBaseUrl: {}, type: 'nope', title: '', serviceType: 1 },
  { data: 'not-an-object', input: [1, 2], position: { x: 'a' }, limit: -1, leaseSeconds: 'x' },
  { name: 'x'.repeat(10_000), label: '\u0000' },
];

describeEachDb('input robustness', (get) => {
  it('never answers 5xx to malformed input, and every 4xx carries the envelope', async () => {
    const t = get();
    const m = json<Json>(
      await t.inject({
        method: 'POST',
        url: '/api/v1/machines',
        payload: { displayName: 'F', identityRef: `peaqos:machine:${uniq()}` },
      }),
    ).item.id as string;
    const failures: string[] = [];
    for (const route of routeTable) {
      const paths = [
        route.path.replace(/:machineId/g, m).replace(/:([A-Za-z]+)/g, 'no-such-$1'),
        route.path.replace(/:([A-Za-z]+)/g, 'x'.repeat(300)),
        route.path.replace(/:([A-Za-z]+)/g, '%00%ff'),
      ];
      for (const path of paths) {
        for (const body of route.method === 'GET' || route.method === 'DELETE' ? [undefined] : BODIES) {
          const res = await t.inject({
            method: route.method,
            url: `/api/v1${path}?limit=abc&cursor=%%%`,
            ...(body !== undefined && {
              payload: JSON.stringify(body),
              headers: { 'content-type': 'application/json' },
            }),
          });
          const label = `${route.method} ${path.slice(0, 80)} ${JSON.stringify(body)?.slice(0, 60)} → ${res.statusCode}`;
          if (res.statusCode >= 500) failures.push(label);
          if (res.statusCode < 400) continue; // valid after all: unknown fields are ignored (context B9)
          const parsed = json<Json>(res);
          if (typeof parsed.error?.code !== 'string' || typeof parsed.error?.message !== 'string')
            failures.push(`${label} (no envelope)`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
