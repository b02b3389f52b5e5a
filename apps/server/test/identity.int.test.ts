/**
 * Machine identity verification (context A3, B2, B9 "Machine guard") with
 * PEAQOS_MACHINE_IDENTITY_VERIFICATION=required: the local registry, EIP-191 challenges, verified
 * machine creation and its error codes.
 */
import { randomBytes } from 'node:crypto';
import type { AuditEventView, IdentityChallengeView, IdentityControllerView, MachineView } from '@mm/contracts';
import { addressOfPrivateKey, signPersonalMessage } from '@mm/core';
import type { Clock } from '@mm/core';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { parseEnv } from '../src/env.ts';
import { describeEachDb, json, uniq } from './harness.ts';
import type { TestApp } from './harness.ts';

type ErrorBody = { error: { code: string; message: string; details?: { fields?: Record<string, string> } } };

/** The services' clock; a test moves it forward and puts it back. */
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

function newKey() {
  const privateKey = `0x${randomBytes(32).toString('hex')}`;
  return { privateKey, address: addressOfPrivateKey(privateKey) };
}

const ref = () => `peaqos:machine:${uniq()}`;

async function register(t: TestApp, identityRef: string, addresses: string[]) {
  return t.inject({
    method: 'PUT',
    url: `/api/v1/machine-identity/registry/${identityRef}`,
    payload: { controllerAddresses: addresses },
  });
}

async function challenge(t: TestApp, identityRef: string): Promise<IdentityChallengeView> {
  const res = await t.inject({ method: 'POST', url: '/api/v1/machine-identity/challenges', payload: { identityRef } });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ item: IdentityChallengeView }>(res).item;
}

const createMachine = (t: TestApp, payload: Record<string, unknown>) =>
  t.inject({ method: 'POST', url: '/api/v1/machines', payload: { displayName: 'Arm', ...payload } });

/** A registered identity, its controller key and a signed, unused challenge. */
async function provenIdentity(t: TestApp) {
  const identityRef = ref();
  const key = newKey();
  expect((await register(t, identityRef, [key.address])).statusCode).toBe(201);
  const c = await challenge(t, identityRef);
  return {
    identityRef,
    key,
    c,
    proof: { challengeId: c.challengeId, signature: signPersonalMessage(c.message, key.privateKey) },
  };
}

function expectError(res: { statusCode: number; body: string }, status: number, code: string): ErrorBody['error'] {
  expect(res.statusCode, res.body).toBe(status);
  const { error } = json<ErrorBody>(res);
  expect(error.code).toBe(code);
  return error;
}

async function trpcError(call: Promise<unknown>): Promise<TRPCError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
  throw new Error('expected the tRPC call to fail');
}

describeEachDb(
  'machine identity (verification required)',
  (get) => {
    it('registers a controller, issues a challenge and creates an active, verified machine from its signature', async () => {
      const t = get();
      const identityRef = `did:peaq:0x${randomBytes(20).toString('hex')}`;
      const key = newKey();
      const other = newKey();

      const put = await register(t, identityRef, [key.address.toUpperCase().replace('0X', '0x'), other.address]);
      expect(put.statusCode, put.body).toBe(201);
      const entry = json<{ item: IdentityControllerView }>(put).item;
      expect(entry).toMatchObject({
        identityRef,
        controllerAddresses: [key.address, other.address],
        source: 'local-registry',
      });
      const read = await t.inject({ url: `/api/v1/machine-identity/registry/${identityRef}` });
      expect(read.statusCode).toBe(200);
      expect(json<{ item: IdentityControllerView }>(read).item).toEqual(entry);

      const before = Date.now();
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/machine-identity/challenges',
        payload: { identityRef },
      });
      expect(res.statusCode, res.body).toBe(201);
      // An ItemResponse, as the published machines page and both SDK pages read it (context A3, corrected).
      expect(Object.keys(json(res))).toEqual(['item']);
      const c = json<{ item: IdentityChallengeView }>(res).item;
      expect(Object.keys(c).sort()).toEqual(
        ['challengeId', 'controllerAddresses', 'expiresAt', 'identityRef', 'message', 'verificationMethod'].sort(),
      );
      expect(c).toMatchObject({
        identityRef,
        verificationMethod: 'eip191',
        controllerAddresses: [key.address, other.address],
      });
      const ttl = new Date(c.expiresAt).getTime() - before;
      expect(ttl).toBeGreaterThan(4.9 * 60_000);
      expect(ttl).toBeLessThanOrEqual(5 * 60_000 + 5_000);
      expect(c.message).toContain(identityRef);
      expect(c.message).toContain(c.challengeId);
      expect(c.message).toContain(c.expiresAt);
      expect(c.message).toMatch(/Nonce: [0-9a-f]{32}\b/);
      const again = await challenge(t, identityRef);
      expect(again.message.match(/Nonce: (\w+)/)?.[1]).not.toBe(c.message.match(/Nonce: (\w+)/)?.[1]);

      const created = await createMachine(t, {
        identityRef,
        identityProof: { challengeId: c.challengeId, signature: signPersonalMessage(c.message, key.privateKey) },
      });
      expect(created.statusCode, created.body).toBe(201);
      const machine = json<{ item: MachineView }>(created).item;
      expect(machine.status).toBe('active');
      expect(machine.identityProof).toEqual({
        method: 'eip191',
        identityRef,
        signerAddress: key.address,
        challengeId: c.challengeId,
        verifiedAt: expect.any(String),
        challengeExpiresAt: c.expiresAt,
        controllerAddresses: [key.address, other.address],
        resolutionSource: 'local-registry',
      });
      expect(new Date(machine.identityProof?.verifiedAt ?? '').getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(await t.trpc.machines.get({ machineId: machine.id })).toEqual(machine);
      // A verified machine passes the machine guard.
      expect((await t.inject({ url: `/api/v1/machines/${machine.id}/tasks` })).statusCode).toBe(200);
    });

    it('replaces a registry entry with 200, lowercases and de-duplicates addresses, and 404s an unknown identity', async () => {
      const t = get();
      const identityRef = ref();
      const a = newKey().address;
      expect((await register(t, identityRef, [a])).statusCode).toBe(201);
      const b = newKey().address;
      const res = await register(t, identityRef, [b.toUpperCase().replace('0X', '0x'), b]);
      expect(res.statusCode, res.body).toBe(200);
      expect(json<{ item: IdentityControllerView }>(res).item.controllerAddresses).toEqual([b]);
      expectError(await t.inject({ url: `/api/v1/machine-identity/registry/${ref()}` }), 404, 'NOT_FOUND');
    });

    it.each([[['0x1234']], [['1234567890123456789012345678901234567890']], [[`0x${'g'.repeat(40)}`]], [[]], ['0xabc']])(
      'refuses controllerAddresses %j with 400 naming the field',
      async (controllerAddresses) => {
        const res = await get().inject({
          method: 'PUT',
          url: `/api/v1/machine-identity/registry/${ref()}`,
          payload: { controllerAddresses },
        });
        const error = expectError(res, 400, 'VALIDATION_ERROR');
        expect(Object.keys(error.details?.fields ?? {}).join()).toContain('controllerAddresses');
      },
    );

    it('refuses a malformed identityRef on every identity route with 400', async () => {
      const t = get();
      const bad = 'not-an-identity';
      expectError(await t.inject({ url: `/api/v1/machine-identity/registry/${bad}` }), 400, 'VALIDATION_ERROR');
      expectError(await register(t, bad, [newKey().address]), 400, 'VALIDATION_ERROR');
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/machine-identity/challenges',
        payload: { identityRef: bad },
      });
      expect(json<ErrorBody>(res).error.details?.fields).toHaveProperty('identityRef');
      expectError(res, 400, 'VALIDATION_ERROR');
    });

    it('answers 404 NOT_FOUND for an identity the resolver does not know (context C9)', async () => {
      const t = get();
      const identityRef = ref();
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/machine-identity/challenges',
        payload: { identityRef },
      });
      const error = expectError(res, 404, 'NOT_FOUND');
      expect(error.message).toContain(identityRef);
      const err = await trpcError(t.trpc.identity.createChallenge({ identityRef }));
      expect(err.code).toBe('NOT_FOUND');
    });

    it('re-verifies a machine on reads, updates and every orchestration route once its controller rotates', async () => {
      const t = get();
      const { identityRef, proof } = await provenIdentity(t);
      const machine = json<{ item: MachineView }>(await createMachine(t, { identityRef, identityProof: proof })).item;
      const id = machine.id;
      const listed = async () => {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = json<{ items: MachineView[]; nextCursor?: string }>(
            await t.inject({ url: `/api/v1/machines?limit=500${cursor ? `&cursor=${cursor}` : ''}` }),
          );
          ids.push(...page.items.map((m) => m.id));
          cursor = page.nextCursor;
        } while (cursor);
        return ids;
      };
      expect((await t.inject({ url: `/api/v1/machines/${id}` })).statusCode).toBe(200);
      expect(await listed()).toContain(id);

      // The registry rotates the controller: the stored proof's signer is no longer one.
      expect((await register(t, identityRef, [newKey().address])).statusCode).toBe(200);
      const read = expectError(await t.inject({ url: `/api/v1/machines/${id}` }), 403, 'MACHINE_NOT_ACTIVATED');
      const signer = machine.identityProof?.signerAddress ?? '';
      expect(read.message).toContain(signer);
      expectError(
        await t.inject({ method: 'PATCH', url: `/api/v1/machines/${id}`, payload: { displayName: 'Renamed' } }),
        403,
        'MACHINE_NOT_ACTIVATED',
      );
      for (const url of [
        `/api/v1/machines/${id}/tasks`,
        `/api/v1/machines/${id}/graph`,
        `/api/v1/machines/${id}/runtime-endpoints`,
        `/api/v1/runs?machineId=${id}`,
      ]) {
        expectError(await t.inject({ url }), 403, 'MACHINE_NOT_ACTIVATED');
      }
      expectError(
        await t.inject({
          method: 'POST',
          url: `/api/v1/machines/${id}/tasks`,
          payload: { serviceType: 'storage.object', taskType: 'backup' },
        }),
        403,
        'MACHINE_NOT_ACTIVATED',
      );
      expect(await listed()).not.toContain(id);
      expect((await trpcError(t.trpc.machines.get({ machineId: id }))).code).toBe('FORBIDDEN');
      expect((await t.trpc.machines.list({ limit: 500 })).items.map((m) => m.id)).not.toContain(id);

      // The controller comes back: the machine is open again, unchanged.
      expect((await register(t, identityRef, [signer])).statusCode).toBe(200);
      expect((await t.inject({ url: `/api/v1/machines/${id}/tasks` })).statusCode).toBe(200);
      expect(json<{ item: MachineView }>(await t.inject({ url: `/api/v1/machines/${id}` })).item).toEqual(machine);
    });

    it('refuses POST /machines without identityProof with 422 MACHINE_IDENTITY_PROOF_REQUIRED', async () => {
      const t = get();
      const identityRef = ref();
      expectError(await createMachine(t, { identityRef }), 422, 'MACHINE_IDENTITY_PROOF_REQUIRED');
      expect(await t.app.store.machines.findByIdentityRef(identityRef)).toBeNull();
    });

    it('refuses an unknown challenge with 403 MACHINE_IDENTITY_PROOF_INVALID', async () => {
      const t = get();
      const { identityRef, key, c } = await provenIdentity(t);
      const res = await createMachine(t, {
        identityRef,
        identityProof: { challengeId: 'no-such-challenge', signature: signPersonalMessage(c.message, key.privateKey) },
      });
      expectError(res, 403, 'MACHINE_IDENTITY_PROOF_INVALID');
    });

    it('refuses a challenge issued for another identityRef with 403', async () => {
      const t = get();
      const first = await provenIdentity(t);
      const second = await provenIdentity(t);
      // A correctly signed challenge of `first`, presented for `second`'s identity.
      const res = await createMachine(t, { identityRef: second.identityRef, identityProof: first.proof });
      expectError(res, 403, 'MACHINE_IDENTITY_PROOF_INVALID');
      expect(await t.app.store.machines.findByIdentityRef(second.identityRef)).toBeNull();
    });

    it('refuses a signer that is not a controller, and a malformed or mismatched signature, with 403; the challenge stays usable', async () => {
      const t = get();
      const { identityRef, key, c, proof } = await provenIdentity(t);
      const stranger = newKey();
      const attempts = [
        signPersonalMessage(c.message, stranger.privateKey),
        signPersonalMessage(`${c.message} `, key.privateKey),
        'not-a-signature',
        `0x${'11'.repeat(64)}1d`,
      ];
      for (const signature of attempts) {
        const res = await createMachine(t, { identityRef, identityProof: { challengeId: c.challengeId, signature } });
        expectError(res, 403, 'MACHINE_IDENTITY_PROOF_INVALID');
      }
      const stray = await createMachine(t, {
        identityRef,
        identityProof: { challengeId: c.challengeId, signature: attempts[0] },
      });
      expect(json<ErrorBody>(stray).error.message).toContain(stranger.address);
      // Failed attempts do not consume the challenge: the controller's signature still works.
      const ok = await createMachine(t, { identityRef, identityProof: proof });
      expect(ok.statusCode, ok.body).toBe(201);
    });

    it('uses a challenge once: a second machine cannot be created from it', async () => {
      const t = get();
      const { identityRef, key, proof } = await provenIdentity(t);
      expect((await createMachine(t, { identityRef, identityProof: proof })).statusCode).toBe(201);
      // Same proof again (same identityRef, and for a second identity the same controller holds).
      expectError(await createMachine(t, { identityRef, identityProof: proof }), 403, 'MACHINE_IDENTITY_PROOF_INVALID');
      const sibling = ref();
      expect((await register(t, sibling, [key.address])).statusCode).toBe(201);
      expectError(
        await createMachine(t, { identityRef: sibling, identityProof: proof }),
        403,
        'MACHINE_IDENTITY_PROOF_INVALID',
      );
      expect(await t.app.store.machines.findByIdentityRef(sibling)).toBeNull();
    });

    it('refuses an expired challenge with 422 MACHINE_IDENTITY_PROOF_EXPIRED', async () => {
      const t = get();
      const { identityRef, proof } = await provenIdentity(t);
      offsetMs = 5 * 60_000 + 1_000;
      try {
        const res = await createMachine(t, { identityRef, identityProof: proof });
        expectError(res, 422, 'MACHINE_IDENTITY_PROOF_EXPIRED');
      } finally {
        offsetMs = 0;
      }
      expect(await t.app.store.machines.findByIdentityRef(identityRef)).toBeNull();
      // Just before expiry it is still good.
      offsetMs = 5 * 60_000 - 5_000;
      try {
        expect((await createMachine(t, { identityRef, identityProof: proof })).statusCode).toBe(201);
      } finally {
        offsetMs = 0;
      }
    });

    it('refuses a second verified machine for the same identity with 409 MACHINE_IDENTITY_EXISTS, keeping the challenge', async () => {
      const t = get();
      const { identityRef, key, proof } = await provenIdentity(t);
      expect((await createMachine(t, { identityRef, identityProof: proof })).statusCode).toBe(201);
      const c = await challenge(t, identityRef);
      const next = { challengeId: c.challengeId, signature: signPersonalMessage(c.message, key.privateKey) };
      expectError(await createMachine(t, { identityRef, identityProof: next }), 409, 'MACHINE_IDENTITY_EXISTS');
      const row = await t.app.store.identity.getChallenge(c.challengeId);
      expect(row?.consumedAt).toBeNull();
    });

    it('refuses to change the identityRef of a verified machine with 409 MACHINE_IDENTITY_IMMUTABLE', async () => {
      const t = get();
      const { identityRef, proof } = await provenIdentity(t);
      const machine = json<{ item: MachineView }>(await createMachine(t, { identityRef, identityProof: proof })).item;
      const res = await t.inject({
        method: 'PATCH',
        url: `/api/v1/machines/${machine.id}`,
        payload: { identityRef: ref() },
      });
      expectError(res, 409, 'MACHINE_IDENTITY_IMMUTABLE');
      expect((await t.trpc.machines.get({ machineId: machine.id })).identityRef).toBe(identityRef);
    });

    it('runs the same flow over tRPC', async () => {
      const t = get();
      const identityRef = ref();
      const key = newKey();
      const put = await t.trpc.identity.putController({ identityRef, controllerAddresses: [key.address] });
      expect(put).toMatchObject({ identityRef, controllerAddresses: [key.address] });
      expect(await t.trpc.identity.getController({ identityRef })).toEqual(put);
      expect((await trpcError(t.trpc.identity.getController({ identityRef: ref() }))).code).toBe('NOT_FOUND');
      const c = await t.trpc.identity.createChallenge({ identityRef });
      const missing = await trpcError(t.trpc.machines.create({ displayName: 'A', identityRef }));
      expect(missing.code).toBe('UNPROCESSABLE_CONTENT');
      const bad = await trpcError(
        t.trpc.machines.create({
          displayName: 'A',
          identityRef,
          identityProof: { challengeId: c.challengeId, signature: signPersonalMessage(c.message, newKey().privateKey) },
        }),
      );
      expect(bad.code).toBe('FORBIDDEN');
      const machine = await t.trpc.machines.create({
        displayName: 'A',
        identityRef,
        identityProof: { challengeId: c.challengeId, signature: signPersonalMessage(c.message, key.privateKey) },
      });
      expect(machine.identityProof).toMatchObject({ signerAddress: key.address, challengeId: c.challengeId });
    });

    it('audits controllers-set, challenge-created and machine.created with the proof, never a signature', async () => {
      const t = get();
      const { identityRef, key, c, proof } = await provenIdentity(t);
      const machine = json<{ item: MachineView }>(await createMachine(t, { identityRef, identityProof: proof })).item;
      const res = await t.inject({
        url: `/api/v1/audit-events?resourceType=machine-identity&resourceId=${encodeURIComponent(identityRef)}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const events = json<{ items: AuditEventView[] }>(res).items;
      expect(events.map((e) => e.type)).toEqual([
        'machine-identity.challenge-created',
        'machine-identity.controllers-set',
      ]);
      const [created, set] = events;
      expect(created).toMatchObject({
        actor: 'api',
        resourceId: identityRef,
        payload: {
          challengeId: c.challengeId,
          identityRef,
          expiresAt: c.expiresAt,
          controllerAddresses: [key.address],
        },
      });
      expect(set?.payload).toMatchObject({ created: true, item: { identityRef, controllerAddresses: [key.address] } });
      const machineEvents = await t.trpc.audit.list({ type: 'machine.created', resourceId: machine.id });
      expect(machineEvents.items[0]?.payload).toMatchObject({ machine: { identityProof: machine.identityProof } });
      expect(JSON.stringify(machineEvents.items)).not.toContain(proof.signature.slice(2, 40));
      // A refused registry write leaves no event.
      await register(t, identityRef, ['0xnope']);
      const after = await t.trpc.audit.list({ type: 'machine-identity.controllers-set', resourceId: identityRef });
      expect(after.items).toHaveLength(1);
    });

    // One more deployment on the same database: verification off, API auth on (built once; on
    // PostgreSQL each start waits on the migration engine's lock).
    it('guards a machine created while verification was off (403 MACHINE_NOT_ACTIVATED), validating before auth', async () => {
      const t = get();
      const legacy = await buildApp({
        env: parseEnv({
          MM_SECRET_KEY: '0'.repeat(63) + '1',
          LOG_LEVEL: 'silent',
          PEAQOS_REQUIRE_API_AUTH: 'true',
          MM_API_KEYS: 'ops:k1',
        }),
        db: t.app.db,
        workers: false,
        logger: false,
      });
      let unverified: MachineView | undefined;
      try {
        await legacy.fastify.ready();
        const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
          legacy.fastify.inject({ method: 'POST', url, payload, headers });
        // Validation runs before the API key check, on the identity routes too.
        expectError(await post('/api/v1/machine-identity/challenges', { identityRef: 'bad' }), 400, 'VALIDATION_ERROR');
        expectError(await post('/api/v1/machine-identity/challenges', { identityRef: ref() }), 401, 'API_KEY_REQUIRED');
        expectError(await post('/api/v1/machines', { displayName: 'X' }), 400, 'VALIDATION_ERROR');
        const res = await post(
          '/api/v1/machines',
          { displayName: 'Legacy', identityRef: ref() },
          { 'x-api-key': 'k1' },
        );
        expect(res.statusCode, res.body).toBe(201);
        unverified = json<{ item: MachineView }>(res).item;
        expect(unverified).toMatchObject({ status: 'active', identityProof: null, ownerId: 'ops' });
      } finally {
        await legacy.close();
      }
      const id = unverified.id;
      for (const url of [`/api/v1/machines/${id}/tasks`, `/api/v1/runs?machineId=${id}`]) {
        expectError(await t.inject({ url }), 403, 'MACHINE_NOT_ACTIVATED');
      }
      const task = await t.inject({
        method: 'POST',
        url: `/api/v1/machines/${id}/tasks`,
        payload: { serviceType: 'storage.object', taskType: 'backup' },
      });
      expectError(task, 403, 'MACHINE_NOT_ACTIVATED');
      // Validation still comes before the guard.
      expectError(
        await t.inject({ method: 'POST', url: `/api/v1/machines/${id}/tasks`, payload: {} }),
        400,
        'VALIDATION_ERROR',
      );
      // Nor can it be re-activated without a proof.
      expect(
        (await t.inject({ method: 'PATCH', url: `/api/v1/machines/${id}`, payload: { status: 'draft' } })).statusCode,
      ).toBe(200);
      const reactivate = await t.inject({
        method: 'PATCH',
        url: `/api/v1/machines/${id}`,
        payload: { status: 'active' },
      });
      expectError(reactivate, 403, 'MACHINE_NOT_ACTIVATED');
    });
  },
  { env: { PEAQOS_MACHINE_IDENTITY_VERIFICATION: 'required' }, clock },
);

/** A resolver the test steers: identities it knows, and whether it can answer at all. */
const upstream = {
  known: new Map<string, string[]>(),
  down: false,
  async resolve(identityRef: string) {
    await Promise.resolve();
    if (this.down) throw new Error('connect ECONNREFUSED 10.0.0.1:443');
    const controllerAddresses = this.known.get(identityRef);
    return controllerAddresses ? { controllerAddresses, source: 'peaqos-mcr' } : null;
  },
};

describeEachDb(
  'machine identity through an upstream resolver (context C9)',
  (get) => {
    it('tells an unknown identity (404) from a resolver that cannot answer (502), and closes a machine that stops resolving', async () => {
      const t = get();
      const identityRef = ref();
      const key = newKey();
      expectError(
        await t.inject({ method: 'POST', url: '/api/v1/machine-identity/challenges', payload: { identityRef } }),
        404,
        'NOT_FOUND',
      );
      upstream.known.set(identityRef, [key.address]);
      const c = await challenge(t, identityRef);
      expect(c.controllerAddresses).toEqual([key.address]);
      const res = await createMachine(t, {
        identityRef,
        identityProof: { challengeId: c.challengeId, signature: signPersonalMessage(c.message, key.privateKey) },
      });
      expect(res.statusCode, res.body).toBe(201);
      const machine = json<{ item: MachineView }>(res).item;
      expect(machine.identityProof?.resolutionSource).toBe('peaqos-mcr');
      const tasks = `/api/v1/machines/${machine.id}/tasks`;
      expect((await t.inject({ url: tasks })).statusCode).toBe(200);

      upstream.down = true;
      try {
        const down = expectError(
          await t.inject({ method: 'POST', url: '/api/v1/machine-identity/challenges', payload: { identityRef } }),
          502,
          'PEAQOS_IDENTITY_UNAVAILABLE',
        );
        // The resolver's low-level error never reaches the client.
        expect(down.message).not.toContain('ECONNREFUSED');
        expectError(await t.inject({ url: `/api/v1/machines/${machine.id}` }), 502, 'PEAQOS_IDENTITY_UNAVAILABLE');
        expectError(await t.inject({ url: tasks }), 502, 'PEAQOS_IDENTITY_UNAVAILABLE');
        expectError(await t.inject({ url: '/api/v1/machines' }), 502, 'PEAQOS_IDENTITY_UNAVAILABLE');
      } finally {
        upstream.down = false;
      }

      // The identity stops resolving: 403 on the machine and its routes, gone from the list.
      upstream.known.delete(identityRef);
      expectError(await t.inject({ url: `/api/v1/machines/${machine.id}` }), 403, 'MACHINE_NOT_ACTIVATED');
      expectError(await t.inject({ url: tasks }), 403, 'MACHINE_NOT_ACTIVATED');
      const list = json<{ items: MachineView[] }>(await t.inject({ url: '/api/v1/machines?limit=500' }));
      expect(list.items.map((m) => m.id)).not.toContain(machine.id);
    });
  },
  { env: { PEAQOS_MACHINE_IDENTITY_VERIFICATION: 'required' }, identityResolver: upstream },
);
