import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTokenFile, TokenFileError, writeTokenFile } from './token-file.ts';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-agent-token-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const data = { agentId: 'a-1', agentToken: 'tok-1', machineId: 'm-1', server: 'http://127.0.0.1:3000' };

describe('token file', () => {
  it('is created owner-only and reads back', async () => {
    const file = path.join(dir, 'one.json');
    await writeTokenFile(file, data);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await readTokenFile(file)).toEqual({ ...data, warnings: [] });
  });

  it('is never overwritten without force, and replaced whole with it (still 0600)', async () => {
    const file = path.join(dir, 'two.json');
    await writeTokenFile(file, data);
    await expect(writeTokenFile(file, { ...data, agentToken: 'tok-2' })).rejects.toThrow(TokenFileError);
    expect((await readTokenFile(file)).agentToken).toBe('tok-1');
    await writeTokenFile(file, { ...data, agentToken: 'tok-2' }, { force: true });
    expect((await readTokenFile(file)).agentToken).toBe('tok-2');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('names the missing fields of a broken file without echoing its content', async () => {
    const file = path.join(dir, 'bad.json');
    await fs.writeFile(file, JSON.stringify({ agentToken: 'do-not-print' }), { mode: 0o600 });
    const err = (await readTokenFile(file).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(TokenFileError);
    expect(err.message).toMatch(/agentId, machineId, server/);
    expect(err.message).not.toContain('do-not-print');
  });
});
