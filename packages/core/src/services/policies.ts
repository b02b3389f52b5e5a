import type { CreatePolicyRequest, ListQuery, PolicyView, UpdatePolicyRequest } from '@mm/contracts';
import type { Caller, CoreDeps } from '../deps.ts';
import { toPage } from '../deps.ts';
import { notFound } from '../errors.ts';
import { ownerFilter } from '../lib/request-scope.ts';
import { changedKeys } from '../lib/views.ts';
import type { Repos } from '../ports.ts';

type PolicyFields = Omit<PolicyView, 'id' | 'createdAt' | 'updatedAt'>;

const ARRAY_FIELDS = ['allowedSkillKeys', 'deniedSkillKeys', 'regionRules', 'requiredCapabilities'] as const;

const unique = (list: string[]) => [...new Set(list)];

/** PATCH replaces each array it names (context B9); arrays are stored without duplicates. */
function patchOf(req: UpdatePolicyRequest): Partial<PolicyFields> {
  const patch: Partial<PolicyFields> = {};
  if (req.name !== undefined) patch.name = req.name;
  if (req.budgetCap !== undefined) patch.budgetCap = req.budgetCap;
  if (req.nativeOnly !== undefined) patch.nativeOnly = req.nativeOnly;
  if (req.handoffAllowed !== undefined) patch.handoffAllowed = req.handoffAllowed;
  for (const field of ARRAY_FIELDS) {
    const list = req[field];
    if (list !== undefined) patch[field] = unique(list);
  }
  return patch;
}

/** Another owner's policy does not exist for this caller (context C3). */
async function requirePolicy(repos: Pick<Repos, 'policies'>, id: string): Promise<PolicyView> {
  const policy = await repos.policies.get(id, ownerFilter());
  if (!policy) throw notFound('policy', id);
  return policy;
}

/** Takes the policy out of every machine that names it, one `machine.updated` event per machine. */
async function detachFromMachines(tx: Repos, policyId: string, actor: string): Promise<string[]> {
  const touched: string[] = [];
  for (const current of await tx.machines.listByPolicy(policyId)) {
    const machine = await tx.machines.update(current.id, {
      policyIds: current.policyIds.filter((id) => id !== policyId),
    });
    await tx.audit.record({
      actor,
      type: 'machine.updated',
      resourceType: 'machine',
      resourceId: machine.id,
      payload: { machine, changed: ['policyIds'], reason: `policy ${policyId} deleted` },
    });
    touched.push(machine.id);
  }
  return touched;
}

export function createPolicyService({ store }: CoreDeps) {
  return {
    list(query: ListQuery) {
      return store.policies.list(toPage(query), ownerFilter());
    },

    get(id: string): Promise<PolicyView> {
      return requirePolicy(store, id);
    },

    create(req: CreatePolicyRequest, caller: Caller): Promise<PolicyView> {
      return store.transaction(async (tx) => {
        const policy = await tx.policies.create({
          ownerId: caller.ownerId,
          name: req.name,
          allowedSkillKeys: unique(req.allowedSkillKeys ?? []),
          deniedSkillKeys: unique(req.deniedSkillKeys ?? []),
          budgetCap: req.budgetCap ?? null,
          regionRules: unique(req.regionRules ?? []),
          nativeOnly: req.nativeOnly ?? false,
          handoffAllowed: req.handoffAllowed ?? true,
          requiredCapabilities: unique(req.requiredCapabilities ?? []),
        });
        await tx.audit.record({
          actor: caller.actor,
          type: 'policy.created',
          resourceType: 'policy',
          resourceId: policy.id,
          payload: { policy },
        });
        return policy;
      });
    },

    update(id: string, req: UpdatePolicyRequest, caller: Caller): Promise<PolicyView> {
      return store.transaction(async (tx) => {
        const current = await requirePolicy(tx, id);
        const patch = patchOf(req);
        const policy = await tx.policies.update(id, patch);
        const changed = changedKeys(current, policy, Object.keys(patch));
        await tx.audit.record({
          actor: caller.actor,
          type: 'policy.updated',
          resourceType: 'policy',
          resourceId: id,
          payload: { policy, changed },
        });
        return policy;
      });
    },

    /** Our addition (context B9): 204, and no machine keeps naming a policy that no longer exists. */
    delete(id: string, caller: Caller): Promise<void> {
      return store.transaction(async (tx) => {
        const policy = await requirePolicy(tx, id);
        const machineIds = await detachFromMachines(tx, id, caller.actor);
        await tx.policies.delete(id);
        await tx.audit.record({
          actor: caller.actor,
          type: 'policy.deleted',
          resourceType: 'policy',
          resourceId: id,
          payload: { policy, machineIds },
        });
      });
    },
  };
}
export type PolicyService = ReturnType<typeof createPolicyService>;
