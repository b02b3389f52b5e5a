import type { CreateMachineRequest, ListQuery, MachineStatus, MachineView, UpdateMachineRequest } from '@mm/contracts';
import type { Caller, CoreDeps } from '../deps.ts';
import { toPage } from '../deps.ts';
import { AppError, notFound, validation } from '../errors.ts';
import { maySee, ownerFilter } from '../lib/request-scope.ts';
import { changedKeys } from '../lib/views.ts';
import type { Repos } from '../ports.ts';
import { assertStillVerified, staleProofReason, verifyIdentityProof } from './identity.ts';

async function assertPoliciesExist(repos: Repos, ids: string[] | undefined): Promise<void> {
  if (!ids?.length) return;
  const unique = [...new Set(ids)];
  // Only the caller's own policies can govern its machines (context C3).
  const found = await repos.policies.getMany(unique, ownerFilter());
  const missing = unique.filter((id) => !found.some((p) => p.id === id));
  if (missing.length) {
    throw validation(`unknown policy id(s): ${missing.join(', ')}`, { policyIds: `unknown: ${missing.join(', ')}` });
  }
}

export function createMachineService(deps: CoreDeps) {
  const { store, config } = deps;
  /**
   * Under `required`, reads and updates re-verify the stored proof against the resolver (context A3
   * corrected): a machine whose identity no longer resolves, or whose signer is no longer a
   * controller, answers 403 MACHINE_NOT_ACTIVATED. A machine that never had a proof (created while
   * verification was off) stays readable and may be moved out of `active`; the guard keeps it off
   * the orchestration routes.
   */
  const reverify = async (repos: Repos, machine: MachineView) => {
    if (config.identityVerification === 'required' && machine.identityProof) {
      await assertStillVerified(repos, deps.identityResolver, machine);
    }
  };
  return {
    async create(input: CreateMachineRequest, caller: Caller): Promise<MachineView> {
      let identityProof: MachineView['identityProof'] = null;
      if (config.identityVerification === 'required') {
        if (!input.identityProof) {
          throw new AppError(
            'MACHINE_IDENTITY_PROOF_REQUIRED',
            'identity verification is required: request a challenge at POST /machine-identity/challenges and send identityProof',
          );
        }
        identityProof = await verifyIdentityProof(deps, input.identityRef, input.identityProof);
      }
      return store.transaction(async (tx) => {
        if (await tx.machines.findByIdentityRef(input.identityRef)) {
          throw new AppError('MACHINE_IDENTITY_EXISTS', `a machine with identityRef ${input.identityRef} exists`);
        }
        await assertPoliciesExist(tx, input.policyIds);
        const machine = await tx.machines.create({
          displayName: input.displayName,
          status: input.status ?? 'active',
          ownerId: caller.ownerId,
          identityRef: input.identityRef,
          machineType: input.machineType ?? 'generic',
          runtimeProfile: input.runtimeProfile ?? 'default',
          capabilities: [...new Set(input.capabilities ?? [])],
          labels: input.labels ?? {},
          policyIds: [...new Set(input.policyIds ?? [])],
          skillKeys: [...new Set(input.skillKeys ?? [])],
          identityProof,
        });
        // One-time use: consumed with the machine it verified, so a failed creation leaves it usable.
        if (
          identityProof &&
          !(await tx.identity.consumeChallenge(identityProof.challengeId, machine.id, deps.clock.now()))
        ) {
          throw new AppError(
            'MACHINE_IDENTITY_PROOF_INVALID',
            `identity challenge ${identityProof.challengeId} has already been used`,
          );
        }
        await tx.audit.record({
          actor: caller.actor,
          type: 'machine.created',
          resourceType: 'machine',
          resourceId: machine.id,
          payload: { machine },
        });
        return machine;
      });
    },

    async get(id: string): Promise<MachineView> {
      const machine = await store.machines.get(id);
      if (!machine || !maySee(machine.ownerId)) throw notFound('machine', id);
      await reverify(store, machine);
      return machine;
    },

    /**
     * Under `required` the list holds only machines whose identity resolves and whose stored proof
     * still matches the resolver's controllers (context A3 corrected). The filter applies to each
     * page, so a page may hold fewer than `limit` items while `nextCursor` still leads on.
     */
    async list(query: ListQuery & { status?: MachineStatus | undefined }) {
      const page = await store.machines.list({ status: query.status, ownerId: ownerFilter() }, toPage(query));
      if (config.identityVerification !== 'required') return page;
      const verdicts = await Promise.all(page.items.map((m) => staleProofReason(store, deps.identityResolver, m)));
      return { ...page, items: page.items.filter((_, i) => verdicts[i] === null) };
    },

    async update(id: string, input: UpdateMachineRequest, caller: Caller): Promise<MachineView> {
      return store.transaction(async (tx) => {
        const current = await tx.machines.get(id);
        if (!current || !maySee(current.ownerId)) throw notFound('machine', id);
        await reverify(tx, current);
        if (input.identityRef !== undefined && input.identityRef !== current.identityRef) {
          if (config.identityVerification === 'required' || current.identityProof) {
            throw new AppError('MACHINE_IDENTITY_IMMUTABLE', 'identityRef cannot change once verified');
          }
          if (await tx.machines.findByIdentityRef(input.identityRef)) {
            throw new AppError('MACHINE_IDENTITY_EXISTS', `a machine with identityRef ${input.identityRef} exists`);
          }
        }
        if (input.status === 'active' && config.identityVerification === 'required' && !current.identityProof) {
          throw new AppError('MACHINE_NOT_ACTIVATED', 'an unverified machine cannot be activated');
        }
        await assertPoliciesExist(tx, input.policyIds);
        const patch = {
          ...input,
          ...(input.capabilities && { capabilities: [...new Set(input.capabilities)] }),
          ...(input.policyIds && { policyIds: [...new Set(input.policyIds)] }),
          ...(input.skillKeys && { skillKeys: [...new Set(input.skillKeys)] }),
        };
        const machine = await tx.machines.update(id, patch);
        const changed = changedKeys(current, machine, Object.keys(input));
        await tx.audit.record({
          actor: caller.actor,
          type: 'machine.updated',
          resourceType: 'machine',
          resourceId: id,
          payload: { machine, changed },
        });
        return machine;
      });
    },
  };
}
export type MachineService = ReturnType<typeof createMachineService>;
