/**
 * The token file: `{agentId, agentToken, machineId, server}`, created owner-only (0600) like an SSH
 * key. It is written once at enrolment; replacing it needs an explicit `--force`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const DEFAULT_TOKEN_FILE = 'mm-agent.json';

export const zTokenFile = z.object({
  agentId: z.string().min(1),
  agentToken: z.string().min(1),
  machineId: z.string().min(1),
  server: z.string().min(1),
});
export type TokenFile = z.infer<typeof zTokenFile>;

export class TokenFileError extends Error {
  override name = 'TokenFileError';
}

/**
 * Writes the file with mode 0600. Without `force` the create is exclusive, so an existing file (an
 * enrolled agent's only copy of its token) is never clobbered; with it, a temporary file is renamed
 * over the old one so a crash leaves either the old or the new token, never half of one.
 */
export async function writeTokenFile(file: string, data: TokenFile, opts: { force?: boolean } = {}): Promise<void> {
  const body = `${JSON.stringify(data, null, 2)}\n`;
  const target = opts.force ? `${file}.${process.pid}.tmp` : file;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(target, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new TokenFileError(`${file} already exists; pass --force to replace it (the old token is lost)`);
    }
    throw err;
  }
  try {
    await handle.chmod(0o600); // the umask cannot widen it, but an odd one must not narrow it away from the owner either
    await handle.writeFile(body, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (opts.force) await fs.rename(target, file);
}

export async function readTokenFile(file: string): Promise<TokenFile & { warnings: string[] }> {
  let text: string;
  let mode: number;
  try {
    text = await fs.readFile(file, 'utf8');
    mode = (await fs.stat(file)).mode;
  } catch (err) {
    throw new TokenFileError(`cannot read token file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TokenFileError(`token file ${file} is not JSON`);
  }
  const parsed = zTokenFile.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new TokenFileError(`token file ${file} lacks or has bad fields: ${fields}`);
  }
  const warnings =
    process.platform !== 'win32' && (mode & 0o077) !== 0
      ? [`token file ${path.basename(file)} is readable by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`]
      : [];
  return { ...parsed.data, warnings };
}
