/**
 * cosign's ECDSA P-256 operations over node:crypto alone: a key's id, a signature over payload bytes
 * (ASN.1 DER, base64, as the `dev.cosignproject.cosign/signature` annotation holds it), and its check.
 * Re-exported by keys.ts (the contract's module); kept apart so that importing them loads no cipher.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** `sha256:<hex>` of the public key's SPKI DER. */
export function keyFingerprint(key: KeyObject): string {
  const spki = (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** cosign's signature: ECDSA-SHA256 over the exact payload bytes, ASN.1 DER, base64. */
export function signPayload(key: KeyObject, payload: Buffer): string {
  return sign('sha256', payload, { key, dsaEncoding: 'der' }).toString('base64');
}

/** Whether a base64 DER signature verifies over `payload` with `key`; false for a malformed one. */
export function verifyPayload(key: KeyObject, payload: Buffer, signature: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try {
    return verify('sha256', payload, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
