/**
 * Discover's and resolve's one-statement read (`discovery.read`, packages/db/src/repos/discovery.ts;
 * docs/api.md "Discovery at catalogue scale") against the reads it replaced: the same machine
 * fields, task, endpoints and policies, field for field; the process's copy of the catalogue only
 * at the version the statement read; and over HTTP the guard's errors in the guard's order, the
 * same as the routes that still run the full guard (GET task) answer, with identity verification
 * on (its own route) and off.
 */
import type { MachineView } from '@mm/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { parseEnv } from '../src/env.ts';
import { describeEachDb, json, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KEYS = { alice: 'alice-key-0123456789', bob: 'bob-key-0123456789', root: 'root-key-0123456789' };
type Who = keyof typeof KEYS;

async function call(t: TestApp, who: Who, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) {
  return t.inject({ method, url, headers: { 'x-api-key': KEYS[who] }, ...(payload && { payload }) });
}

function created(res: LightMyRequestResponse): Json {
  expect([200, 201], res.body).toContain(res.statusCode);
  return json<{ item: Json }>(res).item;
}

/** The error as the client sees it, without what differs per request. */
function errorOf(res: LightMyRequestResponse) {
  const { error } = json<{ error: Json }>(res);
  return { status: res.statusCode, code: error.code, message: error.message, details: error.details };
}

async function machine(t: TestApp, who: Who, policyIds: string[] = []): Promise<string> {
  const m = created(
    await call(t, who, 'POST', '/api/v1/machines', { displayName: 'Read', identityRef: `peaqos:machine:${uniq()}` }),
  );
  if (policyIds.length) created(await call(t, who, 'PATCH', `/api/v1/machines/${m.id}`, { policyIds }));
  return m.id as string;
}

async function task(t: TestApp, who: Who, machineId: string, operation?: string): Promise<string> {
  const k = created(
    await call(t, who, 'POST', `/api/v1/machines/${machineId}/tasks`, {
      serviceType: 'compute.marketplace',
      taskType: 'inference',
      ...(operation && { operation }),
      constraints: { region: 'eu', budget: 25 },
    }),
  );
  return k.id as string;
}

describeEachDb(
  'discovery read: one statement, the same reads, the same guard',
  (get) => {
    it('reads what the separate reads read, for every machine and task combination', async () => {
      const t = get();
      const { store } = t.app;
      const capped = created(
        await call(t, 'alice', 'POST', '/api/v1/policies', {
          name: 'Capped',
          deniedSkillKeys: ['x'],
          budgetCap: { amount: 30, currency: 'USD' },
          regionRules: ['eu', 'global'],
          requiredCapabilities: ['llm'],
        }),
      );
      const plain = created(await call(t, 'alice', 'POST', '/api/v1/policies', { name: 'Plain' }));
      const m = await machine(t, 'alice', [plain.id, capped.id]);
      const bare = await machine(t, 'alice');
      created(
        await call(t, 'alice', 'PUT', `/api/v1/machines/${m}/runtime-endpoints/qvac`, {
          endpointBaseUrl: 'http://127.0.0.1:9',
          authType: 'bearer',
          authToken: 'secret-token-0123456789',
          modelAlias: 'm1',
        }),
      );
      created(
        await call(t, 'alice', 'PUT', `/api/v1/machines/${m}/runtime-endpoints/other`, {
          endpointBaseUrl: 'http://127.0.0.1:10',
          status: 'degraded',
          leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
        }),
      );
      // Timestamps the routes do not set, with milliseconds.
      await t.app.db.prisma.$executeRawUnsafe(
        `UPDATE "RuntimeEndpoint" SET "lastCheckedAt" = now(), "lastHealthyAt" = now() - interval '1.234 seconds'
         WHERE "machineId" = $1 AND "providerKey" = 'qvac'`,
        m,
      );
      const withOp = await task(t, 'alice', m, 'run-private-inference');
      const noOp = await task(t, 'alice', m);
      const onBare = await task(t, 'alice', bare);
      created(await call(t, 'alice', 'PATCH', `/api/v1/machines/${bare}`, { status: 'draft' }));

      const separately = async (machineId: string, taskId: string) => {
        const found: MachineView | null = await store.machines.get(machineId);
        return {
          machine: found && {
            id: found.id,
            status: found.status,
            ownerId: found.ownerId,
            policyIds: found.policyIds,
          },
          task: await store.tasks.get(machineId, taskId),
          endpoints: found ? await store.endpoints.listAll(machineId) : [],
          policies: found ? await store.policies.getMany(found.policyIds) : [],
        };
      };
      const cases: [string, string][] = [
        [m, withOp],
        [m, noOp],
        [m, onBare], // a task of another machine
        [m, 'no-such-task'],
        [bare, onBare], // a draft machine: the guard refuses it, the read still answers
        ['no-such-machine', withOp],
        ['no-such-machine', 'no-such-task'],
      ];
      for (const [machineId, taskId] of cases) {
        const { services: _services, ...read } = await store.discovery.read(machineId, taskId);
        expect(read, `${machineId} ${taskId}`).toEqual(await separately(machineId, taskId));
      }
      const read = await store.discovery.read(m, withOp);
      expect(read.policies.map((p) => p.id)).toEqual([capped.id, plain.id]);
      expect(read.endpoints.find((e) => e.providerKey === 'qvac')).toMatchObject({ hasAuthToken: true });
      expect(JSON.stringify(read)).not.toContain('secret-token');
    });

    it('hands over the copy of the catalogue only at the version its statement read', async () => {
      const t = get();
      const { store } = t.app;
      const m = await machine(t, 'alice');
      const k = await task(t, 'alice', m);
      const services = await store.catalogue.servicesOfType('compute.marketplace');
      expect(services.length).toBeGreaterThan(0);
      expect((await store.discovery.read(m, k)).services).toBe(services);
      // Any write to the catalogue moves its version (a statement trigger), even one that changes nothing.
      await t.app.db.prisma.$executeRawUnsafe(
        `UPDATE "MarketService" SET "description" = "description" WHERE "id" = $1`,
        services[0]?.id,
      );
      expect((await store.discovery.read(m, k)).services).toBeNull();
      // Discover reads the type again, and the copy is handed over again at the new version.
      expect((await call(t, 'alice', 'POST', `/api/v1/machines/${m}/tasks/${k}/discover`, {})).statusCode).toBe(200);
      const again = await store.discovery.read(m, k);
      expect(again.services).not.toBeNull();
      expect(again.services).toEqual(services);
      // No task: nothing to hand over.
      expect((await store.discovery.read(m, 'no-such-task')).services).toBeNull();
    });

    it('answers the guard errors of the full guard, in its order, on discover and resolve', async () => {
      const t = get();
      const m = await machine(t, 'alice');
      const other = await machine(t, 'alice');
      const draft = await machine(t, 'alice');
      const k = await task(t, 'alice', m);
      const onOther = await task(t, 'alice', other);
      const onDraft = await task(t, 'alice', draft);
      created(await call(t, 'alice', 'PATCH', `/api/v1/machines/${draft}`, { status: 'draft' }));
      const cases: { who: Who; machineId: string; taskId: string; expect: [number, string] }[] = [
        { who: 'alice', machineId: 'no-such-machine', taskId: 'no-such-task', expect: [404, 'NOT_FOUND'] },
        { who: 'bob', machineId: m, taskId: k, expect: [404, 'NOT_FOUND'] },
        { who: 'bob', machineId: m, taskId: 'no-such-task', expect: [404, 'NOT_FOUND'] },
        { who: 'bob', machineId: draft, taskId: onDraft, expect: [404, 'NOT_FOUND'] },
        { who: 'alice', machineId: draft, taskId: onDraft, expect: [409, 'MACHINE_NOT_ACTIVE'] },
        { who: 'alice', machineId: draft, taskId: 'no-such-task', expect: [409, 'MACHINE_NOT_ACTIVE'] },
        { who: 'alice', machineId: m, taskId: 'no-such-task', expect: [404, 'NOT_FOUND'] },
        { who: 'alice', machineId: m, taskId: onOther, expect: [404, 'NOT_FOUND'] },
      ];
      for (const c of cases) {
        const base = `/api/v1/machines/${c.machineId}/tasks/${c.taskId}`;
        const guard = errorOf(await call(t, c.who, 'GET', base));
        expect([guard.status, guard.code], JSON.stringify(c)).toEqual(c.expect);
        for (const action of ['discover', 'resolve']) {
          const res = await call(t, c.who, 'POST', `${base}/${action}`, {});
          expect(errorOf(res), `${action} ${JSON.stringify(c)}`).toEqual(guard);
        }
      }
      // The administrator sees every owner's machine; the owner discovers and resolves.
      expect((await call(t, 'root', 'POST', `/api/v1/machines/${m}/tasks/${k}/discover`, {})).statusCode).toBe(200);
      expect((await call(t, 'alice', 'POST', `/api/v1/machines/${m}/tasks/${k}/discover`, {})).statusCode).toBe(200);
      expect((await call(t, 'alice', 'POST', `/api/v1/machines/${m}/tasks/${k}/resolve`, {})).statusCode).toBe(201);

      // With identity verification required, the full guard's route: a machine without a proof is
      // refused with 403 MACHINE_NOT_ACTIVATED after the 404 and the 409, as GET answers.
      const verifying = await buildApp({
        env: parseEnv({
          MM_SECRET_KEY: '0'.repeat(63) + '1',
          LOG_LEVEL: 'silent',
          PEAQOS_MACHINE_IDENTITY_VERIFICATION: 'required',
        }),
        db: t.app.db,
        workers: false,
        logger: false,
      });
      try {
        await verifying.fastify.ready();
        const v = (method: 'GET' | 'POST', url: string) =>
          verifying.fastify.inject({ method, url, ...(method === 'POST' && { payload: {} }) });
        const required: [string, string, number, string][] = [
          ['no-such-machine', k, 404, 'NOT_FOUND'],
          [draft, onDraft, 409, 'MACHINE_NOT_ACTIVE'],
          [m, k, 403, 'MACHINE_NOT_ACTIVATED'],
          [m, 'no-such-task', 403, 'MACHINE_NOT_ACTIVATED'],
        ];
        for (const [machineId, taskId, status, code] of required) {
          const base = `/api/v1/machines/${machineId}/tasks/${taskId}`;
          const guard = errorOf(await v('GET', base));
          expect([guard.status, guard.code]).toEqual([status, code]);
          for (const action of ['discover', 'resolve']) {
            expect(errorOf(await v('POST', `${base}/${action}`)), `${action} ${machineId}`).toEqual(guard);
          }
        }
      } finally {
        await verifying.close();
      }
    });
  },
  {
    env: {
      PEAQOS_REQUIRE_API_AUTH: 'true',
      MM_API_KEYS: `alice:${KEYS.alice},bob:${KEYS.bob},root:${KEYS.root}`,
      MM_ADMIN_KEY_OWNERS: 'root',
    },
  },
);
