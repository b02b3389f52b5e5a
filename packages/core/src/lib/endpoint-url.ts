import { isIP } from 'node:net';
import type { NetworkScope } from '@mm/contracts';

/** Keeps scheme + host + port of an http(s) URL: no path, query, hash, credentials or trailing slash. */
export function normalizeEndpointBaseUrl(raw: string): string {
  const url = new URL(raw);
  return `${url.protocol}//${url.host}`;
}

function ipv4Parts(host: string): number[] | null {
  if (isIP(host) !== 4) return null;
  return host.split('.').map(Number);
}

/** Loopback → `loopback`, private ranges → `lan`, otherwise `public` (context B9). */
export function deriveNetworkScope(baseUrl: string): NetworkScope {
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return 'loopback';
  const v4 = ipv4Parts(host.startsWith('::ffff:') ? host.slice(7) : host);
  if (v4) {
    const [a = 0, b = 0] = v4;
    if (a === 127) return 'loopback';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)) {
      return 'lan';
    }
    if (a === 100 && b >= 64 && b <= 127) return 'vpn';
    return 'public';
  }
  if (isIP(host) === 6) {
    if (host.startsWith('fc') || host.startsWith('fd') || host.startsWith('fe80')) return 'lan';
    return 'public';
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
