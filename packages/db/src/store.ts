import { AppError } from '@mm/core';
import type { Repos, Store } from '@mm/core';
import { Prisma } from './generated/prisma/client.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { agentRepo } from './repos/agents.ts';
import { auditRepo } from './repos/audit.ts';
import { catalogueRepo } from './repos/catalogue.ts';
import { endpointRepo } from './repos/endpoints.ts';
import { graphRepo } from './repos/graph.ts';
import { identityRepo } from './repos/identity.ts';
import { machineRepo } from './repos/machines.ts';
import { policyRepo } from './repos/policies.ts';
import { outcomeRepo, routeRepo, runRepo, taskRepo } from './repos/tasks.ts';
import type { Tx } from './repos/tx.ts';

function reposOf(db: Tx): Repos {
  return {
    audit: auditRepo(db),
    machines: machineRepo(db),
    identity: identityRepo(db),
    catalogue: catalogueRepo(db),
    endpoints: endpointRepo(db),
    agents: agentRepo(db),
    graph: graphRepo(db),
    tasks: taskRepo(db),
    routes: routeRepo(db),
    outcomes: outcomeRepo(db),
    runs: runRepo(db),
    policies: policyRepo(db),
  };
}

/**
 * A unique violation means a concurrent writer won a race the service had checked for (two creates
 * of one identityRef, say): answer 409, never 500.
 */
function conflictOf(err: unknown): AppError | null {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError) || err.code !== 'P2002') return null;
  const target = JSON.stringify(err.meta ?? {});
  if (target.includes('identityRef') && target.includes('Machine')) {
    return new AppError('MACHINE_IDENTITY_EXISTS', 'a machine with this identityRef exists');
  }
  return new AppError('VERSION_CONFLICT', 'a concurrent change conflicted with this one; retry');
}

/** The Prisma implementation of the domain's `Store`. */
export function createStore(prisma: PrismaClient): Store {
  return {
    ...reposOf(prisma),
    transaction: async (fn) => {
      try {
        return await prisma.$transaction((tx) => fn(reposOf(tx)), { maxWait: 15_000, timeout: 30_000 });
      } catch (err) {
        throw conflictOf(err) ?? err;
      }
    },
    async ping() {
      try {
        await prisma.$queryRawUnsafe('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
  };
}
