import { parseList } from '../../lib/format.ts';

/**
 * The policy form's own checks, before anything is sent: skill keys must be in the catalogue, a key
 * cannot be both allowed and denied, and "native only" contradicts "handoff allowed". Returns field
 * errors keyed like the server's (`allowedSkillKeys`, …). Pure; policy-rules.test.ts.
 */
export function policyDraftErrors(
  d: { allowed: string; denied: string; nativeOnly: boolean; handoffAllowed: boolean },
  knownSkillKeys: readonly string[] | null,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const allowed = parseList(d.allowed);
  const denied = parseList(d.denied);
  if (knownSkillKeys) {
    const known = new Set(knownSkillKeys);
    const bad = (keys: string[]) => keys.filter((k) => !known.has(k));
    const badAllowed = bad(allowed);
    const badDenied = bad(denied);
    if (badAllowed.length)
      errors.allowedSkillKeys = `unknown skill key${badAllowed.length > 1 ? 's' : ''}: ${badAllowed.join(', ')}`;
    if (badDenied.length)
      errors.deniedSkillKeys = `unknown skill key${badDenied.length > 1 ? 's' : ''}: ${badDenied.join(', ')}`;
  }
  const both = allowed.filter((k) => denied.includes(k));
  if (both.length && !errors.deniedSkillKeys) errors.deniedSkillKeys = `both allowed and denied: ${both.join(', ')}`;
  if (d.nativeOnly && d.handoffAllowed)
    errors.handoffAllowed = '“Native only” never hands off: turn off “Handoff allowed”, or “Native only”';
  return errors;
}

/** Adds or removes one key in a comma-separated list. */
export function toggleKey(list: string, key: string): string {
  const keys = parseList(list);
  return (keys.includes(key) ? keys.filter((k) => k !== key) : [...keys, key]).join(', ');
}
