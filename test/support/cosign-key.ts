/**
 * A cosign.key made the way `cosign generate-key-pair` makes one (go-securesystemslib/encrypted):
 * the PKCS#8 DER of an ECDSA P-256 key, sealed with NaCl secretbox under scrypt(password, salt)
 * with N=32768, r=8, p=1, a 32-byte salt and a 24-byte nonce, as base64 JSON in a PEM block
 * labelled ENCRYPTED SIGSTORE PRIVATE KEY. Tests only: the reader is src/sign/keys.ts.
 */
import { generateKeyPairSync, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';

export interface CosignKeyPair {
  /** The cosign.key file's text. */
  key: string;
  /** The cosign.pub file's text. */
  pub: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const wrap = (label: string, body: string) => `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;

export function cosignEncrypt(der: Buffer, password: string, label = 'ENCRYPTED SIGSTORE PRIVATE KEY', params = { N: 32768, r: 8, p: 1 }): string {
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const secret = scryptSync(Buffer.from(password, 'utf8'), salt, 32, { ...params, maxmem: 256 * params.N * params.r * params.p });
  const ciphertext = Buffer.from(xsalsa20poly1305(secret, nonce).encrypt(der));
  const envelope = {
    kdf: { name: 'scrypt', params, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: ciphertext.toString('base64'),
  };
  return wrap(label, Buffer.from(JSON.stringify(envelope)).toString('base64'));
}

export function cosignKeyPair(password: string): CosignKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  return { key: cosignEncrypt(der, password), pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey, publicKey };
}
