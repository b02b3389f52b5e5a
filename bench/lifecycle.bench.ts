/**
 * The task lifecycle over HTTP — create, discover, resolve, execute — against the fake
 * OpenAI-compatible runtime on loopback (BENCH_LIFECYCLE_TASKS tasks, one at a time). Baseline in
 * the same run: the runtime called directly, the request execute makes. A call's overhead = its
 * p50 minus the direct call's p50, for each of the four (issue 11: "overhead … over the direct
 * runtime call"; bench/README.md). It also counts the statements each call sends to PostgreSQL
 * (BEGIN and COMMIT included: every one is a round trip), which load on the machine does not change.
 */
import { startFakeRuntime } from '@mm/fake-runtime';
import pg from 'pg';
import { createBenchDatabase, envInt, fmt, quantile, startBenchApp, timeMs } from './db.ts';

/** Counts every query a `pg` client sends (the server's pool and this bench's own). */
function countStatements(): { readonly n: number } {
  const counter = { n: 0 };
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    counter.n += 1;
    return original.apply(this, args);
  };
  return counter;
}

export async function benchLifecycle(): Promise<void> {
  const tasks = envInt('BENCH_LIFECYCLE_TASKS', 200);
  const runtime = await startFakeRuntime();
  const bdb = await createBenchDatabase('lifecycle');
  const counter = countStatements();
  const { app, baseUrl } = await startBenchApp(bdb.url);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as { item: { id: string } };
  };
  try {
    const machine = (await call('POST', '/machines', { displayName: 'L', identityRef: 'peaqos:machine:lifecycle' }))
      .item;
    await call('PUT', `/machines/${machine.id}/runtime-endpoints/qvac`, { endpointBaseUrl: runtime.url });
    const times = {
      create: [] as number[],
      discover: [] as number[],
      resolve: [] as number[],
      execute: [] as number[],
    };
    const statements = {
      create: [] as number[],
      discover: [] as number[],
      resolve: [] as number[],
      execute: [] as number[],
    };
    const direct: number[] = [];
    const chat = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }] });
    for (let i = 0; i < tasks + 10; i++) {
      const warm = i < 10;
      const measure = async (k: keyof typeof times, fn: () => Promise<unknown>) => {
        const before = counter.n;
        const ms = await timeMs(fn);
        if (warm) return;
        times[k].push(ms);
        statements[k].push(counter.n - before);
      };
      let taskId = '';
      await measure('create', async () => {
        taskId = (
          await call('POST', `/machines/${machine.id}/tasks`, {
            serviceType: 'compute.marketplace',
            taskType: 'inference',
            operation: 'run-private-inference',
            input: { messages: [{ role: 'user', content: 'hello' }] },
          })
        ).item.id;
      });
      const t = `/machines/${machine.id}/tasks/${taskId}`;
      await measure('discover', () => call('POST', `${t}/discover`));
      await measure('resolve', () => call('POST', `${t}/resolve`));
      await measure('execute', () => call('POST', `${t}/execute`));
      const d = await timeMs(async () => {
        const res = await fetch(`${runtime.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: chat,
        });
        await res.arrayBuffer();
      });
      if (!warm) direct.push(d);
    }
    const directP50 = quantile(direct, 0.5);
    const p50 = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, quantile(v, 0.5)])) as Record<
      keyof typeof times,
      number
    >;
    // Every call's overhead over the direct runtime call (bench/README.md "Lifecycle overhead").
    const over = Object.fromEntries(Object.entries(p50).map(([k, v]) => [k, v - directP50])) as typeof p50;
    const overhead = Math.max(over.create, over.discover, over.resolve, over.execute);
    const stmts = Object.fromEntries(Object.entries(statements).map(([k, v]) => [k, quantile(v, 0.5)])) as typeof p50;
    console.log(
      `\nLifecycle over HTTP, ${tasks} tasks (p50 ms): create ${fmt(p50.create)}, discover ${fmt(p50.discover)}, ` +
        `resolve ${fmt(p50.resolve)}, execute ${fmt(p50.execute)}; runtime direct ${fmt(directP50)}`,
    );
    console.log(
      `Statements per call (median, BEGIN/COMMIT included): create ${stmts.create}, discover ${stmts.discover}, ` +
        `resolve ${stmts.resolve}, execute ${stmts.execute}`,
    );
    console.log(
      `RESULT lifecycle overhead_p50_ms=${fmt(overhead)} execute_overhead_p50_ms=${fmt(over.execute)} ` +
        `direct_p50_ms=${fmt(directP50)} create_overhead_p50_ms=${fmt(over.create)} ` +
        `discover_overhead_p50_ms=${fmt(over.discover)} resolve_overhead_p50_ms=${fmt(over.resolve)} ` +
        `create_p50_ms=${fmt(p50.create)} discover_p50_ms=${fmt(p50.discover)} ` +
        `resolve_p50_ms=${fmt(p50.resolve)} execute_p50_ms=${fmt(p50.execute)} ` +
        `create_statements=${stmts.create} discover_statements=${stmts.discover} ` +
        `resolve_statements=${stmts.resolve} execute_statements=${stmts.execute}`,
    );
  } finally {
    await app.close();
    await bdb.drop();
    await runtime.close();
  }
}
