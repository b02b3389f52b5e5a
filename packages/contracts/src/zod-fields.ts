import type { z } from 'zod';

/**
 * The one translation of zod issues into `details.fields` (`{ "constraints.budget": "must be >= 0" }`):
 * the failing paths and why, first message per path. `part` names where the value came from when
 * it is not the body (`params`, `query`), for issues on the value as a whole.
 */
export function zodIssuesToFields(error: z.ZodError, part = 'body', into: Record<string, string> = {}) {
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    into[path || `(${part})`] ??= issue.message;
  }
  return into;
}
