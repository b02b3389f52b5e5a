import type { SecretBox } from './lib/secrets.ts';
import type { Clock, Store } from './ports.ts';

export interface CoreConfig {
  /** `off` (quick start) or `required` (hosted): context A1/B2. */
  identityVerification: 'off' | 'required';
  /** Per-attempt timeout of a runtime call (context B9, `MM_RUNTIME_TIMEOUT_MS`). */
  runtimeTimeoutMs: number;
}

export interface CoreDeps {
  store: Store;
  clock: Clock;
  secrets: SecretBox;
  config: CoreConfig;
}

/** Who is calling: goes into audit `actor` and machine `ownerId`. */
export interface Caller {
  actor: string;
  ownerId: string;
}

export const API_CALLER: Caller = { actor: 'api', ownerId: 'local' };
export const SYSTEM_ACTOR = 'system:machine-markets';

export function toPage(query: { limit?: number | undefined; cursor?: string | undefined }) {
  return { limit: query.limit ?? 100, cursor: query.cursor };
}
