/**
 * `pnpm demo`: a live machine in the console within seconds. Starts the server (embedded database
 * in `.data-demo/`), the fake OpenAI-compatible runtime on loopback, creates the machine "Demo
 * rover" (once), enrols an agent (once; its token file is kept in `.data-demo/`), writes the
 * agent's configuration and runs `mm-agent run`. Ctrl-C stops all three children.
 *
 * Ports: MM_DEMO_PORT (default 3000) and MM_DEMO_RUNTIME_PORT (default 4010); a busy one is replaced
 * by a free one, and the URLs printed at the end say which.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { zMachineView } from '@mm/contracts';
import { z } from 'zod';
import { freePort, portInUse, REPO_ROOT, SCRIPTS, startChild, waitForHealth } from './children.ts';
import type { Child } from './children.ts';
import { readTokenFile } from './token-file.ts';

const DATA_DIR = path.join(REPO_ROOT, '.data-demo');
const TOKEN_FILE = path.join(DATA_DIR, 'mm-agent.json');
const CONFIG_FILE = path.join(DATA_DIR, 'agent.yaml');
const MACHINE_NAME = 'Demo rover';

const say = (msg: string) => process.stdout.write(`[demo] ${msg}\n`);
const prefixed = (name: string) => (line: string) => process.stdout.write(`[${name}] ${line}\n`);

async function pickPort(preferred: number, what: string): Promise<number> {
  if (!(await portInUse(preferred))) return preferred;
  const port = await freePort();
  say(`port ${preferred} is busy; ${what} uses ${port} instead`);
  return port;
}

function api(base: string) {
  return async <T>(method: string, url: string, schema: z.ZodType<T>, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/api/v1${url}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(json)}`);
    return schema.parse(json);
  };
}

async function demoMachine(call: ReturnType<typeof api>): Promise<string> {
  let cursor: string | undefined;
  do {
    const page = await call(
      'GET',
      `/machines?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      z.object({ items: z.array(zMachineView), nextCursor: z.string().optional() }),
    );
    const found = page.items.find((m) => m.displayName === MACHINE_NAME && m.status === 'active');
    if (found) {
      say(`using machine "${MACHINE_NAME}" (${found.id})`);
      return found.id;
    }
    cursor = page.nextCursor;
  } while (cursor);
  const { item } = await call('POST', '/machines', z.object({ item: zMachineView }), {
    displayName: MACHINE_NAME,
    identityRef: `peaqos:machine:demo-rover-${Date.now().toString(36)}`,
    machineType: 'rover',
  });
  say(`created machine "${MACHINE_NAME}" (${item.id})`);
  return item.id;
}

/** Reuses the stored agent while the server still knows it and it is not revoked; else enrols a new one. */
async function ensureAgent(base: string, machineId: string): Promise<void> {
  try {
    const saved = await readTokenFile(TOKEN_FILE);
    if (saved.machineId === machineId) {
      const res = await fetch(`${base}/api/v1/machines/${machineId}/agents/${saved.agentId}`);
      const body = (await res.json()) as { item?: { status?: string } };
      if (res.ok && body.item?.status !== 'revoked') {
        say(`using enrolled agent ${saved.agentId} (${path.relative(REPO_ROOT, TOKEN_FILE)})`);
        return;
      }
    }
  } catch {
    // no usable token file: enrol below
  }
  const enroll = startChild({
    name: 'agent',
    script: SCRIPTS.agent,
    args: ['enroll', '--server', base, '--machine', machineId, '--label', 'Demo rover agent'].concat([
      '--token-file',
      TOKEN_FILE,
      '--force', // the old file's agent is unknown, revoked or of another machine
    ]),
    echo: prefixed('agent'),
  });
  children.push(enroll);
  const code = await enroll.exited;
  if (code !== 0) throw new Error(`mm-agent enroll exited with ${code}`);
}

const children: Child[] = [];
let stopping = false;

/** Stops the children newest first (agent, runtime, server), each by its own pid, then exits. */
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  say('stopping agent, runtime and server…');
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null) continue;
    const exit = await child.stop('SIGTERM', 10_000);
    say(`${child.name} exited (${exit})`);
  }
  process.exit(code);
}

async function main() {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  const watch = (child: Child) =>
    void child.exited.then((code) => {
      if (!stopping) {
        say(`${child.name} exited unexpectedly (${code})`);
        void stopAll(1);
      }
    });

  await fs.mkdir(DATA_DIR, { recursive: true, mode: 0o700 });
  const port = await pickPort(Number(process.env.MM_DEMO_PORT ?? 3000), 'the server');
  const runtimePort = await pickPort(Number(process.env.MM_DEMO_RUNTIME_PORT ?? 4010), 'the runtime');
  const base = `http://127.0.0.1:${port}`;

  say(`starting the server on ${base} (embedded database in ${path.relative(REPO_ROOT, DATA_DIR)}/server)…`);
  const server = startChild({
    name: 'server',
    script: SCRIPTS.server,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      MM_DATA_DIR: path.join(DATA_DIR, 'server'),
      MM_LEASE_SWEEP_MS: '1000',
      LOG_LEVEL: 'warn',
    },
    echo: prefixed('server'),
  });
  children.push(server);
  watch(server);
  await waitForHealth(`${base}/health`, 180_000, server);

  const runtime = startChild({
    name: 'runtime',
    script: SCRIPTS.fakeRuntime,
    args: ['--port', String(runtimePort)],
    echo: prefixed('runtime'),
  });
  children.push(runtime);
  watch(runtime);
  await waitForHealth(`http://127.0.0.1:${runtimePort}/v1/models`, 60_000, runtime);

  const call = api(base);
  const machineId = await demoMachine(call);
  await ensureAgent(base, machineId);
  await fs.writeFile(
    CONFIG_FILE,
    [
      '# Written by `pnpm demo`. See docs/liveness.md ("The machine-side agent") for every field.',
      `server: ${base}`,
      `machineId: ${machineId}`,
      'tokenFile: mm-agent.json',
      'leaseSeconds: 30',
      'endpoints:',
      '  - providerKey: qvac',
      `    endpointBaseUrl: http://127.0.0.1:${runtimePort}`,
      '    probePath: /v1/models',
      '    label: Demo QVAC (fake runtime)',
      '    modelAlias: fake-llm-1',
      '    networkScope: loopback',
      '',
    ].join('\n'),
  );
  const agent = startChild({
    name: 'agent',
    script: SCRIPTS.agent,
    args: ['run', '--config', CONFIG_FILE],
    echo: prefixed('agent'),
  });
  children.push(agent);
  watch(agent);

  // The endpoint of an earlier run may still hold a lease: wait for this agent's own heartbeat.
  const firstBeat = new Promise<void>((resolve) =>
    agent.onLine((line) => {
      if (line.includes('"event":"heartbeat"')) resolve();
    }),
  );
  await Promise.race([
    firstBeat,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('the agent sent no heartbeat within 60 s')), 60_000).unref(),
    ),
  ]);
  const deadline = Date.now() + 60_000;
  const zEndpoint = z.object({ item: z.object({ status: z.string(), leaseExpiresAt: z.string().nullable() }) });
  for (;;) {
    const res = await fetch(`${base}/api/v1/machines/${machineId}/runtime-endpoints/qvac`);
    const parsed = zEndpoint.safeParse(await res.json());
    if (parsed.success && parsed.data.item.status === 'active' && parsed.data.item.leaseExpiresAt) break;
    if (Date.now() > deadline) throw new Error('the qvac endpoint did not come up within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  say('ready: "Demo rover" has a healthy, leased qvac endpoint heartbeated by its agent.');
  say(`console: ${base}/`);
  say(`machine: ${base}/machines/${machineId}/endpoints`);
  say(`agent config: ${path.relative(REPO_ROOT, CONFIG_FILE)}; press Ctrl-C to stop all three.`);
}

main().catch((err: unknown) => {
  process.stderr.write(`[demo] failed: ${err instanceof Error ? err.message : String(err)}\n`);
  void stopAll(1);
});
