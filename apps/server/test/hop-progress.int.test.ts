/**
 * While an execution walks its route, the run says which hop it is on (docs/console.md "Hop
 * progress"): when a native hop's call is still running after HOP_PROGRESS_DELAY_MS, the run's
 * attempts so far are written (beside the call) and a `run.hop-started` event names the hop, so the
 * change feed and the audit log show it while the runtime answers; a hop that answers sooner writes
 * none. Two native services on a unique operation make a two-hop route; a fake runtime fails the
 * first hop and holds the second until the test lets it answer.
 */
import type { AuditEventView, RunView } from '@mm/contracts';
import { HOP_PROGRESS_DELAY_MS } from '@mm/core';
import type { RuntimeCall, RuntimePort, RuntimeResult } from '@mm/core';
import { expect, it } from 'vitest';
import { describeEachDb, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

/** `fail-late` fails after a few progress delays: long enough for the hop to report itself. */
type Behaviour = 'fail' | 'fail-late' | 'hold' | 'ok';

/** Answers by service id; a held call waits until `release()`, and `called` says who was called. */
function scriptedRuntime() {
  const behaviour = new Map<string, Behaviour>();
  const waiters: { serviceId: string; resolve: () => void }[] = [];
  let releaseHeld: (r: RuntimeResult) => void = () => undefined;
  const port: RuntimePort = {
    async invoke(call: RuntimeCall): Promise<RuntimeResult> {
      for (const w of waiters.filter((x) => x.serviceId === call.serviceId)) w.resolve();
      const b = behaviour.get(call.serviceId) ?? 'ok';
      if (b === 'fail-late') await new Promise((resolve) => setTimeout(resolve, HOP_PROGRESS_DELAY_MS * 4));
      if (b === 'fail' || b === 'fail-late') {
        return { ok: false, code: 'RUNTIME_ERROR', message: 'runtime answered 500', httpStatus: 500 };
      }
      if (b === 'hold') return new Promise<RuntimeResult>((resolve) => (releaseHeld = resolve));
      return { ok: true, result: { served: call.serviceId }, httpStatus: 200 };
    },
    probe: () => Promise.resolve({ healthy: true, httpStatus: 200, durationMs: 1 }),
  };
  return {
    port,
    set: (serviceId: string, b: Behaviour) => behaviour.set(serviceId, b),
    /** Resolves once `serviceId` is called. */
    called: (serviceId: string) => new Promise<void>((resolve) => waiters.push({ serviceId, resolve })),
    release: (r: RuntimeResult = { ok: true, result: { served: 'held' }, httpStatus: 200 }) => releaseHeld(r),
  };
}

const runtime = scriptedRuntime();

/** A machine with an `edge-agent` endpoint and a resolved task whose route has two native hops. */
async function twoHopTask(t: TestApp) {
  const op = uniq('op');
  for (const id of [`hopa-${op}`, `hopb-${op}`]) {
    await t.trpc.catalogue.upsertService({
      serviceId: id,
      skillKey: 'edge.device-control',
      providerKey: 'edge-agent',
      companyName: 'Hop test',
      serviceType: 'device.control',
      name: id,
      // A unique operation: no other suite's task matches these services (tests share a database).
      operations: [op],
      executionMode: 'native',
      integrationStatus: 'integrated',
    });
  }
  const machine = await t.trpc.machines.create({ displayName: 'Hopper', identityRef: `peaqos:machine:${uniq()}` });
  await t.trpc.runtimeEndpoints.upsert({
    machineId: machine.id,
    providerKey: 'edge-agent',
    endpointBaseUrl: 'http://127.0.0.1:9',
  });
  const task = await t.trpc.tasks.create({
    machineId: machine.id,
    serviceType: 'device.control',
    taskType: 'hop-test',
    operation: op,
    input: { command: 'wave' },
    constraints: { allowExternalHandoff: false },
  });
  const { item: route } = await t.trpc.tasks.resolve({ machineId: machine.id, taskId: task.id });
  const second = route.fallbackChain[0];
  expect(second, 'the route has a fallback hop').toBeDefined();
  return { machineId: machine.id, taskId: task.id, first: route.selectedServiceId, second: second!.serviceId };
}

async function hopEvents(t: TestApp, machineId: string): Promise<AuditEventView[]> {
  const page = await t.trpc.audit.list({ machineId, type: 'run.hop-started' });
  return page.items;
}

describeEachDb(
  'hop progress',
  (get) => {
    it('names each native hop as it is called, with the attempts before it, then settles as before', async () => {
      const t = get();
      const k = await twoHopTask(t);
      runtime.set(k.first, 'fail-late');
      runtime.set(k.second, 'hold');
      const secondCalled = runtime.called(k.second);
      const execution = t.trpc.tasks.execute({ machineId: k.machineId, taskId: k.taskId });
      await secondCalled;
      // The progress write runs beside the runtime call (it adds no latency): it lands meanwhile.
      await expect.poll(async () => (await hopEvents(t, k.machineId)).length).toBe(2);

      // Mid-walk: the run is running with the failed first attempt, and the feed's events say so.
      const events = await hopEvents(t, k.machineId);
      expect(events.map((e) => (e.payload.hop as { hop: number }).hop)).toEqual([2, 1]);
      const [now, before] = events as [AuditEventView, AuditEventView];
      expect(now.resourceType).toBe('run');
      expect(now.machineId).toBe(k.machineId);
      expect(now.payload.taskId).toBe(k.taskId);
      expect(now.payload.hop).toMatchObject({
        hop: 2,
        of: 2,
        serviceId: k.second,
        executionMode: 'native',
        providerKey: 'edge-agent',
        endpointBaseUrl: 'http://127.0.0.1:9',
      });
      expect(now.payload.hop).not.toHaveProperty('attempts');
      const runNow = now.payload.run as RunView;
      expect(runNow.status).toBe('running');
      expect(runNow.attempts.map((a) => [a.hop, a.serviceId, a.status])).toEqual([[1, k.first, 'failed']]);
      expect(before.payload.hop).toMatchObject({ hop: 1, serviceId: k.first });
      expect((before.payload.run as RunView).attempts).toEqual([]);
      const { run } = await t.trpc.tasks.getRun({ runId: now.resourceId });
      expect(run.status).toBe('running');
      expect(run.attempts).toHaveLength(1);
      // The prefix filter finds the run's whole story so far.
      const story = await t.trpc.audit.list({ resourceType: 'run', resourceId: run.id, type: 'run.*' });
      expect(story.items.map((e) => e.type)).toEqual(['run.hop-started', 'run.hop-started', 'run.started']);

      runtime.release();
      const done = await execution;
      expect(done.item.status).toBe('completed');
      expect(done.run.attempts.map((a) => [a.hop, a.status])).toEqual([
        [1, 'failed'],
        [2, 'succeeded'],
      ]);
      expect(await hopEvents(t, k.machineId)).toHaveLength(2);
    });

    it('writes no progress for hops that answer within HOP_PROGRESS_DELAY_MS; the settle records them', async () => {
      const t = get();
      const k = await twoHopTask(t);
      runtime.set(k.first, 'fail');
      runtime.set(k.second, 'ok');
      const done = await t.trpc.tasks.execute({ machineId: k.machineId, taskId: k.taskId });
      expect(done.item.status).toBe('completed');
      expect(done.run.attempts.map((a) => [a.hop, a.status])).toEqual([
        [1, 'failed'],
        [2, 'succeeded'],
      ]);
      // Past the delay: a timer left running would have written by now.
      await new Promise((resolve) => setTimeout(resolve, HOP_PROGRESS_DELAY_MS * 3));
      expect(await hopEvents(t, k.machineId)).toEqual([]);
      const story = await t.trpc.audit.list({ resourceType: 'run', resourceId: done.run.id, type: 'run.*' });
      expect(story.items.map((e) => e.type)).toEqual(['run.started']);
    });

    it('leaves a run settled meanwhile alone: no event for a later hop, its attempts not rewritten', async () => {
      const t = get();
      const k = await twoHopTask(t);
      runtime.set(k.first, 'hold');
      runtime.set(k.second, 'ok');
      const firstCalled = runtime.called(k.first);
      const execution = t.trpc.tasks.execute({ machineId: k.machineId, taskId: k.taskId });
      await firstCalled;
      await expect.poll(async () => (await hopEvents(t, k.machineId)).length).toBe(1);
      const [first] = await hopEvents(t, k.machineId);
      const runId = first!.resourceId;
      // What recovery does to a run whose claim lapsed (the pass itself would settle every running
      // run of the shared test database): settle it while the walk is still on hop 1.
      expect(
        await t.app.store.runs.settleRunning(runId, { status: 'failed', summary: 'interrupted (test)' }),
      ).not.toBeNull();
      runtime.release({ ok: false, code: 'RUNTIME_ERROR', message: 'late failure', httpStatus: 500 });
      await expect(execution).rejects.toMatchObject({ message: 'the run was settled by someone else' });

      const events = await hopEvents(t, k.machineId);
      expect(events.map((e) => (e.payload.hop as { serviceId: string }).serviceId)).toEqual([k.first]);
      const { run } = await t.trpc.tasks.getRun({ runId });
      expect(run.status).toBe('failed');
      expect(run.summary).toBe('interrupted (test)');
      expect(run.attempts).toEqual([]);
    });
  },
  { runtime: runtime.port },
);
