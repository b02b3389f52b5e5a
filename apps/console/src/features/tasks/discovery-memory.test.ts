import { describe, expect, it } from 'vitest';
import { readDiscovery, writeDiscovery } from './discovery-memory.ts';

const fakeStorage = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
};
const result = {
  taskId: 't1',
  machineId: 'm1',
  resolution: { kind: 'unavailable' as const, reason: 'nothing', candidates: [] },
  candidates: [],
  excluded: [{ serviceId: 's', skillKey: 'k', reasons: ['denied'] }],
  excludedTotal: 1,
};

describe('discovery memory', () => {
  it('keeps the last discovery per task and reads it back', () => {
    const s = fakeStorage();
    writeDiscovery(s, result);
    expect(readDiscovery(s, 't1')).toEqual(result);
    expect(readDiscovery(s, 't2')).toBeNull();
  });
  it('ignores entries that do not match the contract', () => {
    const s = fakeStorage();
    s.m.set('mm.discovery.t1', '{"taskId":"t1"}');
    expect(readDiscovery(s, 't1')).toBeNull();
    s.m.set('mm.discovery.t1', 'not json');
    expect(readDiscovery(s, 't1')).toBeNull();
  });
});
