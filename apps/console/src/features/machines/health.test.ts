import { describe, expect, it } from 'vitest';
import { agentHealthOf, endpointHealthOf, filterMachines } from './health.ts';

describe('endpointHealthOf', () => {
  it('counts endpoint states and names the worst one first', () => {
    const h = endpointHealthOf([{ status: 'active' }, { status: 'unreachable' }, { status: 'unreachable' }]);
    expect(h).toMatchObject({ active: 1, degraded: 0, unreachable: 2, total: 3, tone: 'red' });
    expect(h.summary).toBe('2 unreachable, 1 active of 3');
    expect(endpointHealthOf([{ status: 'active' }, { status: 'degraded' }]).tone).toBe('amber');
    expect(endpointHealthOf([{ status: 'active' }]).tone).toBe('green');
    expect(endpointHealthOf([])).toMatchObject({ tone: 'grey', summary: 'no endpoints' });
  });
});

describe('agentHealthOf', () => {
  it('summarises agents by state', () => {
    expect(agentHealthOf([{ status: 'active' }, { status: 'provisioned' }]).summary).toBe('1 active, 1 waiting');
    expect(agentHealthOf([]).summary).toBe('no agents');
  });
});

describe('filterMachines', () => {
  const ms = [
    { displayName: 'Rover 1', identityRef: 'peaqos:machine:rover-1', status: 'active' },
    { displayName: 'Drone', identityRef: 'did:peaq:0xabc', status: 'draft' },
  ];
  it('searches name and identity, and filters by status', () => {
    expect(filterMachines(ms, { q: 'rover' })).toHaveLength(1);
    expect(filterMachines(ms, { q: '0XABC' })[0]?.displayName).toBe('Drone');
    expect(filterMachines(ms, { status: 'active' })[0]?.displayName).toBe('Rover 1');
    expect(filterMachines(ms, { q: 'rover', status: 'draft' })).toEqual([]);
    expect(filterMachines(ms, {})).toHaveLength(2);
  });
});
