/**
 * Property-based fuzzing derived from the contracts (context B1, B10, C5; docs/api.md "Input limits"):
 * for every REST route of the route table and every tRPC procedure of the router, generated inputs
 * (valid-shaped values, lone surrogates, control characters, huge/negative/fractional numbers, cursor
 * and limit abuse, wrong types, deep nesting, __proto__ keys) never get a 5xx answer, every error is
 * in the envelope, and tRPC never answers INTERNAL_SERVER_ERROR.
 *
 * FUZZ_RUNS (default 10000) is the number of cases on the embedded database, spread over all
 * targets; FUZZ_RUNS_PG (default 2000) the number on PostgreSQL. FUZZ_SEED replays a run.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { arbitraryOf, cursorFixtures, pathWith, queryString, restTargets, trpcTargets } from './contract-inputs.ts';
import type { Fixtures, RestTarget, TrpcTarget } from './contract-inputs.ts';
import { describeEachDb, json, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const targets: (RestTarget | TrpcTarget)[] = [...restTargets(), ...trpcTargets()];
const total = { pglite: Number(process.env.FUZZ_RUNS ?? 10_000), postgresql: Number(process.env.FUZZ_RUNS_PG ?? 2000) };
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

/**
 * Upstream failures reported by design, not server faults: a runtime that fails an execution (context
 * B4) and an identity resolver that cannot answer (context C9).
 */
const UPSTREAM = new Set(['RUNTIME_ERROR', 'RUNTIME_UNREACHABLE', 'RUNTIME_TIMEOUT', 'PEAQOS_IDENTITY_UNAVAILABLE']);

async function post(t: TestApp, url: string, payload: unknown, method: 'POST' | 'PUT' = 'POST'): Promise<Json> {
  const res = await t.inject({ method, url: `/api/v1${url}`, payload: payload as Record<string, unknown> });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return json<Json>(res);
}

/** Fresh records to aim generated ids at: a machine with nodes, an edge, a task, an agent, a policy. */
async function seedFixtures(t: TestApp, runIds: string[]): Promise<Fixtures> {
  const identityRef = `peaqos:machine:${uniq()}`;
  const m = (await post(t, '/machines', { displayName: 'Fuzz', identityRef })).item.id as string;
  const n1 = (await post(t, `/machines/${m}/graph/nodes`, { type: 'skill', title: 'a' })).item.id as string;
  const n2 = (await post(t, `/machines/${m}/graph/nodes`, { type: 'task', title: 'b' })).item.id as string;
  const e = (await post(t, `/machines/${m}/graph/edges`, { sourceNodeId: n1, targetNodeId: n2, type: 'connects' })).item
    .id as string;
  const task = (await post(t, `/machines/${m}/tasks`, { serviceType: 'storage.object', taskType: 'fuzz' })).item
    .id as string;
  const agent = (await post(t, `/machines/${m}/agents/enrollment`, {})).item.id as string;
  const policy = (await post(t, '/policies', { name: 'fuzz' })).item.id as string;
  await post(t, `/machines/${m}/runtime-endpoints/qvac`, { endpointBaseUrl: 'http://127.0.0.1:9' }, 'PUT');
  return {
    machineId: [m],
    nodeId: [n1, n2],
    sourceNodeId: [n1, n2],
    targetNodeId: [n1, n2],
    edgeId: [e],
    taskId: [task],
    agentId: [agent],
    policyId: [policy],
    policyIds: [policy],
    runId: runIds,
    providerKey: ['qvac', 'QVAC', 'generic'],
    skillKey: ['qvac'],
    serviceId: ['qvac-private-inference'],
    identityRef: [identityRef],
    cursor: cursorFixtures(),
  };
}

/** A run to read back: a handoff task executed once. */
async function seedRun(t: TestApp): Promise<string> {
  const m = (await post(t, '/machines', { displayName: 'Fuzz runs', identityRef: `peaqos:machine:${uniq()}` })).item
    .id as string;
  const task = (await post(t, `/machines/${m}/tasks`, { serviceType: 'storage.object', taskType: 'fuzz' })).item
    .id as string;
  await post(t, `/machines/${m}/tasks/${task}/resolve`, {});
  return (await post(t, `/machines/${m}/tasks/${task}/execute`, {})).run.id as string;
}

function restCase(target: RestTarget, fixtures: Fixtures) {
  const none = fc.constant(undefined);
  return fc.record({
    params: target.params ? arbitraryOf(target.params, '(params)', fixtures, 1) : none,
    query: target.query ? arbitraryOf(target.query, '(query)', fixtures, 1) : none,
    body: target.body ? arbitraryOf(target.body, '(body)', fixtures) : none,
  });
}

async function checkRest(t: TestApp, target: RestTarget, c: { params: unknown; query: unknown; body: unknown }) {
  const { method } = target.route;
  const url = `/api/v1${pathWith(target.route.path, c.params)}${queryString(c.query)}`;
  const hasBody = method !== 'GET' && method !== 'DELETE' && c.body !== undefined;
  const res = await t.inject({
    method,
    url,
    ...(hasBody && { payload: JSON.stringify(c.body), headers: { 'content-type': 'application/json' } }),
  });
  const what = `${method} ${url.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  if (res.statusCode < 400) return;
  const body = json<Json>(res);
  expect(typeof body.error?.code, what).toBe('string');
  expect(typeof body.error?.message, what).toBe('string');
  if (res.statusCode >= 500) expect(UPSTREAM.has(body.error.code as string), what).toBe(true);
}

async function checkTrpc(t: TestApp, target: TrpcTarget, input: unknown) {
  const encoded = input === undefined ? '' : encodeURIComponent(JSON.stringify(input));
  const res =
    target.type === 'query'
      ? await t.inject({ method: 'GET', url: `/trpc/${target.path}${encoded ? `?input=${encoded}` : ''}` })
      : await t.inject({
          method: 'POST',
          url: `/trpc/${target.path}`,
          ...(input !== undefined && { payload: JSON.stringify(input) }),
          headers: { 'content-type': 'application/json' },
        });
  const what = `${target.path} ${encoded.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  if (res.statusCode < 400) return;
  const data = (json<Json>(res).error?.data ?? {}) as Json;
  expect(data.code, what).not.toBe('INTERNAL_SERVER_ERROR');
  if (res.statusCode >= 500) expect(UPSTREAM.has(data.appCode as string), what).toBe(true);
}

describeEachDb(
  'contract fuzzing',
  (get) => {
    let runIds: string[] = [];
    it('seeds a run to read back', async () => {
      runIds = [await seedRun(get())];
    });

    for (const target of targets) {
      it(target.name, async () => {
        const t = get();
        const numRuns = Math.max(1, Math.ceil(total[t.kind] / targets.length));
        const fixtures = await seedFixtures(t, runIds);
        const property =
          target.kind === 'rest'
            ? fc.asyncProperty(restCase(target, fixtures), (c) => checkRest(t, target, c))
            : fc.asyncProperty(
                target.input ? arbitraryOf(target.input, '(input)', fixtures, 1) : fc.constant(undefined),
                (input) => checkTrpc(t, target, input),
              );
        await fc.assert(property, { numRuns, ...(seed !== undefined && { seed }) });
      });
    }
  },
  // Runtime calls go to a closed loopback port; keep any slow path short.
  { env: { MM_RUNTIME_TIMEOUT_MS: '300' } },
);
