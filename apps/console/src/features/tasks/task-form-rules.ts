import type { ServiceType } from '@mm/contracts';

/**
 * What the task form resets when the service type changes, and what it offers: only the catalogue's
 * operations for that service type, only known skill keys. Pure; task-form-rules.test.ts.
 */
export interface SkillLike {
  key: string;
  serviceTypes: readonly string[];
  operations: readonly string[];
}

const CHAT_INPUT = JSON.stringify({ messages: [{ role: 'user', content: 'Say hello from the machine.' }] }, null, 2);

export function operationsFor(skills: readonly SkillLike[], serviceType: ServiceType): string[] {
  const ops = new Set<string>();
  for (const s of skills) if (s.serviceTypes.includes(serviceType)) s.operations.forEach((o) => ops.add(o));
  return [...ops].sort();
}

export function skillKeysFor(skills: readonly SkillLike[], serviceType: ServiceType): string[] {
  return skills.filter((s) => s.serviceTypes.includes(serviceType)).map((s) => s.key);
}

/** The fields that depend on the service type, as a fresh form for it would have them. */
export function defaultsFor(skills: readonly SkillLike[], serviceType: ServiceType) {
  const ops = operationsFor(skills, serviceType);
  return {
    taskType: serviceType === 'compute.marketplace' ? 'inference' : (serviceType.split('.')[1] ?? serviceType),
    operation: ops.includes('run-private-inference') ? 'run-private-inference' : (ops[0] ?? ''),
    input: serviceType === 'compute.marketplace' ? CHAT_INPUT : '{}',
    preferredSkillKeys: [] as string[],
  };
}

/** Keys not in the catalogue (an answer the form refuses instead of sending). */
export function unknownKeys(keys: readonly string[], known: readonly string[]): string[] {
  const k = new Set(known);
  return keys.filter((x) => !k.has(x));
}
