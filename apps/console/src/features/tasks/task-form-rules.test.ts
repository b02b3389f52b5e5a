import { describe, expect, it } from 'vitest';
import { defaultsFor, operationsFor, skillKeysFor, unknownKeys } from './task-form-rules.ts';

const skills = [
  { key: 'qvac', serviceTypes: ['compute.marketplace'], operations: ['run-private-inference', 'embed'] },
  { key: 's3', serviceTypes: ['storage.object'], operations: ['put-object'] },
];

describe('task form rules', () => {
  it('offers only the operations and skills of the chosen service type', () => {
    expect(operationsFor(skills, 'compute.marketplace')).toEqual(['embed', 'run-private-inference']);
    expect(operationsFor(skills, 'oracle.price-feed')).toEqual([]);
    expect(skillKeysFor(skills, 'storage.object')).toEqual(['s3']);
  });
  it('resets task type, operation and the chat input when the service type changes', () => {
    expect(defaultsFor(skills, 'compute.marketplace')).toMatchObject({
      taskType: 'inference',
      operation: 'run-private-inference',
    });
    expect(defaultsFor(skills, 'compute.marketplace').input).toContain('messages');
    expect(defaultsFor(skills, 'storage.object')).toEqual({
      taskType: 'object',
      operation: 'put-object',
      input: '{}',
      preferredSkillKeys: [],
    });
  });
  it('names unknown keys', () => {
    expect(unknownKeys(['qvac', 'nope'], ['qvac'])).toEqual(['nope']);
  });
});
