/**
 * Group commit (docs/liveness.md "Heartbeats in batches"): what callers submit while a flush is
 * pending, or while `maxInFlight` batches are being written, goes to the database together in one
 * `run` call. When idle a lone item leaves at the next turn of the event loop (`setImmediate`), so
 * batching adds no wait of its own; under load batches grow by themselves. Each caller's promise
 * settles with its own item's result once its batch's `run` settled (after commit); a `run` that
 * throws rejects every caller of that batch.
 */
export interface BatcherOptions {
  /** Items per `run` call at most. */
  maxBatch: number;
  /** `run` calls in progress at once at most; the rest queue up and batch. */
  maxInFlight: number;
}

export interface Batcher<I, O> {
  submit(item: I): Promise<O>;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

export function createBatcher<I, O>(run: (items: I[]) => Promise<O[]>, opts: BatcherOptions): Batcher<I, O> {
  let queue: Pending<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;

  const schedule = () => {
    if (scheduled || inFlight >= opts.maxInFlight || !queue.length) return;
    scheduled = true;
    setImmediate(flush);
  };

  const settle = (batch: Pending<I, O>[], results: O[]) => {
    batch.forEach((p, i) => {
      const result = results[i];
      if (result === undefined) p.reject(new Error('batch answered fewer results than items'));
      else p.resolve(result);
    });
  };

  function flush() {
    scheduled = false;
    while (queue.length && inFlight < opts.maxInFlight) {
      const batch = queue.slice(0, opts.maxBatch);
      queue = queue.slice(opts.maxBatch);
      inFlight += 1;
      // `run` is async: a throw inside it is a rejection, settled below.
      void run(batch.map((p) => p.item))
        .then(
          (results) => settle(batch, results),
          (err: unknown) => {
            for (const p of batch) p.reject(err);
          },
        )
        .finally(() => {
          inFlight -= 1;
          schedule();
        });
    }
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
  };
}
