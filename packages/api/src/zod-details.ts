import type { ZodError } from 'zod';

/** `{ fields: { "constraints.budget": "must be >= 0" } }`: the failing paths and why. */
export function zodIssuesToDetails(error: ZodError): { fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '(body)';
    fields[path] ??= issue.message;
  }
  return { fields };
}
