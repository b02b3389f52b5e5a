import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyring, parseApiKeys } from './api-keys.ts';

describe('API keys (context C3)', () => {
  it('maps each key to its owner; bare keys belong to "api-key"; colons stay inside a key', () => {
    const ring = createKeyring(' alice:k1, bob:k2 ,k3,, carol:a:b', '');
    expect(ring.lookup('k1')).toEqual({ owner: 'alice', admin: false });
    expect(ring.lookup('k2')).toEqual({ owner: 'bob', admin: false });
    expect(ring.lookup('k3')).toEqual({ owner: 'api-key', admin: false });
    expect(ring.lookup('a:b')).toEqual({ owner: 'carol', admin: false });
    expect(ring.lookup('nope')).toBeNull();
    expect(parseApiKeys('')).toEqual([]);
  });

  it('accepts keys given as their SHA-256 and marks administrators', () => {
    const hex = createHash('sha256').update('s3cret').digest('hex');
    const ring = createKeyring(`root:sha256:${hex},alice:plain`, 'root');
    expect(ring.lookup('s3cret')).toEqual({ owner: 'root', admin: true });
    expect(ring.lookup(`sha256:${hex}`)).toBeNull();
    expect(ring.lookup('plain')).toEqual({ owner: 'alice', admin: false });
  });
});
