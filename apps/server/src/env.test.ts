import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.ts';

describe('parseEnv', () => {
  it('gives the embedded quick start its defaults from an empty environment', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      MM_DATA_DIR: '.data',
      PEAQOS_REQUIRE_API_AUTH: false, // context A1: the API is open unless this is true
      MM_API_KEYS: '',
      PEAQOS_MACHINE_IDENTITY_VERIFICATION: 'off', // context B2
      MM_RUNTIME_TIMEOUT_MS: 30_000, // context B9
      LOG_LEVEL: 'info',
    });
    // No DATABASE_URL means the embedded PGlite.
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.MM_SECRET_KEY).toBeUndefined();
  });

  it('reads numbers and switches from strings', () => {
    const env = parseEnv({
      PORT: '8080',
      PEAQOS_REQUIRE_API_AUTH: 'true',
      PEAQOS_MACHINE_IDENTITY_VERIFICATION: 'required',
      MM_RUNTIME_TIMEOUT_MS: '2500',
    });
    expect(env.PORT).toBe(8080);
    expect(env.PEAQOS_REQUIRE_API_AUTH).toBe(true);
    expect(env.PEAQOS_MACHINE_IDENTITY_VERIFICATION).toBe('required');
    expect(env.MM_RUNTIME_TIMEOUT_MS).toBe(2500);
    expect(parseEnv({ PEAQOS_REQUIRE_API_AUTH: '1' }).PEAQOS_REQUIRE_API_AUTH).toBe(true);
    expect(parseEnv({ PEAQOS_REQUIRE_API_AUTH: 'false' }).PEAQOS_REQUIRE_API_AUTH).toBe(false);
    expect(parseEnv({ PEAQOS_REQUIRE_API_AUTH: '0' }).PEAQOS_REQUIRE_API_AUTH).toBe(false);
  });

  it.each(['abc', '70000', '65536', '-1', '80.5'])('refuses PORT=%s and names the setting', (port) => {
    expect(() => parseEnv({ PORT: port })).toThrow(/Invalid configuration[\s\S]*PORT/);
  });

  it('accepts the port range edges', () => {
    expect(parseEnv({ PORT: '0' }).PORT).toBe(0);
    expect(parseEnv({ PORT: '65535' }).PORT).toBe(65535);
  });

  it.each(['postgresql://postgres@127.0.0.1:5432/mm', 'postgres://user:pw@db.internal/mm?sslmode=require'])(
    'accepts DATABASE_URL=%s',
    (url) => {
      expect(parseEnv({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    },
  );

  it.each([
    'mysql://root@localhost/mm',
    'file:./dev.db',
    '127.0.0.1:5432',
    'http://postgres@127.0.0.1:5432/mm',
    ' postgresql://leading-space',
  ])('refuses DATABASE_URL=%s as not a postgres URL', (url) => {
    expect(() => parseEnv({ DATABASE_URL: url })).toThrow(/DATABASE_URL: must be a postgresql:\/\/ URL/);
  });

  it('treats an empty DATABASE_URL as unset (embedded database)', () => {
    expect(parseEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('refuses unknown switch values instead of guessing', () => {
    expect(() => parseEnv({ PEAQOS_REQUIRE_API_AUTH: 'yes' })).toThrow(/PEAQOS_REQUIRE_API_AUTH/);
    expect(() => parseEnv({ PEAQOS_MACHINE_IDENTITY_VERIFICATION: 'on' })).toThrow(
      /PEAQOS_MACHINE_IDENTITY_VERIFICATION/,
    );
    expect(() => parseEnv({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
    expect(() => parseEnv({ MM_RUNTIME_TIMEOUT_MS: '10' })).toThrow(/MM_RUNTIME_TIMEOUT_MS/);
  });

  it('lists every bad setting at once', () => {
    let message = '';
    try {
      parseEnv({ PORT: 'x', DATABASE_URL: 'mysql://x' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/DATABASE_URL/);
  });
});

// docs/trust.md "Outbound calls": the outbound settings.
describe('outbound settings', () => {
  it('defaults to every scope, no extra VPN range and a 4 MiB cap', () => {
    const env = parseEnv({});
    expect(env.MM_ALLOWED_NETWORK_SCOPES).toEqual(['loopback', 'lan', 'vpn', 'public']);
    expect(env.MM_VPN_CIDRS).toEqual([]);
    expect(env.MM_RUNTIME_MAX_RESPONSE_BYTES).toBe(4 * 1024 * 1024);
  });
  it('parses scopes and CIDRs, and refuses unknown ones', () => {
    const env = parseEnv({ MM_ALLOWED_NETWORK_SCOPES: 'public, LAN', MM_VPN_CIDRS: '10.8.0.0/16,fd7a:115c:a1e0::/48' });
    expect(env.MM_ALLOWED_NETWORK_SCOPES).toEqual(['lan', 'public']);
    expect(env.MM_VPN_CIDRS).toHaveLength(2);
    expect(() => parseEnv({ MM_ALLOWED_NETWORK_SCOPES: 'internet' })).toThrow(/MM_ALLOWED_NETWORK_SCOPES/);
    expect(() => parseEnv({ MM_VPN_CIDRS: '10.8.0.0/40' })).toThrow(/MM_VPN_CIDRS/);
    expect(() => parseEnv({ MM_RUNTIME_MAX_RESPONSE_BYTES: '10' })).toThrow(/MM_RUNTIME_MAX_RESPONSE_BYTES/);
  });
});
