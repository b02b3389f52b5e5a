import type { NetworkScope } from '@mm/contracts';
import { parseIp, scopesOf } from './address-scope.ts';

/** Keeps scheme + host + port of an http(s) URL: no path, query, hash, credentials or trailing slash. */
export function normalizeEndpointBaseUrl(raw: string): string {
  const url = new URL(raw);
  return `${url.protocol}//${url.host}`;
}

/**
 * Loopback → `loopback`, private ranges → `lan`, otherwise `public` (context B9). IP literals are
 * classified like the outbound client does (docs/trust.md), so `[::ffff:127.0.0.1]` is loopback;
 * a CGNAT literal is `vpn`. Host names get a guess from their suffix; the call checks the truth.
 */
export function deriveNetworkScope(baseUrl: string): NetworkScope {
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  const ip = parseIp(host);
  if (ip) {
    const scopes = scopesOf(ip);
    return scopes.includes('lan') ? 'lan' : (scopes[0] ?? 'public');
  }
  if (host.endsWith('.local') || host.endsWith('.lan') || host.endsWith('.internal') || !host.includes('.')) {
    return 'lan';
  }
  return 'public';
}

export function defaultProbePath(providerKey: string): string {
  return providerKey === 'qvac' ? '/v1/models' : '/health';
}

export function defaultEndpointLabel(providerKey: string): string {
  return `${providerKey.toUpperCase()} runtime`;
}
