import { describe, expect, it } from 'vitest';
import {
  defaultEndpointLabel,
  defaultProbePath,
  deriveNetworkScope,
  normalizeEndpointBaseUrl,
} from './endpoint-url.ts';

// Context B9 "Runtime endpoints": endpointBaseUrl keeps scheme + host + port only.
describe('normalizeEndpointBaseUrl', () => {
  it.each([
    ['http://127.0.0.1:11434/v1/models', 'http://127.0.0.1:11434'],
    ['http://127.0.0.1:11434/', 'http://127.0.0.1:11434'],
    ['https://runtime.example.com/a/b/?x=1&y=2#frag', 'https://runtime.example.com'],
    ['http://host.lan:8080?only=query', 'http://host.lan:8080'],
    ['http://host.lan:8080#only-hash', 'http://host.lan:8080'],
    ['http://user:secret@10.0.0.4:9000/path', 'http://10.0.0.4:9000'],
    ['http://token@10.0.0.4:9000', 'http://10.0.0.4:9000'],
    ['HTTP://Runtime.Example.COM:8443/X', 'http://runtime.example.com:8443'],
    ['http://[::1]:11434/v1', 'http://[::1]:11434'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeEndpointBaseUrl(raw)).toBe(expected);
  });

  it('keeps a non-default port and drops only the scheme default one', () => {
    expect(normalizeEndpointBaseUrl('http://example.com:8080/')).toBe('http://example.com:8080');
    expect(normalizeEndpointBaseUrl('https://example.com:8443')).toBe('https://example.com:8443');
    expect(normalizeEndpointBaseUrl('https://example.com:443/x')).toBe('https://example.com');
  });

  it('never keeps credentials, whatever else the URL holds', () => {
    const out = normalizeEndpointBaseUrl('https://alice:p%40ss@example.com:4443/v1?token=abc');
    expect(out).toBe('https://example.com:4443');
    expect(out).not.toMatch(/alice|p%40ss|token|abc/);
  });
});

// Context B9: loopback addresses → loopback, private ranges → lan, otherwise public.
describe('deriveNetworkScope', () => {
  it.each([
    'http://localhost:11434',
    'http://LOCALHOST',
    'http://127.0.0.1:8080',
    'http://127.8.9.10',
    'http://127.255.255.254',
    'http://[::1]:11434',
  ])('%s is loopback', (url) => {
    expect(deriveNetworkScope(url)).toBe('loopback');
  });

  it.each([
    'http://10.0.0.1',
    'http://10.255.255.255:9000',
    'http://172.16.0.1',
    'http://172.20.5.5',
    'http://172.31.255.254',
    'http://192.168.0.1',
    'http://192.168.178.20:11434',
  ])('%s is lan', (url) => {
    expect(deriveNetworkScope(url)).toBe('lan');
  });

  it.each([
    'http://8.8.8.8',
    'http://172.15.255.255', // just below 172.16/12
    'http://172.32.0.1', // just above 172.16/12
    'http://192.169.0.1', // next to 192.168/16
    'http://11.0.0.1', // next to 10/8
    'http://126.0.0.1', // next to 127/8
    'https://runtime.example.com',
    'https://api.openai.com:443',
  ])('%s is public', (url) => {
    expect(deriveNetworkScope(url)).toBe('public');
  });
});

// Reference "PUT …/runtime-endpoints/:providerKey": probePath "/v1/models" for qvac, else "/health";
// label `${providerKey.toUpperCase()} runtime`.
describe('endpoint defaults', () => {
  it('probes /v1/models for qvac and /health for every other provider', () => {
    expect(defaultProbePath('qvac')).toBe('/v1/models');
    expect(defaultProbePath('edge-agent')).toBe('/health');
    expect(defaultProbePath('ollama')).toBe('/health');
  });

  it('labels an endpoint with the upper-cased provider key', () => {
    expect(defaultEndpointLabel('qvac')).toBe('QVAC runtime');
    expect(defaultEndpointLabel('edge-agent')).toBe('EDGE-AGENT runtime');
  });
});
