import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Encrypts credentials at rest (AES-256-GCM, context B8). With a `context` (associated data) the
 * ciphertext is `v2.<iv>.<tag>.<data>` and opens only under the same context: a runtime credential
 * is sealed to its endpoint (machine, provider, URL origin; docs/trust.md "Credentials"), so a
 * ciphertext copied to another row or left behind after a URL change does not decrypt.
 * `v1` ciphertexts (no context, written before the binding existed) still open; every write that
 * carries a token rewrites it as v2.
 */
export interface SecretBox {
  seal(plain: string, context?: string): string;
  open(sealed: string, context?: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('MM_SECRET_KEY must decode to 32 bytes');
  return {
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      const version = context === undefined ? 'v1' : 'v2';
      return [version, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [version, iv, tag, data] = sealed.split('.');
      if ((version !== 'v1' && version !== 'v2') || !iv || !tag || data === undefined) {
        throw new Error('unrecognised ciphertext');
      }
      if (version === 'v2' && context === undefined) throw new Error('this ciphertext needs its context');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      if (version === 'v2') decipher.setAAD(Buffer.from(context ?? '', 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The associated data that binds a runtime credential to its endpoint: machine, provider key and
 * the normalised URL origin (scheme, host, port). docs/trust.md "Credentials".
 */
export function endpointCredentialContext(machineId: string, providerKey: string, endpointBaseUrl: string): string {
  return JSON.stringify([
    'runtime-endpoint-credential',
    machineId,
    providerKey.toLowerCase(),
    new URL(endpointBaseUrl).origin,
  ]);
}

/** Parses `MM_SECRET_KEY`: 64 hex characters or base64 of 32 bytes. */
export function parseSecretKey(value: string): Buffer {
  const trimmed = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('MM_SECRET_KEY must be 32 bytes, as 64 hex characters or base64');
  return key;
}

/** A one-time agent token: 32 random bytes, prefixed so it is recognisable in a leak scanner. */
export function newAgentToken(): string {
  return `mma_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented token against a stored hash. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(token), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
