/**
 * Which network an address belongs to, and which addresses no runtime call may ever reach
 * (context C4, docs/trust.md "Outbound calls"). Pure functions over parsed addresses: the HTTP
 * client calls `checkAddress` on every address a host name resolves to, just before it connects,
 * and the endpoint write calls it on IP-literal hosts.
 */
import { isIP } from 'node:net';
import type { NetworkScope } from '@mm/contracts';

export const NETWORK_SCOPES: readonly NetworkScope[] = ['loopback', 'lan', 'vpn', 'public'];

/** A parsed address: IPv4 as a 32-bit number, IPv6 as a 128-bit bigint. */
export type ParsedIp = { family: 4; value: number } | { family: 6; value: bigint };

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  bits: number;
}

/** What an operator allows: the scopes endpoints may use and the extra VPN ranges (`MM_VPN_CIDRS`). */
export interface NetworkPolicy {
  allowedScopes: readonly NetworkScope[];
  vpnCidrs: readonly Cidr[];
}

export const DEFAULT_NETWORK_POLICY: NetworkPolicy = { allowedScopes: NETWORK_SCOPES, vpnCidrs: [] };

function parseV4(s: string): number | null {
  if (isIP(s) !== 4) return null;
  return s.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function parseV6(s: string): bigint | null {
  if (isIP(s) !== 6) return null;
  let text = s;
  const groups: number[] = [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseV4(tail);
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headParts = head ? head.split(':') : [];
  const restParts = rest ? rest.split(':') : [];
  const missing = rest === undefined ? 0 : 8 - headParts.length - restParts.length;
  for (const p of headParts) groups.push(parseInt(p, 16));
  for (let i = 0; i < missing; i++) groups.push(0);
  for (const p of restParts) groups.push(parseInt(p, 16));
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses an IP literal (brackets and an IPv6 zone are tolerated); null for a host name. */
export function parseIp(raw: string): ParsedIp | null {
  const s = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = parseV4(s);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = parseV6(s);
  return v6 === null ? null : { family: 6, value: v6 };
}

/**
 * IPv6 forms that carry an IPv4 address and reach it: mapped (::ffff:a.b.c.d), translated
 * (::ffff:0:a.b.c.d), compatible (::a.b.c.d) and the NAT64 well-known prefix (64:ff9b::/96).
 * They are judged as the IPv4 address they carry, so [::ffff:127.0.0.1] is loopback.
 */
export function unwrapIp(ip: ParsedIp): ParsedIp {
  if (ip.family === 4) return ip;
  const high = ip.value >> 32n;
  const low = Number(ip.value & 0xffffffffn);
  const isMapped = high === 0xffffn || high === 0xffff0000n || high === 0x64ff9b0000000000000000n;
  // Compatible form, but not :: and ::1 themselves.
  const isCompatible = high === 0n && low > 1;
  return isMapped || isCompatible ? { family: 4, value: low } : ip;
}

/** Parses `a.b.c.d/n` or `x::/n`; throws on anything else. */
export function parseCidr(text: string): Cidr {
  const [addr = '', bitsText] = text.trim().split('/');
  const ip = parseIp(addr);
  if (!ip) throw new Error(`${text} is not a CIDR range`);
  const max = ip.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > max || !/^\d*$/.test(bitsText ?? '')) {
    throw new Error(`${text} is not a CIDR range`);
  }
  return { family: ip.family, base: BigInt(ip.value), bits };
}

function inCidr(ip: ParsedIp, cidr: Cidr): boolean {
  if (ip.family !== cidr.family) return false;
  const width = BigInt(ip.family === 4 ? 32 : 128);
  const shift = width - BigInt(cidr.bits);
  return BigInt(ip.value) >> shift === cidr.base >> shift;
}

const c = parseCidr;
const LOOPBACK = [c('127.0.0.0/8'), c('::1/128')];
const LAN = [c('10.0.0.0/8'), c('172.16.0.0/12'), c('192.168.0.0/16'), c('fc00::/7')];
const CGNAT = [c('100.64.0.0/10')];

/** Never reachable whatever the scope: each with the words a caller sees. */
const REFUSED: ReadonlyArray<[Cidr, string]> = [
  [c('0.0.0.0/8'), 'an unspecified address'],
  [c('::/128'), 'an unspecified address'],
  [c('169.254.0.0/16'), 'a link-local address'],
  [c('fe80::/10'), 'a link-local address'],
  [c('224.0.0.0/4'), 'a multicast address'],
  [c('ff00::/8'), 'a multicast address'],
  [c('255.255.255.255/32'), 'the broadcast address'],
  [c('240.0.0.0/4'), 'a reserved address'],
  // Cloud metadata services outside link-local: Alibaba (in CGNAT), AWS IPv6, Oracle.
  [c('100.100.100.200/32'), 'a cloud metadata address'],
  [c('fd00:ec2::254/128'), 'a cloud metadata address'],
  [c('192.0.0.192/32'), 'a cloud metadata address'],
];

/** Host names of cloud metadata services (lowercase, no trailing dot). */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
]);

export function isMetadataHost(host: string): boolean {
  return METADATA_HOSTS.has(host.toLowerCase().replace(/\.$/, ''));
}

/** Why an address is always refused, or null. */
export function refusedReason(raw: ParsedIp): string | null {
  const ip = unwrapIp(raw);
  for (const [cidr, reason] of REFUSED) {
    // A refused IPv4 range is also refused in any IPv6 form that carries it (unwrapIp).
    if (inCidr(ip, cidr) || inCidr(raw, cidr)) return reason;
  }
  return null;
}

/** Every scope an address belongs to: loopback alone, or lan and/or vpn, or public. */
export function scopesOf(raw: ParsedIp, vpnCidrs: readonly Cidr[] = []): NetworkScope[] {
  const ip = unwrapIp(raw);
  if (LOOPBACK.some((r) => inCidr(ip, r))) return ['loopback'];
  const scopes: NetworkScope[] = [];
  if (LAN.some((r) => inCidr(ip, r))) scopes.push('lan');
  if ([...CGNAT, ...vpnCidrs].some((r) => inCidr(ip, r))) scopes.push('vpn');
  return scopes.length ? scopes : ['public'];
}

/**
 * Null when a call to `ip` is allowed for an endpoint declared in `scope`, else the reason in
 * words. The reason never names the address (it may be an internal one the caller must not learn).
 */
export function checkAddress(ip: ParsedIp, scope: NetworkScope, policy: NetworkPolicy): string | null {
  const refused = refusedReason(ip);
  if (refused) return `the endpoint's host is ${refused}, which is never allowed`;
  if (!policy.allowedScopes.includes(scope)) return `network scope ${scope} is not allowed on this server`;
  if (!scopesOf(ip, policy.vpnCidrs).includes(scope)) return `the endpoint's address is not allowed for scope ${scope}`;
  return null;
}

/**
 * The same check on a URL host before anything is stored: metadata names and IP literals are
 * judged now (400 at write); other host names are judged at every call, after resolution.
 */
export function checkHost(host: string, scope: NetworkScope, policy: NetworkPolicy): string | null {
  if (isMetadataHost(host)) return "the endpoint's host is a cloud metadata service, which is never allowed";
  if (!policy.allowedScopes.includes(scope)) return `network scope ${scope} is not allowed on this server`;
  const ip = parseIp(host);
  return ip ? checkAddress(ip, scope, policy) : null;
}
