import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('createBatcher (group commit)', () => {
  it('writes what arrives in one turn together and answers each caller its own result', async () => {
    const batches: number[][] = [];
    const b = createBatcher(
      (items: number[]) => {
        batches.push(items);
        return Promise.resolve(items.map((i) => i * 10));
      },
      { maxBatch: 100, maxInFlight: 1 },
    );
    const results = await Promise.all([1, 2, 3].map((i) => b.submit(i)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('queues what arrives while batches are in flight and caps batch size', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const b = createBatcher(
      async (items: number[]) => {
        batches.push(items);
        await gate;
        return items;
      },
      { maxBatch: 2, maxInFlight: 1 },
    );
    const first = b.submit(0);
    await tick();
    const rest = [1, 2, 3, 4, 5].map((i) => b.submit(i));
    await tick();
    expect(batches).toEqual([[0]]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(batches).toEqual([[0], [1, 2], [3, 4], [5]]);
  });

  it('rejects every caller of a batch whose run failed, and goes on with the next', async () => {
    let calls = 0;
    const b = createBatcher(
      (items: number[]) => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('down')) : Promise.resolve(items);
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const failed = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await b.submit(3)).toBe(3);
  });
});
