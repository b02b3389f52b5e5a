/**
 * Crash and graceful stop with real server processes (context C1), run on the embedded database
 * (crash.pglite.int.test.ts) and on PostgreSQL (crash.postgresql.int.test.ts). A task executes against a fake runtime that answers slowly; the server is SIGKILLed
 * while the task is `executing` and restarted on the same data: the run is settled once as
 * failed/interrupted (at start on the embedded database, once the claim lapsed on PostgreSQL) and
 * the task runs again. Then SIGTERM during an execution: the request still answers 200, the
 * process exits 0, and after a restart nothing is left `executing`.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AuditEventView, OutcomeView, RunView, TaskView } from '@mm/contracts';
import { startFakeRuntime } from '@mm/fake-runtime';
import type { FakeRuntime } from '@mm/fake-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminClient, call, createDatabase, freePort, startServer, uniqueName, waitFor } from './processes.ts';
import type { ServerDb, ServerProcess, ThrowawayDb } from './processes.ts';

/** Per-attempt timeout: a claim lapses hops × 3 s + 5 s margin after it was taken. */
const RUNTIME_TIMEOUT_MS = 3_000;
const CLAIM_MARGIN_MS = 5_000;
const RECOVERY_INTERVAL_MS = 300;

/** The suite on one database; each database has its own file, so each stays well under 90 s. */
export function crashSuite(kind: 'pglite' | 'postgresql') {
  const skip = kind === 'postgresql' && !inject('pgUrl');
  (skip ? describe.skip : describe)(`crash and graceful stop with real processes [${kind}]`, () => {
    let dir: string;
    let pgDb: ThrowawayDb | undefined;
    let db: ServerDb;
    let port: number;
    let server: ServerProcess | undefined;
    let runtime: FakeRuntime;
    let machineId: string;
    let base: string;

    const start = async (name: string) => {
      server = await startServer({
        name,
        port,
        db,
        env: {
          MM_RUNTIME_TIMEOUT_MS: String(RUNTIME_TIMEOUT_MS),
          MM_RECOVERY_INTERVAL_MS: String(RECOVERY_INTERVAL_MS),
        },
      });
      base = server.base;
      return server;
    };
    const api = <T>(method: string, url: string, body?: unknown) => call<T>(base, method, url, body);
    const getTask = async (taskId: string) =>
      (await api<{ item: TaskView }>('GET', `/machines/${machineId}/tasks/${taskId}`)).body.item;
    const runsOf = async (taskId: string) =>
      (await api<{ items: RunView[] }>('GET', `/runs?machineId=${machineId}&taskId=${taskId}`)).body.items;
    const auditOf = async (type: string, taskId: string) =>
      (
        await api<{ items: AuditEventView[] }>(
          'GET',
          `/audit-events?type=${type}&resourceType=task&resourceId=${taskId}`,
        )
      ).body.items;
    const chatRequests = () => runtime.requests.filter((r) => r.path === '/v1/chat/completions').length;

    /** A resolved task routed to the machine's qvac endpoint (README "Try it from a shell"). */
    const resolvedTask = async (content: string) => {
      const created = await api<{ item: TaskView }>('POST', `/machines/${machineId}/tasks`, {
        serviceType: 'compute.marketplace',
        taskType: 'inference',
        operation: 'run-private-inference',
        input: { messages: [{ role: 'user', content }] },
      });
      expect(created.status).toBe(201);
      const resolved = await api<{ item: { fallbackChain: unknown[] } }>(
        'POST',
        `/machines/${machineId}/tasks/${created.body.item.id}/resolve`,
      );
      expect(resolved.status).toBe(201);
      // The qvac endpoint, then the catalogue's handoff fallback: the claim's bound counts both hops.
      return { taskId: created.body.item.id, hops: 1 + resolved.body.item.fallbackChain.length };
    };

    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), `mm-crash-${kind}-`));
      if (kind === 'postgresql') {
        pgDb = await createDatabase('mm_crash');
        db = { kind, url: pgDb.url };
      } else {
        db = { kind, dataDir: path.join(dir, 'data') };
      }
      port = await freePort();
      runtime = await startFakeRuntime({ mode: 'ok' });
      await start(`server-${kind}-1`);
      const m = await api<{ item: { id: string } }>('POST', '/machines', {
        displayName: `Crash rover ${kind}`,
        identityRef: `peaqos:machine:${uniqueName(`crash-${kind}`)}`,
      });
      expect(m.status).toBe(201);
      machineId = m.body.item.id;
      const ep = await api('PUT', `/machines/${machineId}/runtime-endpoints/QVAC`, {
        endpointBaseUrl: runtime.url,
      });
      expect(ep.status).toBe(201);
    });

    afterAll(async () => {
      await server?.child.stop('SIGKILL', 1_000);
      await runtime?.close();
      await pgDb?.drop();
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('a SIGKILL mid-execution is settled once as failed/interrupted after a restart; the task runs again', async () => {
      const { taskId, hops } = await resolvedTask('crash me');
      const boundMs = hops * RUNTIME_TIMEOUT_MS + CLAIM_MARGIN_MS;
      runtime.setMode('slow');
      runtime.setSlowMs(60_000);
      const before = chatRequests();
      const claimedAt = Date.now();
      const pending = api('POST', `/machines/${machineId}/tasks/${taskId}/execute`).then(
        (r) => r,
        (err: unknown) => err,
      );
      await waitFor('the task to be executing', async () => (await getTask(taskId)).status === 'executing', 5_000, 25);
      await waitFor('the runtime to receive the call', () => chatRequests() > before, 5_000, 25);
      const killedAt = Date.now();
      // Killed well inside the attempt's timeout: the walk is in flight, nothing settled it.
      expect(killedAt - claimedAt).toBeLessThan(RUNTIME_TIMEOUT_MS);
      expect(await server!.child.stop('SIGKILL')).toBe(-1);
      expect(await pending).toBeInstanceOf(Error);

      let leaseExpiresAt: number | null = null;
      if (pgDb) {
        const c = await adminClient(pgDb.name);
        try {
          const { rows } = await c.query<{ status: string; leaseExpiresAt: Date }>(
            `SELECT status, "leaseExpiresAt" FROM "Run" WHERE "taskId" = $1`,
            [taskId],
          );
          expect(rows).toHaveLength(1);
          expect(rows[0]!.status).toBe('running');
          leaseExpiresAt = rows[0]!.leaseExpiresAt.getTime();
          // The claim's bound: hops × the runtime timeout + 5 s, from when it was taken.
          expect(leaseExpiresAt - claimedAt).toBeGreaterThanOrEqual(boundMs - 1_000);
          expect(leaseExpiresAt - killedAt).toBeLessThanOrEqual(boundMs + 1_000);
        } finally {
          await c.end();
        }
      }

      runtime.setMode('ok');
      const restarted = await start(`server-${kind}-2`);
      let task: TaskView;
      if (kind === 'pglite') {
        // The embedded database has one process by construction: recovery ran before it listened.
        task = await getTask(taskId);
        expect(
          restarted.logs().find((l) => l.msg === 'settled executions interrupted by an earlier stop'),
        ).toMatchObject({ runs: 1 });
      } else {
        // PostgreSQL may be shared: the run is settled only once its claim lapsed.
        task = await waitFor(
          'the lapsed run to be recovered',
          async () => {
            const t = await getTask(taskId);
            return t.status === 'failed' ? t : undefined;
          },
          boundMs + 15_000,
          100,
        );
      }
      expect(task.status).toBe('failed');
      const runs = await runsOf(taskId);
      expect(runs).toHaveLength(1);
      expect(runs[0]!.status).toBe('failed');
      const got = await api<{ run: RunView; outcome: OutcomeView | null }>('GET', `/runs/${runs[0]!.id}`);
      expect(got.body.outcome).toMatchObject({ status: 'failed', errorCode: 'RUNTIME_ERROR', taskId });
      expect(got.body.outcome!.errorMessage).toMatch(/interrupted/);
      expect(task.outcomeId).toBe(got.body.outcome!.id);

      const failed = await auditOf('task.failed', taskId);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.payload).toMatchObject({ reason: 'interrupted' });
      if (leaseExpiresAt !== null) {
        // Not a moment before the claim lapsed: another live process could still have been walking it.
        expect(Date.parse(failed[0]!.createdAt)).toBeGreaterThanOrEqual(leaseExpiresAt);
      }
      // Later recovery passes leave it alone.
      await new Promise((r) => setTimeout(r, RECOVERY_INTERVAL_MS * 4));
      expect(await auditOf('task.failed', taskId)).toHaveLength(1);

      const again = await api<{ item: OutcomeView; run: RunView }>(
        'POST',
        `/machines/${machineId}/tasks/${taskId}/execute`,
      );
      expect(again.status).toBe(200);
      expect(again.body.item).toMatchObject({ status: 'completed', taskId });
      expect(again.body.run.status).toBe('completed');
      expect((await getTask(taskId)).status).toBe('completed');
      expect((await runsOf(taskId)).map((r) => r.status).sort()).toEqual(['completed', 'failed']);
      expect(await auditOf('task.failed', taskId)).toHaveLength(1);
      expect(await auditOf('task.executed', taskId)).toHaveLength(1);
    });

    it('SIGTERM lets the execution in flight answer 200, exits 0, and leaves nothing executing', async () => {
      const { taskId } = await resolvedTask('drain me');
      // Slower than it takes to send the signal, well within the attempt's timeout.
      const slowMs = 2_000;
      runtime.setMode('slow');
      runtime.setSlowMs(slowMs);
      const before = chatRequests();
      const sentAt = Date.now();
      const pending = api<{ item: OutcomeView; run: RunView }>(
        'POST',
        `/machines/${machineId}/tasks/${taskId}/execute`,
      );
      await waitFor('the runtime to receive the call', () => chatRequests() > before, 5_000, 25);
      const srv = server!;
      srv.child.proc.kill('SIGTERM');
      const answer = await pending;
      const answeredAt = Date.now();
      expect(answer.status).toBe(200);
      expect(answer.body.item).toMatchObject({ status: 'completed', taskId });
      expect(answeredAt - sentAt).toBeGreaterThanOrEqual(slowMs - 100);
      // Exit 0 within the drain, not 1 at the forced deadline (a keep-alive connection held it open).
      expect(await srv.exited).toBe(0);
      expect(Date.now() - answeredAt).toBeLessThan(5_000);
      const logs = srv.logs();
      expect(logs.find((l) => l.msg.startsWith('shutting down'))).toMatchObject({
        signal: 'SIGTERM',
        executionsInFlight: 1,
      });
      expect(logs.some((l) => l.msg === 'stopped')).toBe(true);
      expect(logs.filter((l) => l.level >= 50)).toEqual([]);

      runtime.setMode('ok');
      const restarted = await start(`server-${kind}-3`);
      expect(restarted.logs().some((l) => l.msg === 'settled executions interrupted by an earlier stop')).toBe(false);
      expect((await getTask(taskId)).status).toBe('completed');
      expect((await runsOf(taskId)).map((r) => r.status)).toEqual(['completed']);
      const running = await api<{ items: RunView[] }>('GET', `/runs?machineId=${machineId}&status=running`);
      expect(running.body.items).toEqual([]);
      expect(await auditOf('task.executed', taskId)).toHaveLength(1);
      expect(await auditOf('task.failed', taskId)).toHaveLength(0);
    });
  });
}
