import type { AuditEventView, RouteView } from '@mm/contracts';
import { describe, expect, it } from 'vitest';
import { hopProgressOf, hopRows } from './hop-progress.ts';

const route = {
  selectedServiceId: 'qvac-private-inference',
  executionMode: 'native',
  fallbackChain: [
    { skillKey: 'ollama', serviceId: 'ollama-chat', executionMode: 'native' },
    { skillKey: 'akash', serviceId: 'akash-compute-handoff', executionMode: 'external-handoff' },
  ],
} as unknown as RouteView;

function hopEvent(payload: Record<string, unknown>): AuditEventView {
  return {
    id: '7',
    actor: 'api',
    principal: 'local',
    machineId: 'm1',
    type: 'run.hop-started',
    resourceType: 'run',
    resourceId: 'run-1',
    payload,
    createdAt: '2026-01-02T10:00:01.000Z',
  };
}

describe('hop progress', () => {
  it('reads the hop the server is calling and the attempts before it', () => {
    const p = hopProgressOf(
      hopEvent({
        taskId: 't1',
        hop: { hop: 2, of: 3, serviceId: 'ollama-chat', startedAt: '2026-01-02T10:00:00.500Z' },
        run: {
          attempts: [{ hop: 1, serviceId: 'qvac-private-inference', status: 'failed', errorCode: 'RUNTIME_ERROR' }],
        },
      }),
    );
    expect(p).toEqual({
      runId: 'run-1',
      hop: 2,
      of: 3,
      serviceId: 'ollama-chat',
      startedAt: '2026-01-02T10:00:00.500Z',
      attempts: [{ hop: 1, serviceId: 'qvac-private-inference', status: 'failed', errorCode: 'RUNTIME_ERROR' }],
    });
  });

  it('ignores other events and payloads of another shape', () => {
    expect(hopProgressOf(undefined)).toBeNull();
    expect(hopProgressOf({ ...hopEvent({ hop: { hop: 1, serviceId: 'x' } }), type: 'run.started' })).toBeNull();
    expect(hopProgressOf(hopEvent({ hop: 'two' }))).toBeNull();
    expect(hopProgressOf(hopEvent({ hop: { hop: 1, serviceId: 'x' } }))?.attempts).toEqual([]);
  });

  it('marks the hop being tried, the ones that failed, and the ones still waiting, in walk order', () => {
    const p = hopProgressOf(
      hopEvent({
        hop: { hop: 2, of: 3, serviceId: 'ollama-chat' },
        run: {
          attempts: [{ hop: 1, serviceId: 'qvac-private-inference', status: 'failed', errorCode: 'RUNTIME_ERROR' }],
        },
      }),
    );
    expect(hopRows(route, p).map((r) => [r.hop, r.serviceId, r.state, r.errorCode])).toEqual([
      [1, 'qvac-private-inference', 'failed', 'RUNTIME_ERROR'],
      [2, 'ollama-chat', 'trying', null],
      [3, 'akash-compute-handoff', 'waiting', null],
    ]);
  });

  it('guesses nothing before the server has named a hop', () => {
    expect(hopRows(route, null).map((r) => r.state)).toEqual(['unknown', 'unknown', 'unknown']);
  });
});
