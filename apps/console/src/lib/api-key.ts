/**
 * The API key the operator signed in with (docs/console.md "Signing in"). It lives in this tab's
 * sessionStorage only: never localStorage (it would outlive the tab and reach other tabs), never a
 * URL (history, logs, Referer), never the console log. Every call the console makes goes through
 * `apiFetch` or `apiKeyHeaders`, so none can forget it; a 401 answer to a call that carried the
 * current key signs the tab out (`onUnauthorized`).
 */

const STORAGE_KEY = 'mm.apiKey';
/** Everything the console keeps in sessionStorage starts with this; signing out removes it all. */
const OWN_PREFIX = 'mm.';

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

export function readApiKey(): string | null {
  try {
    return storage()?.getItem(STORAGE_KEY) || null;
  } catch {
    return null;
  }
}

export function storeApiKey(key: string): void {
  storage()?.setItem(STORAGE_KEY, key);
}

/** Forgets the key and whatever else this tab kept for the principal (discovery results). */
export function forgetSession(): void {
  const s = storage();
  if (!s) return;
  for (const k of Object.keys(s)) if (k.startsWith(OWN_PREFIX)) s.removeItem(k);
}

export function apiKeyHeaders(key: string | null = readApiKey()): Record<string, string> {
  return key ? { 'x-api-key': key } : {};
}

type Listener = (sentKey: string | null) => void;
const listeners = new Set<Listener>();

/** Called with the key a refused call carried (null: none); returns the unsubscribe. */
export function onUnauthorized(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Reports a 401. A call that carried an older key (sent before a sign-in) is ignored, so a late
 * answer to it cannot sign the new principal out.
 */
export function reportUnauthorized(sentKey: string | null): void {
  if (sentKey !== readApiKey()) return;
  for (const l of listeners) l(sentKey);
}

/** `fetch` with the key (unless the caller set one) that reports a 401 answer. */
export async function apiFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('x-api-key')) for (const [k, v] of Object.entries(apiKeyHeaders())) headers.set(k, v);
  const res = await fetch(input, { ...init, headers });
  if (res.status === 401) reportUnauthorized(headers.get('x-api-key'));
  return res;
}
