/**
 * Discovery scoring cost. Baseline: the cheapest correct pre-step discovery cannot avoid (filter
 * 2,000 services by serviceType and sort by id). Subject: the full `discover()` (constraints, five
 * governing policies, endpoint checks, scoring, ranking). The ratio says what the explanations cost.
 */
import type { CatalogServiceView, PolicyView, RuntimeEndpointView } from '@mm/contracts';
import { discover } from '@mm/core';
import { createBenchDatabase, drive, envInt, fmt, startBenchApp } from './db.ts';
import { measure, report } from './harness.ts';

const TYPES = ['compute.marketplace', 'storage.object', 'device.control'] as const;

function service(i: number): CatalogServiceView {
  const native = i % 3 === 0;
  return {
    id: `svc-${i}`,
    skillKey: `skill-${i % 50}`,
    providerKey: native ? `prov-${i % 10}` : `ext-${i}`,
    companyName: 'Bench Co',
    serviceType: TYPES[i % TYPES.length] ?? 'compute.marketplace',
    name: `Service ${i}`,
    description: '',
    operations: ['run', `op-${i % 5}`],
    executionMode: native ? 'native' : 'external-handoff',
    integrationStatus: native ? 'integrated' : 'handoff-only',
    region: ['global', 'eu', 'us', 'local'][i % 4] ?? 'global',
    capabilities: ['a', 'b', i % 2 ? 'gpu' : 'cpu'],
    handoff: native ? null : { label: 'Go', url: `https://example.com/${i}`, notes: [] },
    pricing:
      i % 5 === 0
        ? { mode: 'fixed', amount: i % 40, currency: 'USD', notes: [] }
        : { mode: 'provider-defined', notes: [] },
    metadata: {},
    providerId: 'p',
    providerLabel: 'P',
    authType: 'none',
    accessMode: 'public',
    distribution: 'docs-only',
    maturity: 'beta',
    kind: native ? 'runtime' : 'reference',
    freshnessSeconds: 60,
    requiresHumanEnablement: false,
  };
}

function endpoint(i: number): RuntimeEndpointView {
  const now = new Date().toISOString();
  return {
    id: `ep-${i}`,
    machineId: 'm',
    providerKey: `prov-${i}`,
    source: 'agent',
    agentId: 'a',
    label: 'x',
    endpointBaseUrl: 'http://127.0.0.1:1',
    authType: 'none',
    hasAuthToken: false,
    modelAlias: null,
    networkScope: 'loopback',
    probePath: '/health',
    status: i % 4 === 0 ? 'degraded' : 'active',
    leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
    lastCheckedAt: null,
    lastHealthyAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

const policy = (i: number): PolicyView => ({
  id: `pol-${i}`,
  name: `Policy ${i}`,
  allowedSkillKeys: [],
  deniedSkillKeys: [`skill-${i}`],
  budgetCap: { amount: 30, currency: 'USD' },
  regionRules: [],
  nativeOnly: false,
  handoffAllowed: true,
  requiredCapabilities: ['a'],
  createdAt: '',
  updatedAt: '',
});

async function benchScoring() {
  const services = Array.from({ length: 2000 }, (_, i) => service(i));
  const endpoints = new Map(Array.from({ length: 10 }, (_, i) => [`prov-${i}`, endpoint(i)] as const));
  const policies = Array.from({ length: 5 }, (_, i) => policy(i));
  const input = {
    task: {
      serviceType: 'compute.marketplace' as const,
      operation: 'run',
      constraints: {
        region: 'eu',
        budget: 25,
        allowExternalHandoff: true,
        requireNativeExecution: false,
        requiredCapabilities: ['b'],
      },
    },
    endpoints,
    policies,
    now: new Date(),
  };
  const baseline = await measure('filter by serviceType + sort (2,000 services)', 300, () =>
    services.filter((s) => s.serviceType === input.task.serviceType).sort((a, b) => a.id.localeCompare(b.id)),
  );
  const subject = await measure('discover() with 5 policies (2,000 services)', 300, () =>
    discover(services, input, 25),
  );
  report('Discovery scoring (pure, in-process)', baseline, subject);
}

/** Bulk-loads `count` services of `serviceType` (ids `<prefix>-<n>`) with one INSERT … SELECT. */
async function loadServices(
  bdb: Awaited<ReturnType<typeof createBenchDatabase>>,
  prefix: string,
  serviceType: string,
  count: number,
) {
  await bdb.pool.query(
    `INSERT INTO "MarketService" ("id", "skillKey", "providerKey", "providerId", "providerLabel", "companyName",
       "serviceType", "name", "description", "operations", "executionMode", "integrationStatus", "region",
       "capabilities", "handoff", "pricing", "metadata", "authType", "accessMode", "distribution", "maturity", "kind",
       "freshnessSeconds", "requiresHumanEnablement", "updatedAt")
     SELECT $1 || '-' || lpad(i::text, 6, '0'), 'bench-skill-' || (i % 50),
       CASE WHEN i % 3 = 0 THEN 'prov-' || (i % 10) ELSE 'ext-' || i END, 'p', 'P', 'Bench Co', $2, 'Service ' || i,
       'A benchmark service with a description of ordinary length for a catalogue entry.',
       ARRAY['run', 'op-' || (i % 5)], CASE WHEN i % 3 = 0 THEN 'native' ELSE 'external-handoff' END,
       CASE WHEN i % 3 = 0 THEN 'integrated' WHEN i % 17 = 0 THEN 'planned' ELSE 'handoff-only' END,
       (ARRAY['global', 'eu', 'us', 'local', 'apac'])[1 + i % 5],
       ARRAY['a', 'b', CASE WHEN i % 2 = 1 THEN 'gpu' ELSE 'cpu' END],
       CASE WHEN i % 3 = 0 THEN NULL ELSE jsonb_build_object('label', 'Go', 'url', 'https://example.com/' || i, 'notes', '[]'::jsonb) END,
       CASE WHEN i % 4 = 0 THEN jsonb_build_object('mode', 'fixed', 'amount', i % 40, 'currency', 'USD', 'notes', '[]'::jsonb)
            ELSE jsonb_build_object('mode', 'provider-defined', 'notes', '[]'::jsonb) END,
       jsonb_build_object('tier', i % 3), 'none', 'public', 'docs-only', 'beta',
       CASE WHEN i % 3 = 0 THEN 'runtime' ELSE 'reference' END, 60, false, now()
     FROM generate_series(0, $3::int - 1) AS i`,
    [prefix, serviceType, count],
  );
}

/**
 * Discovery over HTTP at catalogue scale: 10,000 services of the task's type (configurable with
 * BENCH_DISCOVERY_SERVICES) against the same request over 100 services of another type, in one
 * database and one server. The task asks for an operation, a region, a capability and a budget,
 * under two policies, with ten native runtime endpoints on the machine.
 */
async function benchDiscoveryHttp() {
  const services = envInt('BENCH_DISCOVERY_SERVICES', 10_000);
  const small = 100;
  const amount = envInt('BENCH_DISCOVERY_REQUESTS', 300);
  const bdb = await createBenchDatabase('discovery');
  const { app, baseUrl } = await startBenchApp(bdb.url);
  try {
    await bdb.pool.query(
      `INSERT INTO "Skill" ("key", "providerKey", "label", "description", "serviceTypes", "operations", "executionMode", "integrationStatus", "updatedAt")
       SELECT 'bench-skill-' || i, 'prov-' || (i % 10), 'Skill ' || i, '', ARRAY['compute.marketplace', 'storage.object'],
              ARRAY['run'], 'native', 'integrated', now()
       FROM generate_series(0, 49) AS i`,
    );
    await loadServices(bdb, 'big', 'compute.marketplace', services);
    await loadServices(bdb, 'small', 'storage.object', small);
    await bdb.pool.query('ANALYZE "MarketService"');
    const post = async <T>(path: string, body: unknown, method = 'POST'): Promise<T> => {
      const res = await fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { item: T }).item;
    };
    const policies = await Promise.all([
      post<{ id: string }>('/policies', { name: 'Deny two', deniedSkillKeys: ['bench-skill-1', 'bench-skill-2'] }),
      post<{ id: string }>('/policies', {
        name: 'Cap',
        budgetCap: { amount: 30, currency: 'USD' },
        requiredCapabilities: ['a'],
      }),
    ]);
    const machine = await post<{ id: string }>('/machines', {
      displayName: 'Discovery bench',
      identityRef: 'peaqos:machine:discovery-bench',
    });
    await post(`/machines/${machine.id}`, { policyIds: policies.map((p) => p.id) }, 'PATCH');
    await bdb.pool.query(
      `INSERT INTO "RuntimeEndpoint" ("id", "machineId", "providerKey", "source", "label", "endpointBaseUrl", "authType",
         "networkScope", "probePath", "status", "leaseExpiresAt", "updatedAt")
       SELECT gen_random_uuid()::text, $1, 'prov-' || i, 'manual', 'P' || i, 'http://127.0.0.1:1', 'none', 'loopback',
              '/health', CASE WHEN i % 4 = 0 THEN 'degraded' ELSE 'active' END, now() + interval '1 day', now()
       FROM generate_series(0, 9) AS i`,
      [machine.id],
    );
    const task = (serviceType: string) =>
      post<{ id: string }>(`/machines/${machine.id}/tasks`, {
        serviceType,
        taskType: 'inference',
        operation: 'op-1',
        constraints: { region: 'eu', budget: 25, requiredCapabilities: ['gpu'] },
      });
    const [bigTask, smallTask] = await Promise.all([task('compute.marketplace'), task('storage.object')]);
    const url = (taskId: string) => `${baseUrl}/api/v1/machines/${machine.id}/tasks/${taskId}/discover`;
    await drive({ url: url(bigTask.id), method: 'POST', body: '{}', amount: 20 });
    const baseline = await drive({ url: url(smallTask.id), method: 'POST', body: '{}', amount });
    const subject = await drive({ url: url(bigTask.id), method: 'POST', body: '{}', amount });
    const sample = (await (
      await fetch(url(bigTask.id), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    ).json()) as {
      candidates: unknown[];
      excluded: unknown[];
      excludedTotal?: number;
    };
    const bytes = JSON.stringify(sample).length;
    console.log(
      `\nDiscovery over HTTP (c=1, ${amount} requests each)\n` +
        `  baseline  ${small} services      p50 ${fmt(baseline.p50)} ms  p99 ${fmt(baseline.p99)} ms  errors ${baseline.errors}\n` +
        `  subject   ${services} services  p50 ${fmt(subject.p50)} ms  p99 ${fmt(subject.p99)} ms  errors ${subject.errors}\n` +
        `  answer    ${sample.candidates.length} candidates, ${sample.excluded.length} excluded listed` +
        `${sample.excludedTotal !== undefined ? ` of ${sample.excludedTotal}` : ''}, ${bytes} bytes`,
    );
    console.log(
      `RESULT discovery services=${services} p50_ms=${fmt(subject.p50)} p99_ms=${fmt(subject.p99)} ` +
        `baseline_services=${small} baseline_p50_ms=${fmt(baseline.p50)} baseline_p99_ms=${fmt(baseline.p99)} ` +
        `errors=${subject.errors + baseline.errors} answer_bytes=${bytes}`,
    );
  } finally {
    await app.close();
    await bdb.drop();
  }
}

export async function benchDiscovery() {
  await benchScoring();
  await benchDiscoveryHttp();
}
