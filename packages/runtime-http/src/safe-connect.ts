/**
 * The one way out to a runtime (docs/trust.md "Outbound calls"): a connector that resolves the
 * host itself, checks EVERY resolved address against the endpoint's declared network scope and
 * the always-refused ranges, and then connects to a checked address (never resolving again, so a
 * second DNS answer cannot rebind the call). IP literals go through the same check.
 */
import dns from 'node:dns/promises';
import { checkAddress, isMetadataHost, parseIp } from '@mm/core';
import type { NetworkPolicy } from '@mm/core';
import type { NetworkScope } from '@mm/contracts';
import { buildConnector } from 'undici';

/** A refusal by our own rules; `reason` is already in words fit for a caller. */
export class AddressRefusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'AddressRefusedError';
  }
}

/** Host name → every address it resolves to. Tests pass their own. */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => {
  const answers = await dns.lookup(host, { all: true, verbatim: true });
  // IPv4 first: runtimes on loopback often listen on 127.0.0.1 only.
  return answers.sort((a, b) => a.family - b.family).map((a) => a.address);
};

export interface ScopedConnectorOptions {
  scope: NetworkScope;
  policy: NetworkPolicy;
  timeoutMs: number;
  resolve: Resolver;
}

/** The addresses a call may connect to, or a refusal; throws the resolver's error when it fails. */
export async function allowedAddresses(
  host: string,
  { scope, policy, resolve }: Pick<ScopedConnectorOptions, 'scope' | 'policy' | 'resolve'>,
): Promise<string[]> {
  if (isMetadataHost(host)) {
    throw new AddressRefusedError("the endpoint's host is a cloud metadata service, which is never allowed");
  }
  const addresses = parseIp(host) ? [host] : await resolve(host);
  if (addresses.length === 0) throw Object.assign(new Error('no address'), { code: 'ENOTFOUND' });
  for (const address of addresses) {
    const ip = parseIp(address);
    const reason = ip
      ? checkAddress(ip, scope, policy)
      : 'the endpoint host resolved to something that is not an IP address';
    // One bad address refuses the host: a name that also points inside is not trusted at all.
    if (reason) throw new AddressRefusedError(reason);
  }
  return addresses;
}

export function scopedConnector(opts: ScopedConnectorOptions): buildConnector.connector {
  const base = buildConnector({ timeout: opts.timeoutMs });
  return (options, callback) => {
    allowedAddresses(options.hostname, opts).then(
      (addresses) => {
        // Try each checked address in order; keep the host (SNI and certificate name) as it was.
        const attempt = (i: number) => {
          base({ ...options, hostname: addresses[i] ?? options.hostname }, (err, socket) => {
            if (err && i + 1 < addresses.length) return attempt(i + 1);
            if (err) return callback(err, null);
            callback(null, socket);
          });
        };
        attempt(0);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error('lookup failed'), null),
    );
  };
}
