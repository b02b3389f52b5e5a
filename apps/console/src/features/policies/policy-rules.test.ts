import { describe, expect, it } from 'vitest';
import { policyDraftErrors, toggleKey } from './policy-rules.ts';

const d = { allowed: '', denied: '', nativeOnly: false, handoffAllowed: true };

describe('policyDraftErrors', () => {
  it('refuses unknown skill keys', () => {
    expect(policyDraftErrors({ ...d, denied: 'qvac, nope' }, ['qvac'])).toEqual({
      deniedSkillKeys: 'unknown skill key: nope',
    });
    expect(policyDraftErrors({ ...d, allowed: 'qvac' }, ['qvac'])).toEqual({});
  });
  it('refuses contradictions', () => {
    expect(policyDraftErrors({ ...d, nativeOnly: true }, null).handoffAllowed).toMatch(/Native only/);
    expect(policyDraftErrors({ ...d, nativeOnly: true, handoffAllowed: false }, null)).toEqual({});
    expect(policyDraftErrors({ ...d, allowed: 'qvac', denied: 'qvac' }, ['qvac']).deniedSkillKeys).toMatch(/both/);
  });
});

describe('toggleKey', () => {
  it('adds and removes a key', () => {
    expect(toggleKey('a, b', 'c')).toBe('a, b, c');
    expect(toggleKey('a, b', 'a')).toBe('b');
  });
});
