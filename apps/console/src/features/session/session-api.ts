import { zSessionView } from '@mm/contracts';
import type { SessionView } from '@mm/contracts';
import { apiKeyHeaders } from '../../lib/api-key.ts';

export type SessionAnswer =
  | { kind: 'signed-in'; session: SessionView }
  /** 401: no key on a server that needs one (API_KEY_REQUIRED), or a key it does not know (API_KEY_INVALID). */
  | { kind: 'refused'; code: string; message: string }
  /** No answer, or one that is not the session (5xx, a proxy's page): try again later. */
  | { kind: 'unavailable'; message: string };

/**
 * Asks `GET /api/v1/session` who `key` is (docs/console.md "Signing in"). Without a key, a server
 * with auth off answers its one principal `local`, and a server that requires keys answers 401.
 * This is plain `fetch`, not `apiFetch`: a refused candidate key at the sign-in form must not
 * count as "the signed-in key was revoked".
 */
export async function fetchSession(key: string | null): Promise<SessionAnswer> {
  let res: Response;
  try {
    res = await fetch('/api/v1/session', { headers: { accept: 'application/json', ...apiKeyHeaders(key) } });
  } catch {
    return { kind: 'unavailable', message: 'the server could not be reached' };
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 401) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    return {
      kind: 'refused',
      code: typeof error?.code === 'string' ? error.code : 'API_KEY_INVALID',
      message: typeof error?.message === 'string' ? error.message : 'the API key is not valid',
    };
  }
  const parsed = zSessionView.safeParse((body as { item?: unknown } | null)?.item);
  if (res.ok && parsed.success) return { kind: 'signed-in', session: parsed.data };
  return { kind: 'unavailable', message: `the server answered HTTP ${res.status}` };
}
