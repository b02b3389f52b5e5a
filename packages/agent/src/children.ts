/**
 * Child processes for the demo and the integration tests: the server, the fake runtime and the agent
 * run as real processes, and each is stopped by its own pid, never by name.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const SCRIPTS = {
  server: path.join(REPO_ROOT, 'apps/server/src/main.ts'),
  fakeRuntime: path.join(REPO_ROOT, 'packages/fake-runtime/src/cli.ts'),
  agent: path.join(REPO_ROOT, 'packages/agent/src/cli.ts'),
};

/** A port the OS just handed out on loopback (free now; bind it soon). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something already listens on the loopback port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface Child {
  name: string;
  proc: ChildProcess;
  /** Complete stdout lines so far. */
  lines: string[];
  stderr: string[];
  /** Resolves with the exit code (or 128 + signal number style: null code → -1). */
  exited: Promise<number>;
  exitCode: number | null;
  /** Sends `signal` (default SIGTERM) and waits; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number>;
  onLine(fn: (line: string) => void): void;
}

export interface StartOptions {
  name: string;
  script: string;
  args?: string[];
  env?: Record<string, string | undefined>;
  /** Echo each output line with a prefix (the demo); tests keep them quiet. */
  echo?: (line: string) => void;
}

/** Runs a TypeScript entry point with `node --import tsx`, from the repository root. */
export function startChild(opts: StartOptions): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', opts.script, ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  const listeners: Array<(line: string) => void> = [];
  const split = (sink: string[], notify: boolean) => {
    let rest = '';
    return (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        sink.push(line);
        opts.echo?.(line);
        if (notify) for (const fn of listeners) fn(line);
      }
    };
  };
  proc.stdout?.on('data', split(lines, true));
  proc.stderr?.on('data', split(stderr, false));
  const child: Child = {
    name: opts.name,
    proc,
    lines,
    stderr,
    exitCode: null,
    exited: new Promise((resolve) => {
      proc.on('exit', (code) => {
        child.exitCode = code ?? -1;
        resolve(code ?? -1);
      });
    }),
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode !== null) return child.exitCode;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const code = await child.exited;
      clearTimeout(timer);
      return code;
    },
    onLine(fn) {
      listeners.push(fn);
    },
  };
  return child;
}

/** Polls `GET url` until it answers 2xx; fails after `timeoutMs` or when `child` exits first. */
export async function waitForHealth(url: string, timeoutMs: number, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`${child.name} exited with ${child.exitCode}:\n${child.stderr.slice(-20).join('\n')}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** Parses the JSON log lines of an agent. */
export type LogLine = Record<string, unknown> & { ts: string; event: string };

export function jsonLines(lines: string[]): LogLine[] {
  return lines.flatMap((l): LogLine[] => {
    try {
      const v = JSON.parse(l) as LogLine | null;
      return v && typeof v === 'object' && typeof v.event === 'string' ? [v] : [];
    } catch {
      return [];
    }
  });
}
