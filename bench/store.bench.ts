/**
 * Reading a 500-node / 1,000-edge graph through the service and the REST adapter, on the embedded
 * database. Baseline: reading one machine row through the same service layer and database, so the
 * ratio is "how many single-row reads a whole large graph costs". A second pair measures the REST
 * adapter's overhead (Fastify inject + zod + envelope) against calling the service directly.
 */
import { buildApp, parseEnv } from '@mm/server';
import { openDatabase } from '@mm/db';
import { measure, report } from './harness.ts';

export async function benchStore() {
  const db = await openDatabase({ dataDir: '.bench-unused', inMemory: true });
  const app = await buildApp({
    env: parseEnv({ MM_SECRET_KEY: 'a'.repeat(64), LOG_LEVEL: 'silent' }),
    db,
    workers: false,
    logger: false,
  });
  try {
    const caller = { actor: 'api', ownerId: 'bench' };
    const machine = await app.services.machines.create(
      { displayName: 'Bench', identityRef: 'peaqos:machine:bench' },
      caller,
    );
    const nodeIds: string[] = [];
    await app.db.prisma.graphNode.createMany({
      data: Array.from({ length: 500 }, (_, i) => ({
        machineId: machine.id,
        type: 'skill',
        title: `Node ${i}`,
        status: 'active',
        positionX: (i % 25) * 220,
        positionY: Math.floor(i / 25) * 140,
        data: { index: i },
      })),
    });
    nodeIds.push(
      ...(await app.db.prisma.graphNode.findMany({ where: { machineId: machine.id }, select: { id: true } })).map(
        (n) => n.id,
      ),
    );
    await app.db.prisma.graphEdge.createMany({
      data: Array.from({ length: 1000 }, (_, i) => ({
        machineId: machine.id,
        sourceNodeId: nodeIds[i % 500] ?? '',
        targetNodeId: nodeIds[(i * 7 + 1) % 500] ?? '',
        type: 'connects',
        data: {},
      })),
    });
    await app.fastify.ready();

    const baseline = await measure('machines.get (one row)', 200, () => app.services.machines.get(machine.id));
    const subject = await measure('graph.get (500 nodes, 1,000 edges)', 50, () => app.store.graph.getGraph(machine.id));
    report('Graph load on the embedded database', baseline, subject);

    const direct = await measure('store.graph.getGraph (direct)', 50, () => app.store.graph.getGraph(machine.id));
    const rest = await measure('GET /api/v1/machines/:id/graph (inject)', 50, () =>
      app.fastify.inject({ method: 'GET', url: `/api/v1/machines/${machine.id}/graph` }),
    );
    report('REST adapter overhead on the large graph', direct, rest);
  } finally {
    await app.close();
    await db.close();
  }
}
