/**
 * The change feed (context C7, docs/liveness.md "The change feed"): a machine's audit events from a
 * position, in seq order, without gaps, across processes. Notifications only wake readers; the
 * audit table is the source of truth, read up to a horizon below which no transaction is still in
 * flight, so an event whose transaction commits late is never skipped.
 */
import type { CoreDeps } from '../deps.ts';
import { requireActiveMachine } from './machine-guard.ts';
import type { FeedEvent } from '../ports.ts';

const READ_BATCH = 500;
/** Re-read even without a notification (a lost one, a listener reconnecting): the table tells. */
const POLL_WITH_NOTIFIER_MS = 5_000;
const POLL_WITHOUT_NOTIFIER_MS = 500;

function sleep(ms: number, signal?: AbortSignal, onWake?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    onWake?.(done);
  });
}

export function createEventFeed(deps: CoreDeps) {
  const { store, notifier } = deps;

  /** Every seq up to the answer is final: its transaction committed or rolled back. */
  async function computeHorizon(): Promise<bigint> {
    const { lastSeq, inProgress } = await store.audit.feedHorizon();
    let waiting = inProgress;
    let pause = 5;
    while (waiting.length) {
      await sleep(pause);
      pause = Math.min(pause * 2, 50);
      waiting = await store.audit.stillInProgress(waiting);
    }
    return lastSeq;
  }

  // One horizon computation at a time per process; a caller that arrives while one runs gets the
  // next, which starts after its request (an older one could miss what woke it).
  let current: Promise<bigint> | null = null;
  let next: Promise<bigint> | null = null;
  function horizon(): Promise<bigint> {
    if (!current) {
      current = computeHorizon().finally(() => {
        current = null;
      });
      return current;
    }
    next ??= current
      .catch(() => 0n)
      .then(() => {
        next = null;
        return horizon();
      });
    return next;
  }

  return {
    horizon,

    /**
     * The guard of a feed is the machine guard of every read (machine-guard.ts): another owner's or
     * an unknown machine → 404; not active → 409 unless `includeInactive` (context C8); an identity
     * that no longer verifies → 403.
     */
    async assertReadable(machineId: string, includeInactive = false): Promise<void> {
      await requireActiveMachine(store, deps, machineId, { includeInactive });
    },

    /**
     * Streams `machineId`'s events after `after` (a seq), or from now when null, until `signal`
     * aborts. Every event once, in seq order; a reconnect with the last id received resumes exactly.
     */
    async *stream(machineId: string, after: bigint | null, signal: AbortSignal): AsyncGenerator<FeedEvent> {
      let dirty = true;
      let wake: (() => void) | null = null;
      const unsubscribe = notifier?.subscribe((id) => {
        if (id && id !== machineId) return;
        dirty = true;
        wake?.();
      });
      try {
        let last = after ?? (await horizon());
        while (!signal.aborted) {
          if (!dirty) {
            await sleep(notifier ? POLL_WITH_NOTIFIER_MS : POLL_WITHOUT_NOTIFIER_MS, signal, (w) => {
              wake = w;
            });
            wake = null;
            if (signal.aborted) return;
          }
          dirty = false;
          const upTo = await horizon();
          for (;;) {
            const batch = await store.audit.readAfter(machineId, last, upTo, READ_BATCH);
            for (const e of batch) {
              if (signal.aborted) return;
              yield e;
              last = BigInt(e.seq);
            }
            if (batch.length < READ_BATCH) break;
          }
        }
      } finally {
        unsubscribe?.();
      }
    },
  };
}
export type EventFeed = ReturnType<typeof createEventFeed>;
