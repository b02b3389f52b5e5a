import { randomBytes, randomUUID } from 'node:crypto';
import type {
  CreateIdentityChallengeRequest,
  IdentityChallengeView,
  IdentityControllerView,
  MachineView,
  PutIdentityControllersRequest,
} from '@mm/contracts';
import type { Caller, CoreDeps } from '../deps.ts';
import { AppError, notFound, requireAdmin } from '../errors.ts';
import { recoverPersonalSigner } from '../lib/eip191.ts';
import type { IdentityResolver, Repos } from '../ports.ts';

/** How long a challenge can be answered. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const LOCAL_REGISTRY_SOURCE = 'local-registry';

/** The resolver over the operator-managed registry table (context B2). */
export function localRegistryResolver(repos: Pick<Repos, 'identity'>): IdentityResolver {
  return {
    async resolve(identityRef) {
      const entry = await repos.identity.getControllers(identityRef);
      return entry ? { controllerAddresses: entry.controllerAddresses, source: LOCAL_REGISTRY_SOURCE } : null;
    },
  };
}

export function resolverOf(deps: Pick<CoreDeps, 'store' | 'identityResolver'>): IdentityResolver {
  return deps.identityResolver ?? localRegistryResolver(deps.store);
}

/**
 * Asks the resolver, telling its two failures apart (context C9): a resolver that answers but does
 * not know the identity is `null` here; one that cannot answer (network, upstream error) is 502
 * PEAQOS_IDENTITY_UNAVAILABLE. AppErrors a resolver throws pass through as they are.
 */
async function tryResolve(resolver: IdentityResolver, identityRef: string) {
  let resolved: Awaited<ReturnType<IdentityResolver['resolve']>>;
  try {
    resolved = await resolver.resolve(identityRef);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('PEAQOS_IDENTITY_UNAVAILABLE', `the identity resolver could not answer for ${identityRef}`, {
      identityRef,
    });
  }
  if (!resolved) return null;
  return { ...resolved, controllerAddresses: resolved.controllerAddresses.map((a) => a.toLowerCase()) };
}

/** The controllers of an identity; 404 NOT_FOUND when the resolver does not know it (context C9). */
async function resolveControllers(resolver: IdentityResolver, identityRef: string) {
  const resolved = await tryResolve(resolver, identityRef);
  if (!resolved) throw notFound('machine identity', identityRef);
  return resolved;
}

/** Why a machine's stored proof no longer holds, or null while it does (context A3 corrected). */
export async function staleProofReason(
  repos: Pick<Repos, 'identity'>,
  identityResolver: IdentityResolver | undefined,
  machine: Pick<MachineView, 'id' | 'identityRef' | 'identityProof'>,
): Promise<string | null> {
  const proof = machine.identityProof;
  if (!proof) return `machine ${machine.id} has no verified identity`;
  // Inside a transaction the local registry is read through that transaction's repositories.
  const resolved = await tryResolve(identityResolver ?? localRegistryResolver(repos), machine.identityRef);
  if (!resolved) return `the identity ${machine.identityRef} of machine ${machine.id} no longer resolves`;
  if (!resolved.controllerAddresses.includes(proof.signerAddress.toLowerCase())) {
    return `${proof.signerAddress}, which verified machine ${machine.id}, is no longer a controller of ${machine.identityRef}`;
  }
  return null;
}

/** Re-verifies a machine's stored proof: 403 MACHINE_NOT_ACTIVATED when it no longer holds. */
export async function assertStillVerified(
  repos: Pick<Repos, 'identity'>,
  identityResolver: IdentityResolver | undefined,
  machine: Pick<MachineView, 'id' | 'identityRef' | 'identityProof'>,
): Promise<void> {
  const reason = await staleProofReason(repos, identityResolver, machine);
  if (reason) throw new AppError('MACHINE_NOT_ACTIVATED', reason, { identityRef: machine.identityRef });
}

function challengeMessage(c: { identityRef: string; challengeId: string; nonce: string; expiresAt: Date }): string {
  return [
    'Machine Markets: prove control of a machine identity.',
    '',
    `Identity: ${c.identityRef}`,
    `Challenge: ${c.challengeId}`,
    `Nonce: ${c.nonce}`,
    `Expires: ${c.expiresAt.toISOString()}`,
    '',
    'Signing registers a machine under this identity. It is not a transaction and costs nothing.',
  ].join('\n');
}

const invalid = (message: string) => new AppError('MACHINE_IDENTITY_PROOF_INVALID', message);

/**
 * Checks `identityProof` for a machine about to be created with `identityRef` and answers the
 * proof to store. The challenge is consumed by the caller, in the transaction that creates the
 * machine, so a failed creation leaves it usable.
 */
export async function verifyIdentityProof(
  deps: Pick<CoreDeps, 'store' | 'clock' | 'identityResolver'>,
  identityRef: string,
  proof: { challengeId: string; signature: string },
): Promise<NonNullable<MachineView['identityProof']>> {
  const challenge = await deps.store.identity.getChallenge(proof.challengeId);
  if (!challenge) throw invalid(`identity challenge ${proof.challengeId} is unknown`);
  if (challenge.consumedAt) throw invalid(`identity challenge ${proof.challengeId} has already been used`);
  if (challenge.identityRef !== identityRef) {
    throw invalid(`identity challenge ${proof.challengeId} was issued for another identityRef`);
  }
  const now = deps.clock.now();
  if (now.getTime() >= challenge.expiresAt.getTime()) {
    throw new AppError(
      'MACHINE_IDENTITY_PROOF_EXPIRED',
      `identity challenge ${proof.challengeId} expired at ${challenge.expiresAt.toISOString()}; request a new one`,
    );
  }
  const signer = recoverPersonalSigner(challenge.message, proof.signature);
  if (!signer) throw invalid('signature must be 65 bytes of hex (r || s || v) that recovers a signer');
  const resolved = await resolveControllers(resolverOf(deps), identityRef);
  if (!resolved.controllerAddresses.includes(signer)) {
    throw invalid(`the message was signed by ${signer}, which is not a controller of ${identityRef}`);
  }
  return {
    method: 'eip191',
    identityRef,
    signerAddress: signer,
    challengeId: challenge.id,
    verifiedAt: now.toISOString(),
    challengeExpiresAt: challenge.expiresAt.toISOString(),
    controllerAddresses: resolved.controllerAddresses,
    resolutionSource: resolved.source,
  };
}

export function createIdentityService(deps: CoreDeps) {
  const { store, clock } = deps;
  const resolver = resolverOf(deps);
  return {
    async createChallenge(input: CreateIdentityChallengeRequest, caller: Caller): Promise<IdentityChallengeView> {
      const { identityRef } = input;
      const { controllerAddresses } = await resolveControllers(resolver, identityRef);
      const challengeId = randomUUID();
      const nonce = randomBytes(16).toString('hex');
      const expiresAt = new Date(clock.now().getTime() + CHALLENGE_TTL_MS);
      const message = challengeMessage({ identityRef, challengeId, nonce, expiresAt });
      return store.transaction(async (tx) => {
        await tx.identity.createChallenge({
          id: challengeId,
          identityRef,
          nonce,
          message,
          controllerAddresses,
          expiresAt,
        });
        const view: IdentityChallengeView = {
          challengeId,
          identityRef,
          message,
          expiresAt: expiresAt.toISOString(),
          verificationMethod: 'eip191',
          controllerAddresses,
        };
        await tx.audit.record({
          actor: caller.actor,
          type: 'machine-identity.challenge-created',
          resourceType: 'machine-identity',
          resourceId: identityRef,
          payload: { challengeId, identityRef, expiresAt: view.expiresAt, controllerAddresses },
        });
        return view;
      });
    },

    async getControllers(identityRef: string): Promise<IdentityControllerView> {
      const entry = await store.identity.getControllers(identityRef);
      if (!entry) throw notFound('identity registry entry', identityRef);
      return entry;
    },

    async putControllers(
      identityRef: string,
      input: PutIdentityControllersRequest,
      caller: Caller,
    ): Promise<{ item: IdentityControllerView; created: boolean }> {
      requireAdmin('changing the identity registry');
      const addresses = [...new Set(input.controllerAddresses.map((a) => a.toLowerCase()))];
      return store.transaction(async (tx) => {
        const result = await tx.identity.putControllers(identityRef, addresses);
        await tx.audit.record({
          actor: caller.actor,
          type: 'machine-identity.controllers-set',
          resourceType: 'machine-identity',
          resourceId: identityRef,
          payload: { item: result.item, created: result.created },
        });
        return result;
      });
    },
  };
}
export type IdentityService = ReturnType<typeof createIdentityService>;
