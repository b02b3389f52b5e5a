/**
 * One JSON line per event on stdout (`{"ts","level","event",…}`), so a supervisor (systemd, Docker)
 * or a test can read them. Nothing that reaches a logger may hold a token: callers pass ids only.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, string | number | boolean | null | undefined | string[] | object>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

export function createJsonLogger(
  write: (line: string) => void = (l) => process.stdout.write(l),
  now = () => new Date(),
): Logger {
  return {
    log(level, event, fields = {}) {
      write(`${JSON.stringify({ ts: now().toISOString(), level, event, ...fields })}\n`);
    },
  };
}

/** A logger that keeps its lines in memory (tests). */
export function createMemoryLogger(): Logger & { lines: Array<{ level: LogLevel; event: string } & LogFields> } {
  const lines: Array<{ level: LogLevel; event: string } & LogFields> = [];
  return {
    lines,
    log(level, event, fields = {}) {
      lines.push({ level, event, ...fields });
    },
  };
}
