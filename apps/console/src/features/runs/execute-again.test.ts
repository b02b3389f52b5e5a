import { TASK_STATUSES, taskAllows } from '@mm/contracts';
import type { TaskView } from '@mm/contracts';
import { describe, expect, it } from 'vitest';
import { againPlan, copyOf } from './execute-again.ts';

describe('execute again', () => {
  it('follows the task state machine: same task from resolved or failed, a copy once it is done', () => {
    const kinds = Object.fromEntries(TASK_STATUSES.map((s) => [s, againPlan(s).kind]));
    expect(kinds).toEqual({
      draft: 'resolve-first',
      queued: 'resolve-first',
      resolving: 'wait',
      resolved: 'same',
      executing: 'wait',
      completed: 'copy',
      failed: 'same',
      handed_off: 'copy',
    });
    expect(againPlan('completed').why).toContain('creates a new task with the same input');
    // The same task exactly where the server's state machine lets execute run.
    for (const s of TASK_STATUSES) expect(againPlan(s).kind === 'same').toBe(taskAllows('execute', s));
  });

  it('copies what the task asks for, not what it became', () => {
    const task = {
      id: 't1',
      machineId: 'm1',
      serviceType: 'compute.marketplace',
      taskType: 'inference',
      operation: 'run-private-inference',
      status: 'completed',
      input: { messages: [{ role: 'user', content: 'hello' }] },
      constraints: {
        budget: 3,
        allowExternalHandoff: false,
        requireNativeExecution: true,
        requiredCapabilities: ['llm'],
        preferredSkillKeys: ['qvac'],
      },
      discovery: { maxCandidates: 5 },
      routeId: 'r1',
      outcomeId: 'o1',
      createdAt: '2026-01-02T10:00:00.000Z',
      updatedAt: '2026-01-02T10:00:00.000Z',
    } satisfies TaskView;
    expect(copyOf(task)).toEqual({
      serviceType: 'compute.marketplace',
      taskType: 'inference',
      operation: 'run-private-inference',
      input: { messages: [{ role: 'user', content: 'hello' }] },
      constraints: {
        budget: 3,
        allowExternalHandoff: false,
        requireNativeExecution: true,
        requiredCapabilities: ['llm'],
        preferredSkillKeys: ['qvac'],
      },
      discovery: { maxCandidates: 5 },
    });
  });
});
