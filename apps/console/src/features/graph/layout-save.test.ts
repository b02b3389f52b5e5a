import { describe, expect, it } from 'vitest';
import { IdMap } from './command-stack.ts';
import { progressText, saveLayoutInChunks } from './layout-save.ts';

const moves = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `n${i}`, from: { x: 0, y: 0 }, to: { x: i * 10 + 1, y: 5 } }));

describe('saveLayoutInChunks', () => {
  it('saves through the bulk move call in chunks and reports progress', async () => {
    const calls: number[] = [];
    const progress: string[] = [];
    const api = { moveNodes: (m: unknown[]) => (calls.push(m.length), Promise.resolve()) };
    const r = await saveLayoutInChunks(moves(1200), api, new IdMap(), {
      chunk: 500,
      onProgress: (d, t) => progress.push(progressText(d, t)),
    });
    expect(calls).toEqual([500, 500, 200]);
    expect(progress).toEqual(['0 of 1,200', '500 of 1,200', '1,000 of 1,200', '1,200 of 1,200']);
    expect(r.cancelled).toBe(false);
    expect(r.command?.kind === 'update' && r.command.nodes).toHaveLength(1200);
  });

  it('stops between chunks when cancelled and records only what was saved', async () => {
    let calls = 0;
    const api = { moveNodes: () => (calls++, Promise.resolve()) };
    const r = await saveLayoutInChunks(moves(1200), api, new IdMap(), { chunk: 500, cancelled: () => calls >= 1 });
    expect(calls).toBe(1);
    expect(r.cancelled).toBe(true);
    expect(r.saved).toBe(500);
    expect(r.command?.label).toBe('Auto-layout (500 of 1200)');
  });

  it('does nothing when no node moves', async () => {
    const api = { moveNodes: () => Promise.reject(new Error('must not be called')) };
    const r = await saveLayoutInChunks([{ id: 'a', from: { x: 1, y: 1 }, to: { x: 1, y: 1 } }], api, new IdMap());
    expect(r.command).toBeNull();
  });
});
