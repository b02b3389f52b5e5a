import type { CreateMachineRequest, ListQuery, MachineStatus, MachineView, UpdateMachineRequest } from '@mm/contracts';
import type { Caller, CoreDeps } from '../deps.ts';
import { toPage } from '../deps.ts';
import { AppError, notFound, validation } from '../errors.ts';
import { maySee, ownerFilter } from '../lib/request-scope.ts';
import { changedKeys } from '../lib/views.ts';
import type { Repos } from '../ports.ts';
import { verifyIdentityProof } from './identity.ts';

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
      return machine;
    },

    list(query: ListQuery & { status?: MachineStatus | undefined }) {
      return store.machines.list({ status: query.status, ownerId: ownerFilter() }, toPage(query));
    },

    async update(id: string, input: UpdateMachineRequest, caller: Caller): Promise<MachineView> {
      return store.transaction(async (tx) => {
        const current = await tx.machines.get(id);
        if (!current || !maySee(current.ownerId)) throw notFound('machine', id);
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
