import { describe, expect, it } from 'vitest';
import type { NetworkScope } from '@mm/contracts';
import {
  checkAddress,
  checkHost,
  DEFAULT_NETWORK_POLICY,
  parseCidr,
  parseIp,
  refusedReason,
  scopesOf,
} from './address-scope.ts';

const ip = (s: string) => {
  const p = parseIp(s);
  if (!p) throw new Error(`not an IP: ${s}`);
  return p;
};

// Context C4 / docs/trust.md "Outbound calls": the scope each address belongs to.
describe('scopesOf', () => {
  it.each<[string, NetworkScope[]]>([
    ['127.0.0.1', ['loopback']],
    ['127.255.255.254', ['loopback']],
    ['::1', ['loopback']],
    ['::ffff:127.0.0.1', ['loopback']],
    ['::ffff:7f00:1', ['loopback']],
    ['[::ffff:127.0.0.1]', ['loopback']],
    ['::127.0.0.1', ['loopback']], // IPv4-compatible
    ['64:ff9b::7f00:1', ['loopback']], // NAT64
    ['10.0.0.1', ['lan']],
    ['10.255.255.255', ['lan']],
    ['172.16.0.1', ['lan']],
    ['172.31.255.254', ['lan']],
    ['192.168.1.50', ['lan']],
    ['::ffff:192.168.1.50', ['lan']],
    ['fc00::1', ['lan']],
    ['fd12:3456::1', ['lan']],
    ['100.64.0.1', ['vpn']],
    ['100.127.255.254', ['vpn']],
    ['8.8.8.8', ['public']],
    ['172.15.255.255', ['public']],
    ['172.32.0.1', ['public']],
    ['192.169.0.1', ['public']],
    ['100.63.255.255', ['public']],
    ['100.128.0.1', ['public']],
    ['11.0.0.1', ['public']],
    ['126.255.255.255', ['public']],
    ['128.0.0.1', ['public']],
    ['2001:4860:4860::8888', ['public']],
    ['fe00::1', ['public']],
  ])('%s → %j', (addr, scopes) => {
    expect(scopesOf(ip(addr))).toEqual(scopes);
  });

  it('adds MM_VPN_CIDRS ranges to vpn, alongside lan for a private one', () => {
    const vpn = [parseCidr('10.8.0.0/16'), parseCidr('fd7a:115c:a1e0::/48'), parseCidr('203.0.113.0/24')];
    expect(scopesOf(ip('10.8.3.4'), vpn)).toEqual(['lan', 'vpn']);
    expect(scopesOf(ip('10.9.3.4'), vpn)).toEqual(['lan']);
    expect(scopesOf(ip('fd7a:115c:a1e0::5'), vpn)).toEqual(['lan', 'vpn']);
    expect(scopesOf(ip('203.0.113.9'), vpn)).toEqual(['vpn']);
    expect(scopesOf(ip('203.0.114.9'), vpn)).toEqual(['public']);
  });
});

describe('refusedReason: never reachable whatever the scope', () => {
  it.each([
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
  ])('%s is refused (%s)', (addr, word) => {
    expect(refusedReason(ip(addr))).toContain(word);
  });

  it.each(['127.0.0.1', '10.0.0.1', '8.8.8.8', '::1', 'fc00::1', '100.64.0.1', '169.253.255.255', '169.255.0.1'])(
    '%s is not refused',
    (addr) => {
      expect(refusedReason(ip(addr))).toBeNull();
    },
  );
});

describe('checkAddress: the scope matrix', () => {
  const addresses: Record<NetworkScope, string> = {
    loopback: '127.0.0.1',
    lan: '192.168.0.10',
    vpn: '100.64.1.1',
    public: '93.184.216.34',
  };
  const scopes = Object.keys(addresses) as NetworkScope[];
  for (const declared of scopes) {
    for (const actual of scopes) {
      it(`${actual} address with declared scope ${declared}: ${declared === actual ? 'allowed' : 'refused'}`, () => {
        const reason = checkAddress(ip(addresses[actual]), declared, DEFAULT_NETWORK_POLICY);
        if (declared === actual) expect(reason).toBeNull();
        else expect(reason).toBe(`the endpoint's address is not allowed for scope ${declared}`);
      });
    }
  }

  it('[::ffff:127.0.0.1] is loopback, so refused for scope public', () => {
    expect(checkAddress(ip('::ffff:127.0.0.1'), 'public', DEFAULT_NETWORK_POLICY)).toContain('scope public');
    expect(checkAddress(ip('::ffff:127.0.0.1'), 'loopback', DEFAULT_NETWORK_POLICY)).toBeNull();
  });

  it('refuses always-refused addresses under every scope', () => {
    for (const scope of scopes) {
      expect(checkAddress(ip('169.254.169.254'), scope, DEFAULT_NETWORK_POLICY)).toContain('never allowed');
      expect(checkAddress(ip('0.0.0.0'), scope, DEFAULT_NETWORK_POLICY)).toContain('never allowed');
    }
  });

  it('refuses a scope the operator forbids (MM_ALLOWED_NETWORK_SCOPES)', () => {
    const policy = { allowedScopes: ['loopback', 'lan'] as NetworkScope[], vpnCidrs: [] };
    expect(checkAddress(ip('8.8.8.8'), 'public', policy)).toBe('network scope public is not allowed on this server');
    expect(checkAddress(ip('10.0.0.1'), 'lan', policy)).toBeNull();
  });

  it('never names the address in its reason', () => {
    expect(checkAddress(ip('10.1.2.3'), 'public', DEFAULT_NETWORK_POLICY)).not.toContain('10.1.2.3');
  });
});

describe('checkHost (endpoint writes)', () => {
  it.each(['metadata.google.internal', 'METADATA.GOOGLE.INTERNAL.', 'metadata', 'instance-data', 'metadata.goog'])(
    'refuses the metadata name %s under any scope',
    (host) => {
      expect(checkHost(host, 'public', DEFAULT_NETWORK_POLICY)).toContain('metadata');
      expect(checkHost(host, 'lan', DEFAULT_NETWORK_POLICY)).toContain('metadata');
    },
  );

  it('leaves other host names to the call (resolution happens there)', () => {
    expect(checkHost('runtime.example.com', 'public', DEFAULT_NETWORK_POLICY)).toBeNull();
    expect(checkHost('localhost', 'public', DEFAULT_NETWORK_POLICY)).toBeNull();
  });

  it('judges IP literals now', () => {
    expect(checkHost('127.0.0.1', 'public', DEFAULT_NETWORK_POLICY)).toContain('scope public');
    expect(checkHost('[::ffff:127.0.0.1]', 'public', DEFAULT_NETWORK_POLICY)).toContain('scope public');
    expect(checkHost('169.254.169.254', 'public', DEFAULT_NETWORK_POLICY)).toContain('never allowed');
  });
});

describe('parseCidr / parseIp', () => {
  it.each(['10.0.0.0/33', 'nope/8', '10.0.0.0/x', 'fc00::/129', ''])('refuses %s', (text) => {
    expect(() => parseCidr(text)).toThrow();
  });
  it('parses host names as null and IPv6 with zones', () => {
    expect(parseIp('example.com')).toBeNull();
    expect(parseIp('fe80::1%eth0')).toEqual(parseIp('fe80::1'));
    expect(parseIp('1:2:3:4:5:6:7:8')).toEqual({ family: 6, value: 0x00010002000300040005000600070008n });
  });
});
