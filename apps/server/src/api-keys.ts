/**
 * API keys as principals (context C3, docs/trust.md). `MM_API_KEYS` holds `owner:key` pairs, or
 * `owner:sha256:<hex>` for a key given only as its SHA-256; owners in `MM_ADMIN_KEY_OWNERS` are
 * administrators. Only hashes are kept in memory, and a presented key is compared against every
 * entry in constant time, so neither the key nor which entry matched leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface KeyEntry {
  owner: string;
  hash: Buffer;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Parses `MM_API_KEYS`: comma-separated `owner:key` or `owner:sha256:<64 hex>`; bare keys belong to `api-key`. */
export function parseApiKeys(raw: string): KeyEntry[] {
  const entries: KeyEntry[] = [];
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const idx = item.indexOf(':');
    const owner = idx > 0 ? item.slice(0, idx) : 'api-key';
    const key = idx > 0 ? item.slice(idx + 1) : item;
    const hashed = /^sha256:([0-9a-fA-F]{64})$/.exec(key);
    entries.push({ owner, hash: hashed?.[1] ? Buffer.from(hashed[1], 'hex') : sha256(key) });
  }
  return entries;
}

export interface Principal {
  owner: string;
  admin: boolean;
}

export function createKeyring(rawKeys: string, adminOwners: string) {
  const entries = parseApiKeys(rawKeys);
  const admins = new Set(
    adminOwners
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return {
    size: entries.length,
    /** The principal a presented key belongs to, or null. Walks every entry (constant time). */
    lookup(key: string): Principal | null {
      const presented = sha256(key);
      let match: KeyEntry | null = null;
      for (const entry of entries) {
        if (timingSafeEqual(entry.hash, presented) && !match) match = entry;
      }
      return match ? { owner: match.owner, admin: admins.has(match.owner) } : null;
    },
  };
}
