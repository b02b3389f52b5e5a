/**
 * The task lifecycle over HTTP — create, discover, resolve, execute — against the fake
 * OpenAI-compatible runtime on loopback (BENCH_LIFECYCLE_TASKS tasks, one at a time). Baseline in
 * the same run: the runtime called directly, the request execute makes. Overhead = a call's p50
 * minus the direct call's p50 (execute's includes its runtime call, so that is subtracted).
 */
import { startFakeRuntime } from '@mm/fake-runtime';
import { createBenchDatabase, envInt, fmt, quantile, startBenchApp, timeMs } from './db.ts';

export async function benchLifecycle(): Promise<void> {
  const tasks = envInt('BENCH_LIFECYCLE_TASKS', 200);
  const runtime = await startFakeRuntime();
  const bdb = await createBenchDatabase('lifecycle');
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
    const direct: number[] = [];
    const chat = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }] });
    for (let i = 0; i < tasks + 10; i++) {
      const warm = i < 10;
      const push = (k: keyof typeof times, ms: number) => (warm ? undefined : times[k].push(ms));
      let taskId = '';
      push(
        'create',
        await timeMs(async () => {
          taskId = (
            await call('POST', `/machines/${machine.id}/tasks`, {
              serviceType: 'compute.marketplace',
              taskType: 'inference',
              operation: 'run-private-inference',
              input: { messages: [{ role: 'user', content: 'hello' }] },
            })
          ).item.id;
        }),
      );
      const t = `/machines/${machine.id}/tasks/${taskId}`;
      push('discover', await timeMs(() => call('POST', `${t}/discover`)));
      push('resolve', await timeMs(() => call('POST', `${t}/resolve`)));
      push('execute', await timeMs(() => call('POST', `${t}/execute`)));
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
    const overhead = Math.max(p50.create, p50.discover, p50.resolve, p50.execute - directP50);
    console.log(
      `\nLifecycle over HTTP, ${tasks} tasks (p50 ms): create ${fmt(p50.create)}, discover ${fmt(p50.discover)}, ` +
        `resolve ${fmt(p50.resolve)}, execute ${fmt(p50.execute)}; runtime direct ${fmt(directP50)}`,
    );
    console.log(
      `RESULT lifecycle overhead_p50_ms=${fmt(overhead)} execute_overhead_p50_ms=${fmt(p50.execute - directP50)} ` +
        `direct_p50_ms=${fmt(directP50)} create_p50_ms=${fmt(p50.create)} discover_p50_ms=${fmt(p50.discover)} ` +
        `resolve_p50_ms=${fmt(p50.resolve)} execute_p50_ms=${fmt(p50.execute)}`,
    );
  } finally {
    await app.close();
    await bdb.drop();
    await runtime.close();
  }
}
