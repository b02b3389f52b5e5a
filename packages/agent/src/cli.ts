/**
 * `mm-agent enroll …` and `mm-agent run --config …`: the machine-side agent's command line. The only
 * file of the package that reads the process environment and installs signal handlers.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { createJsonLogger } from './log.ts';
import type { Logger } from './log.ts';
import { EXIT, runLoop } from './loop.ts';
import { probeEndpoint } from './probe.ts';
import { createServerClient, ServerError } from './server-client.ts';
import { DEFAULT_TOKEN_FILE, TokenFileError, writeTokenFile } from './token-file.ts';

const USAGE = `mm-agent: the Machine Markets machine-side agent

  mm-agent enroll --server <url> --machine <machineId> [--label <text>] [--provider-keys qvac,…]
                  [--api-key <key> | env MM_API_KEY] [--token-file <path>] [--force]
      Enrols a new agent for the machine and writes {agentId, agentToken, machineId, server} to the
      token file (default ./${DEFAULT_TOKEN_FILE}, mode 0600). Refuses to replace it without --force.

  mm-agent run --config <file.yaml|file.json>
      Probes the local runtime endpoints named in the configuration and heartbeats them to the
      server until SIGTERM/SIGINT. The token comes from the config's tokenFile, or from the
      environment (MM_AGENT_TOKEN and MM_AGENT_ID).

Exit codes: 0 stopped by a signal, 2 bad usage or configuration, 3 refused by the server, 4 revoked.
Logs are JSON lines on stdout; the token never appears in them.`;

async function enroll(args: string[], log: Logger): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      server: { type: 'string' },
      machine: { type: 'string' },
      label: { type: 'string' },
      'provider-keys': { type: 'string' },
      'api-key': { type: 'string' },
      'token-file': { type: 'string', default: DEFAULT_TOKEN_FILE },
      force: { type: 'boolean', default: false },
    },
  });
  if (!values.server || !values.machine) {
    log.log('error', 'usage', { message: 'enroll needs --server <url> and --machine <machineId>' });
    return EXIT.config;
  }
  const tokenFile = path.resolve(values['token-file']);
  const providerKeys = values['provider-keys']
    ?.split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const client = createServerClient({
    server: values.server,
    requestTimeoutMs: 15_000,
    apiKey: values['api-key'] ?? process.env.MM_API_KEY,
  });
  try {
    const agent = await client.enroll(values.machine, {
      ...(values.label && { label: values.label }),
      ...(providerKeys && { allowedProviderKeys: providerKeys }),
    });
    await writeTokenFile(
      tokenFile,
      { agentId: agent.id, agentToken: agent.agentToken, machineId: agent.machineId, server: values.server },
      { force: values.force },
    );
    log.log('info', 'enrolled', {
      agentId: agent.id,
      machineId: agent.machineId,
      allowedProviderKeys: agent.allowedProviderKeys,
      tokenFile,
    });
    return 0;
  } catch (err) {
    if (err instanceof ServerError || err instanceof TokenFileError) {
      log.log('error', 'enroll-failed', {
        message: err.message,
        ...(err instanceof ServerError && { httpStatus: err.httpStatus ?? null, code: err.code ?? null }),
      });
      if (err instanceof TokenFileError) return EXIT.config;
      return err.httpStatus === undefined ? 1 : EXIT.rejected;
    }
    throw err;
  }
}

async function run(args: string[], log: Logger): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
  if (!values.config) {
    log.log('error', 'usage', { message: 'run needs --config <file.yaml|file.json>' });
    return EXIT.config;
  }
  // Handlers first: a signal that arrives while the configuration loads must still exit 0.
  const controller = new AbortController();
  const stop = (signal: string) => {
    if (controller.signal.aborted) process.exit(EXIT.stopped); // a second signal: no more waiting
    log.log('info', 'signal', { signal });
    controller.abort();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const config = await loadConfig(path.resolve(values.config), process.env);
  if (controller.signal.aborted) return EXIT.stopped;
  const client = createServerClient({ server: config.server, requestTimeoutMs: config.timing.requestTimeoutMs });
  return runLoop(
    config,
    {
      now: Date.now,
      random: Math.random,
      sleep: (ms, signal) => sleep(ms, undefined, { signal }),
      probe: (endpoint, signal) => probeEndpoint(endpoint, { timeoutMs: config.timing.probeTimeoutMs, signal }),
      heartbeat: (req, signal) => client.heartbeat(req, config.agentToken, signal),
      log,
    },
    controller.signal,
  );
}

export async function main(argv: string[]): Promise<number> {
  const log = createJsonLogger();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'enroll':
        return await enroll(rest, log);
      case 'run':
        return await run(rest, log);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? EXIT.config : 0;
      default:
        log.log('error', 'usage', { message: `unknown command ${command}; try mm-agent help` });
        return EXIT.config;
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof TokenFileError) {
      log.log('error', 'config-error', { message: err.message });
      return EXIT.config;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      log.log('error', 'usage', { message: err.message });
      return EXIT.config;
    }
    log.log('error', 'crash', { message: err instanceof Error ? err.message : String(err) });
    return 1;
  }
}

// Exit explicitly: keep-alive sockets to the server must not hold a stopping agent open.
process.exit(await main(process.argv.slice(2)));
