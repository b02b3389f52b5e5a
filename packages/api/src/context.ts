import type { Caller, Services } from '@mm/core';

export interface Context {
  services: Services;
  caller: Caller;
  /** Throws AppError(API_KEY_REQUIRED | API_KEY_INVALID) when API auth is on and the key is wrong. */
  authenticate(): void;
  /** Aborts when the server shuts down: open subscriptions end (events.onMachine). */
  shutdown?: AbortSignal;
}
