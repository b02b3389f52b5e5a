import type { MachineView } from '@mm/contracts';
import type { CoreConfig } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';
import { maySee } from '../lib/request-scope.ts';
import type { IdentityResolver, Repos } from '../ports.ts';
import { assertStillVerified } from './identity.ts';

/** What the guard reads besides the machine: the verification mode and who resolves identities. */
export interface GuardDeps {
  config: Pick<CoreConfig, 'identityVerification'>;
  identityResolver?: IdentityResolver | undefined;
}

/**
 * The machine guard (context B9), one piece every machine-scoped route goes through:
 * unknown → 404, not `active` → 409 MACHINE_NOT_ACTIVE, unverified where verification is required
 * → 403 MACHINE_NOT_ACTIVATED. Under `required` the stored proof is re-verified against the resolver
 * on every call (context A3 corrected): a rotated or removed controller closes the machine's routes
 * (403 MACHINE_NOT_ACTIVATED); a resolver that cannot answer is 502 PEAQOS_IDENTITY_UNAVAILABLE.
 */
export async function requireActiveMachine(
  repos: Pick<Repos, 'machines' | 'identity'>,
  deps: GuardDeps,
  machineId: string,
  /** Reads only: a machine that is not `active` may be inspected (context C8). */
  opts: { includeInactive?: boolean | undefined } = {},
): Promise<MachineView> {
  const machine = checkMachine(await repos.machines.get(machineId), machineId, opts);
  if (deps.config.identityVerification === 'required') {
    if (!machine.identityProof) {
      throw new AppError('MACHINE_NOT_ACTIVATED', `machine ${machineId} has no verified identity`);
    }
    await assertStillVerified(repos, deps.identityResolver, machine);
  }
  return machine;
}

/**
 * The guard's first two checks, on a machine already read: unknown or another owner's → 404, not
 * `active` → 409 MACHINE_NOT_ACTIVE. `requireActiveMachine` runs them, and so do discover and
 * resolve on the machine their one read returned (docs/api.md "Discovery at catalogue scale"), so
 * the order and the errors are the same.
 */
export function checkMachine<M extends Pick<MachineView, 'ownerId' | 'status'>>(
  machine: M | null,
  machineId: string,
  opts: { includeInactive?: boolean | undefined } = {},
): M {
  // Another owner's machine does not exist for this caller (context C3: existence is not revealed).
  if (!machine || !maySee(machine.ownerId)) throw notFound('machine', machineId);
  if (machine.status !== 'active' && !opts.includeInactive) {
    throw new AppError('MACHINE_NOT_ACTIVE', `machine ${machineId} is ${machine.status}, not active`, {
      status: machine.status,
    });
  }
  return machine;
}
