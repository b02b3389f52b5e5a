import { expect, it } from 'vitest';
import { describeEachDb, json, uniq } from './harness.ts';

describeEachDb('machines', (get) => {
  it('creates a machine over REST (201) and reads it back through tRPC', async () => {
    const { inject, trpc } = get();
    const identityRef = `peaqos:machine:${uniq()}`;
    const res = await inject({ method: 'POST', url: '/api/v1/machines', payload: { displayName: 'Arm', identityRef } });
    expect(res.statusCode).toBe(201);
    const { item } = json<{ item: { id: string; status: string; ownerId: string } }>(res);
    expect(item).toMatchObject({ status: 'active', ownerId: 'local' });
    const viaTrpc = await trpc.machines.get({ machineId: item.id });
    expect(viaTrpc.identityRef).toBe(identityRef);
  });
});
