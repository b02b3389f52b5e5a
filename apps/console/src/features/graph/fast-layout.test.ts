import { describe, expect, it } from 'vitest';
import { fastLayeredLayout } from './fast-layout.ts';

describe('fastLayeredLayout', () => {
  it('puts every edge left to right and no two nodes on one spot', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((id) => ({ id }));
    const edges = [
      { source: 'a', target: 'b' },
      { source: 'b', target: 'c' },
      { source: 'a', target: 'd' },
    ];
    const p = fastLayeredLayout(nodes, edges);
    expect(p.get('a')!.x).toBeLessThan(p.get('b')!.x);
    expect(p.get('b')!.x).toBeLessThan(p.get('c')!.x);
    expect(p.get('b')!.x).toBe(p.get('d')!.x);
    expect(new Set([...p.values()].map((v) => `${v.x},${v.y}`)).size).toBe(4);
  });
  it('survives cycles and lays out 3,000 nodes quickly', () => {
    const n = 3000;
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
    const edges = Array.from({ length: 2 * n }, (_, i) => ({ source: `n${i % n}`, target: `n${(i * 7 + 1) % n}` }));
    const t = performance.now();
    const p = fastLayeredLayout(nodes, edges);
    expect(performance.now() - t).toBeLessThan(500);
    expect(p.size).toBe(n);
  });
  it('wraps a tall layer into columns: 600 unconnected nodes make a roughly square block', () => {
    const nodes = Array.from({ length: 600 }, (_, i) => ({ id: `n${i}` }));
    const p = fastLayeredLayout(nodes, []);
    const xs = [...p.values()].map((v) => v.x);
    const ys = [...p.values()].map((v) => v.y);
    const width = Math.max(...xs) - Math.min(...xs);
    const height = Math.max(...ys) - Math.min(...ys);
    expect(width / height).toBeGreaterThan(0.5);
    expect(width / height).toBeLessThan(2);
    expect(new Set([...p.values()].map((v) => `${v.x},${v.y}`)).size).toBe(600);
  });
  it('keeps edges left to right when layers wrap', () => {
    const nodes = Array.from({ length: 401 }, (_, i) => ({ id: `n${i}` }));
    const edges = nodes.slice(1).map((n) => ({ source: 'n0', target: n.id }));
    const p = fastLayeredLayout(nodes, edges);
    const root = p.get('n0')!.x;
    expect(nodes.slice(1).every((n) => p.get(n.id)!.x > root)).toBe(true);
  });
});
