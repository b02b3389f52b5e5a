/**
 * The one helper for periodic background passes (lease sweep, execution recovery, probes,
 * retention): a name, a period, an in-flight guard so passes never overlap, and a stop that waits
 * for the pass in flight. The pass itself is a core use case; every process runs it and the pass is
 * safe with several (docs/concurrency.md).
 */
export interface PeriodicLog {
  info(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface PeriodicWorker {
  readonly name: string;
  /** Runs a pass now unless one is in flight; resolves when the pass (or the one in flight) ends. */
  runNow(): Promise<void>;
  /**
   * Asks for a pass that starts after this call: now, or right after the one in flight (which may
   * have read its rows before the caller's write committed). Requests during a pass coalesce.
   */
  kick(): void;
  stop(): Promise<void>;
}

export function startPeriodic(opts: {
  name: string;
  periodMs: number;
  /** One pass; a number it answers is logged when non-zero (rows changed). */
  pass: () => Promise<number | void>;
  log: PeriodicLog;
}): PeriodicWorker {
  let inFlight: Promise<void> | null = null;
  let stopped = false;
  let failing = false;
  let lastFailure = 0;
  // A failure episode ends after a quiet stretch without failures (as the store's outage log does),
  // so a pass that fails, succeeds and fails again during one flapping outage logs once.
  const quietMs = Math.max(2_000, 2 * opts.periodMs);
  let again = false;
  const runNow = () => {
    if (stopped) return Promise.resolve();
    inFlight ??= opts
      .pass()
      .then((n) => {
        if (Date.now() - lastFailure >= quietMs) failing = false;
        if (typeof n === 'number' && n > 0) opts.log.info({ worker: opts.name, changed: n }, `${opts.name}: pass done`);
      })
      .catch((err: unknown) => {
        // One line per failure episode: a database outage would otherwise log on every tick.
        if (!failing) opts.log.error({ worker: opts.name, err }, `${opts.name}: pass failed; retrying every tick`);
        failing = true;
        lastFailure = Date.now();
      })
      .finally(() => {
        inFlight = null;
        if (again) {
          again = false;
          void runNow();
        }
      });
    return inFlight;
  };
  const timer = setInterval(() => void runNow(), opts.periodMs);
  timer.unref();
  return {
    name: opts.name,
    runNow,
    kick() {
      if (stopped) return;
      if (inFlight) again = true;
      else void runNow();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
