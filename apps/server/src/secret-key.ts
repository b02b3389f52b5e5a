import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseSecretKey } from '@mm/core';

/**
 * The key that encrypts runtime credentials. From `MM_SECRET_KEY`, else read from (or generated
 * into) `<dataDir>/secret.key` with mode 0600. Losing that file makes stored tokens unreadable.
 */
export function loadSecretKey(configured: string | undefined, dataDir: string): { key: Buffer; source: string } {
  if (configured) return { key: parseSecretKey(configured), source: 'MM_SECRET_KEY' };
  const file = path.join(dataDir, 'secret.key');
  if (fs.existsSync(file)) return { key: parseSecretKey(fs.readFileSync(file, 'utf8')), source: file };
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' });
  return { key, source: `${file} (generated)` };
}
