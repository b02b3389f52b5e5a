import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigText } from './config.ts';
import { writeTokenFile } from './token-file.ts';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-agent-config-'));
  await writeTokenFile(path.join(dir, 'mm-agent.json'), {
    agentId: 'agent-1',
    agentToken: 'secret-token',
    machineId: 'machine-1',
    server: 'http://127.0.0.1:3000/',
  });
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const yaml = `
server: http://127.0.0.1:3000
machineId: machine-1
tokenFile: mm-agent.json
leaseSeconds: 60
endpoints:
  - providerKey: QVAC
    endpointBaseUrl: http://127.0.0.1:4010
    modelAlias: llama-3.2-1b
    authTokenEnv: QVAC_TOKEN
timing:
  backoffBaseMs: 100
`;

describe('agent configuration', () => {
  it('parses YAML with defaults, resolves the token file next to the config and the token from the env', async () => {
    const file = path.join(dir, 'agent.yaml');
    await fs.writeFile(file, yaml);
    const config = await loadConfig(file, { QVAC_TOKEN: 'runtime-token' });
    expect(config).toMatchObject({
      server: 'http://127.0.0.1:3000',
      machineId: 'machine-1',
      agentId: 'agent-1',
      agentToken: 'secret-token',
      leaseSeconds: 60,
      endpoints: [
        {
          providerKey: 'qvac',
          endpointBaseUrl: 'http://127.0.0.1:4010',
          probePath: '/v1/models',
          modelAlias: 'llama-3.2-1b',
          authType: 'bearer',
          authToken: 'runtime-token',
        },
      ],
      timing: { backoffBaseMs: 100, backoffCapMs: 30_000, intervalScale: 1, probeTimeoutMs: 2_000 },
      warnings: [],
    });
  });

  it('parses JSON too, and takes server and machine from the token file when the config omits them', async () => {
    const file = path.join(dir, 'agent.json');
    await fs.writeFile(
      file,
      JSON.stringify({
        tokenFile: 'mm-agent.json',
        endpoints: [{ providerKey: 'ollama', endpointBaseUrl: 'http://10.0.0.2:11434' }],
      }),
    );
    const config = await loadConfig(file, {});
    expect(config.server).toBe('http://127.0.0.1:3000');
    expect(config.machineId).toBe('machine-1');
    expect(config.endpoints[0]!.probePath).toBe('/health');
    expect(config.leaseSeconds).toBeUndefined();
  });

  it('names every bad field by its path', () => {
    const bad = `
server: not-a-url
leaseSeconds: 10
endpoints:
  - providerKey: qvac
    endpointBaseUrl: ftp://x
    probePath: v1/models
    networkScope: moon
`;
    let message = '';
    try {
      parseConfigText(bad, 'agent.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('server: must be an http(s) URL');
    expect(message).toContain('leaseSeconds:');
    expect(message).toContain('endpoints.0.endpointBaseUrl: must be an http(s) URL');
    expect(message).toContain('endpoints.0.probePath:');
    expect(message).toContain('endpoints.0.networkScope:');
  });

  it('refuses broken YAML and a missing file with a clear message', async () => {
    expect(() => parseConfigText('endpoints: [', 'a.yaml')).toThrow(/a\.yaml: not valid YAML/);
    await expect(loadConfig(path.join(dir, 'missing.yaml'), {})).rejects.toThrow(/cannot read .*missing\.yaml: ENOENT/);
  });

  it('takes the credentials from MM_AGENT_TOKEN + MM_AGENT_ID, and refuses only one of them', async () => {
    const file = path.join(dir, 'env.yaml');
    await fs.writeFile(file, 'server: http://127.0.0.1:3000\nmachineId: m-9\n');
    await expect(loadConfig(file, { MM_AGENT_TOKEN: 't', MM_AGENT_ID: 'a-9' })).resolves.toMatchObject({
      agentId: 'a-9',
      agentToken: 't',
      machineId: 'm-9',
    });
    await expect(loadConfig(file, { MM_AGENT_TOKEN: 't' })).rejects.toThrow(/both MM_AGENT_TOKEN and MM_AGENT_ID/);
    await expect(loadConfig(file, {})).rejects.toThrow(/tokenFile: required/);
  });

  it('refuses an unset token variable, duplicate provider keys and a machine that is not the token file one', async () => {
    const a = path.join(dir, 'a.yaml');
    await fs.writeFile(a, yaml);
    await expect(loadConfig(a, {})).rejects.toThrow(/endpoints\.0\.authTokenEnv: QVAC_TOKEN is not set/);
    const b = path.join(dir, 'b.yaml');
    await fs.writeFile(
      b,
      'tokenFile: mm-agent.json\nendpoints:\n  - {providerKey: qvac, endpointBaseUrl: "http://127.0.0.1:1"}\n  - {providerKey: QVAC, endpointBaseUrl: "http://127.0.0.1:2"}\n',
    );
    await expect(loadConfig(b, {})).rejects.toThrow(/providerKey qvac appears more than once/);
    const c = path.join(dir, 'c.yaml');
    await fs.writeFile(c, 'tokenFile: mm-agent.json\nmachineId: other\n');
    await expect(loadConfig(c, {})).rejects.toThrow(/differs from the token file/);
  });

  it('warns when the token file is readable by others', async () => {
    const loose = path.join(dir, 'loose.json');
    await fs.writeFile(loose, JSON.stringify({ agentId: 'a', agentToken: 't', machineId: 'm', server: 'http://x:1' }));
    await fs.chmod(loose, 0o644);
    const file = path.join(dir, 'loose.yaml');
    await fs.writeFile(file, 'tokenFile: loose.json\n');
    const config = await loadConfig(file, {});
    expect(config.warnings.join()).toMatch(/readable by others \(mode 644\)/);
  });
});
