import { createECDH } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { addressOfPrivateKey, personalMessageHash, recoverPersonalSigner, signPersonalMessage } from './eip191.ts';

/** The address of a private key through OpenSSL's secp256k1 (not noble), so the check is independent. */
function opensslAddress(privateKeyHex: string): string {
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(Buffer.from(privateKeyHex.replace(/^0x/, ''), 'hex'));
  const pub = ecdh.getPublicKey(undefined, 'uncompressed');
  return `0x${Buffer.from(keccak_256(pub.subarray(1)))
    .subarray(12)
    .toString('hex')}`;
}

// Published vectors: web3.js `accounts.sign('Some data', key)` and `privateKeyToAccount`, and the
// first Hardhat/Anvil development account.
const WEB3_KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const WEB3_SOME_DATA = {
  hash: '0x1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655',
  signature:
    '0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c',
};
const KNOWN_ADDRESSES = [
  ['0x348ce564d427a3311b6536bbcff9390d69395b06ed6c486954e971d960fe8709', '0xb8ce9ab6943e0eced004cde8e3bbed6568b2fa01'],
  ['0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266'],
] as const;

describe('eip191', () => {
  it.each(KNOWN_ADDRESSES)('derives the published address of %s', (key, address) => {
    expect(addressOfPrivateKey(key)).toBe(address);
    expect(opensslAddress(key)).toBe(address);
  });

  it('hashes and recovers the published web3.js personal_sign vector', () => {
    expect(`0x${Buffer.from(personalMessageHash('Some data')).toString('hex')}`).toBe(WEB3_SOME_DATA.hash);
    expect(recoverPersonalSigner('Some data', WEB3_SOME_DATA.signature)).toBe(opensslAddress(WEB3_KEY));
    expect(signPersonalMessage('Some data', WEB3_KEY)).toBe(WEB3_SOME_DATA.signature);
  });

  it('recovers the signer of a message signed directly with noble', () => {
    const key = secp256k1.utils.randomSecretKey();
    const keyHex = Buffer.from(key).toString('hex');
    const message = 'Machine Markets identity challenge\nnonce: ünïcödé ✓';
    // The prefix counts bytes, not characters: the multi-byte message checks it.
    const prefixed = Buffer.concat([
      Buffer.from(`\x19Ethereum Signed Message:\n${Buffer.byteLength(message)}`),
      Buffer.from(message, 'utf8'),
    ]);
    const rec = secp256k1.sign(keccak_256(prefixed), key, { prehash: false, format: 'recovered' });
    const rs = Buffer.from(rec.subarray(1)).toString('hex');
    const v = rec[0] ?? 0;
    const expected = opensslAddress(keyHex);
    expect(recoverPersonalSigner(message, `0x${rs}${(27 + v).toString(16)}`)).toBe(expected);
    expect(recoverPersonalSigner(message, `0x${rs}0${v}`)).toBe(expected);
    expect(recoverPersonalSigner(message, `0x${rs}${(28 - v).toString(16)}`)).not.toBe(expected);
    expect(recoverPersonalSigner(`${message}.`, `0x${rs}${(27 + v).toString(16)}`)).not.toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['not hex', `0x${'zz'.repeat(65)}`],
    ['64 bytes', `0x${'11'.repeat(64)}`],
    ['66 bytes', `0x${'11'.repeat(66)}`],
    ['v = 29', `0x${'11'.repeat(64)}1d`],
    ['r = 0', `0x${'00'.repeat(32)}${'11'.repeat(32)}1b`],
    ['s ≥ n', `0x${'11'.repeat(32)}${'ff'.repeat(32)}1b`],
  ])('answers null for a malformed signature (%s)', (_, signature) => {
    expect(recoverPersonalSigner('hello', signature)).toBeNull();
  });
});
