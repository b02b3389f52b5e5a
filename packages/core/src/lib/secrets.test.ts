import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  createSecretBox,
  endpointCredentialContext,
  hashToken,
  newAgentToken,
  parseSecretKey,
  tokenMatches,
} from './secrets.ts';

// Wrap timingSafeEqual so the test can see that token comparison goes through it (context B8).
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 9);

/** Flips one byte of one dot-separated part (1 = iv, 2 = tag, 3 = data) of a sealed value. */
function tamper(sealed: string, part: 1 | 2 | 3): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

// Context B8: authToken is stored encrypted with AES-256-GCM under MM_SECRET_KEY.
describe('secret box', () => {
  it('opens what it sealed, including non-ASCII text', () => {
    const box = createSecretBox(KEY);
    for (const plain of ['tok-secret-123', 'Bearer äöü ✓ 令牌', 'x'.repeat(2048)]) {
      expect(box.open(box.seal(plain))).toBe(plain);
    }
  });

  it('seals the same plaintext differently each time (fresh IV)', () => {
    const box = createSecretBox(KEY);
    const a = box.seal('same');
    const b = box.seal('same');
    expect(a).not.toBe(b);
    expect(box.open(a)).toBe('same');
    expect(box.open(b)).toBe('same');
  });

  it('never carries the plaintext, raw or base64-encoded, in the ciphertext', () => {
    const box = createSecretBox(KEY);
    const plain = 'super-secret-runtime-token-0123456789';
    const sealed = box.seal(plain);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(plain);
    expect(sealed).not.toContain(Buffer.from(plain).toString('base64url').slice(0, 16));
    expect(sealed).not.toContain(Buffer.from(plain).toString('base64').slice(0, 16));
    expect(sealed).not.toContain(Buffer.from(plain).toString('hex').slice(0, 16));
  });

  it.each([
    [1, 'iv'],
    [2, 'auth tag'],
    [3, 'data'],
  ] as const)('refuses a ciphertext whose part %s (%s) was changed', (part, _name) => {
    const box = createSecretBox(KEY);
    const sealed = box.seal('tok-secret-123');
    expect(() => box.open(tamper(sealed, part))).toThrow();
  });

  it('refuses malformed ciphertexts', () => {
    const box = createSecretBox(KEY);
    const sealed = box.seal('abc');
    expect(() => box.open(sealed.replace(/^v1/, 'v2'))).toThrow();
    expect(() => box.open('tok-secret-123')).toThrow();
    expect(() => box.open(sealed.split('.').slice(0, 2).join('.'))).toThrow();
  });

  it('cannot be opened with another key', () => {
    const sealed = createSecretBox(KEY).seal('tok-secret-123');
    expect(() => createSecretBox(OTHER_KEY).open(sealed)).toThrow();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createSecretBox(Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => createSecretBox(Buffer.alloc(33))).toThrow(/32 bytes/);
  });
});

describe('agent tokens', () => {
  it('are random, prefixed and carry at least 32 bytes of entropy (context B8)', () => {
    const a = newAgentToken();
    const b = newAgentToken();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^mma_[\w-]+$/);
    expect(Buffer.from(a.slice(4), 'base64url').length).toBeGreaterThanOrEqual(32);
  });

  it('match only their own hash, and never the hash compared as text', () => {
    const token = newAgentToken();
    const stored = hashToken(token);
    expect(stored).not.toContain(token);
    expect(tokenMatches(token, stored)).toBe(true);
    expect(tokenMatches(`${token}x`, stored)).toBe(false);
    expect(tokenMatches(newAgentToken(), stored)).toBe(false);
    expect(tokenMatches('', stored)).toBe(false);
    // The stored hash itself is not a valid token.
    expect(tokenMatches(stored, stored)).toBe(false);
  });

  it('answers false (not throw) for a malformed stored hash', () => {
    expect(tokenMatches('abc', '')).toBe(false);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('abc', 'zz-not-hex')).toBe(false);
  });

  it('are compared in constant time (timingSafeEqual), not with ===', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    const token = newAgentToken();
    expect(tokenMatches(token, hashToken(token))).toBe(true);
    expect(tokenMatches('wrong', hashToken(token))).toBe(false);
    expect(spy).toHaveBeenCalledTimes(2);
  });
});

// MM_SECRET_KEY: 64 hex characters or base64 of 32 bytes.
describe('parseSecretKey', () => {
  const raw = crypto.randomBytes(32);

  it('reads 64 hex characters (any case, surrounding whitespace ignored)', () => {
    expect(parseSecretKey(raw.toString('hex')).equals(raw)).toBe(true);
    expect(parseSecretKey(` ${raw.toString('hex').toUpperCase()}\n`).equals(raw)).toBe(true);
  });

  it('reads base64 and base64url of 32 bytes', () => {
    expect(parseSecretKey(raw.toString('base64')).equals(raw)).toBe(true);
    expect(parseSecretKey(raw.toString('base64url')).equals(raw)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['short hex', 'ab'.repeat(16)],
    ['63 hex characters', '0'.repeat(63)],
    ['base64 of 16 bytes', Buffer.alloc(16, 1).toString('base64')],
    ['base64 of 48 bytes', Buffer.alloc(48, 1).toString('base64')],
    ['a passphrase', 'correct horse battery staple'],
  ])('refuses %s', (_name, value) => {
    expect(() => parseSecretKey(value)).toThrow(/32 bytes/);
  });

  it('yields a key that works with the secret box', () => {
    const box = createSecretBox(parseSecretKey('0'.repeat(63) + '1'));
    expect(box.open(box.seal('ok'))).toBe('ok');
  });
});

// Context C4: a credential is bound to its endpoint with AES-GCM associated data.
describe('secret box with a context', () => {
  const box = createSecretBox(KEY);
  const ctx = endpointCredentialContext('m1', 'qvac', 'http://10.0.0.4:11434');
  it('opens only under the context it was sealed with', () => {
    const sealed = box.seal('tok', ctx);
    expect(sealed.startsWith('v2.')).toBe(true);
    expect(box.open(sealed, ctx)).toBe('tok');
    expect(() => box.open(sealed, endpointCredentialContext('m2', 'qvac', 'http://10.0.0.4:11434'))).toThrow();
    expect(() => box.open(sealed, endpointCredentialContext('m1', 'ollama', 'http://10.0.0.4:11434'))).toThrow();
    expect(() => box.open(sealed, endpointCredentialContext('m1', 'qvac', 'https://10.0.0.4:11434'))).toThrow();
    expect(() => box.open(sealed, endpointCredentialContext('m1', 'qvac', 'http://10.0.0.4:11435'))).toThrow();
    expect(() => box.open(sealed)).toThrow();
  });
  it('still opens a v1 ciphertext written before the binding', () => {
    const legacy = box.seal('old-token');
    expect(legacy.startsWith('v1.')).toBe(true);
    expect(box.open(legacy, ctx)).toBe('old-token');
  });
});
