import type { MachineView } from '@mm/contracts';
import type { CoreConfig } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';
import { maySee } from '../lib/request-scope.ts';
import type { Repos } from '../ports.ts';

/**
 * The machine guard (context B9), one piece every machine-scoped route goes through:
 * unknown → 404, not `active` → 409 MACHINE_NOT_ACTIVE, unverified where verification is required
 * → 403 MACHINE_NOT_ACTIVATED.
 */
export async function requireActiveMachine(
  repos: Pick<Repos, 'machines'>,
  config: Pick<CoreConfig, 'identityVerification'>,
  machineId: string,
): Promise<MachineView> {
  const machine = await repos.machines.get(machineId);
  // Another owner's machine does not exist for this caller (context C3: existence is not revealed).
  if (!machine || !maySee(machine.ownerId)) throw notFound('machine', machineId);
  if (machine.status !== 'active') {
    throw new AppError('MACHINE_NOT_ACTIVE', `machine ${machineId} is ${machine.status}, not active`, {
      status: machine.status,
    });
  }
  if (config.identityVerification === 'required' && !machine.identityProof) {
    throw new AppError('MACHINE_NOT_ACTIVATED', `machine ${machineId} has no verified identity`);
  }
  return machine;
}
