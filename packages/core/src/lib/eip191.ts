import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

const encoder = new TextEncoder();

const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function fromHex(hex: string): Uint8Array | null {
  const body = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) return null;
  return Uint8Array.from(Buffer.from(body, 'hex'));
}

/** `0x`-prefixed 20-byte hex; the only address form the registry stores (lowercased). */
export const ETH_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * The EIP-191 (version 0x45, `personal_sign`) digest of a UTF-8 message:
 * keccak256("\x19Ethereum Signed Message:\n" + byteLength(message) + message).
 */
export function personalMessageHash(message: string): Uint8Array {
  const body = encoder.encode(message);
  const prefix = encoder.encode(`\x19Ethereum Signed Message:\n${body.length}`);
  const data = new Uint8Array(prefix.length + body.length);
  data.set(prefix, 0);
  data.set(body, prefix.length);
  return keccak_256(data);
}

/** The Ethereum address (lowercase, `0x`-prefixed) of an uncompressed (65-byte) secp256k1 public key. */
export function addressOfPublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== 65 || publicKey[0] !== 0x04) throw new Error('expected an uncompressed public key');
  return `0x${toHex(keccak_256(publicKey.subarray(1)).subarray(12))}`;
}

/**
 * The address that signed `message` with `personal_sign`, or null when the signature is not a
 * 65-byte `r || s || v` hex string (v in {27, 28} or {0, 1}) that recovers to a valid key.
 */
export function recoverPersonalSigner(message: string, signature: string): string | null {
  const bytes = fromHex(signature.trim());
  if (bytes?.length !== 65) return null;
  const v = bytes[64] ?? -1;
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) return null;
  try {
    const sig = secp256k1.Signature.fromBytes(bytes.subarray(0, 64), 'compact').addRecoveryBit(recovery);
    const point = sig.recoverPublicKey(personalMessageHash(message));
    return addressOfPublicKey(point.toBytes(false));
  } catch {
    // r or s out of range, or no curve point for r: not a signature anyone could have made.
    return null;
  }
}

/**
 * Signs `message` as `personal_sign` does (65-byte `r || s || v`, v in {27, 28}). For machine-side
 * tooling and tests; the server only ever verifies.
 */
export function signPersonalMessage(message: string, privateKey: string): string {
  const key = fromHex(privateKey);
  if (key?.length !== 32) throw new Error('privateKey must be 32 bytes of hex');
  const rec = secp256k1.sign(personalMessageHash(message), key, { prehash: false, format: 'recovered' });
  const recovery = rec[0] ?? 0;
  return `0x${toHex(rec.subarray(1))}${(27 + recovery).toString(16)}`;
}

/** The Ethereum address of a 32-byte hex private key. */
export function addressOfPrivateKey(privateKey: string): string {
  const key = fromHex(privateKey);
  if (key?.length !== 32) throw new Error('privateKey must be 32 bytes of hex');
  return addressOfPublicKey(secp256k1.getPublicKey(key, false));
}
