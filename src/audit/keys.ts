/**
 * Which public key a private key block belongs to, without its passphrase where the format allows:
 * an OpenSSH key carries its public key in the clear; an unencrypted PEM key (PKCS#1, PKCS#8, SEC1)
 * is read with node:crypto. The identity is the SHA-256 of the SSH wire-format public key, so a key
 * found in an image can be matched to the one handed to the build whatever format it was saved in.
 */
import { PRIVATE_KEY_ENVELOPE } from '../secrets/private-key.js';
import { createHash, createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** An SSH mpint from unsigned big-endian bytes. */
function mpint(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  return sshString(b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

const b64url = (s: string | undefined) => Buffer.from(s ?? '', 'base64url');

function wireFromJwk(jwk: JsonWebKey): Buffer | undefined {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(b64url(jwk.x))]);
  if (jwk.kty === 'RSA') return Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(b64url(jwk.e)), mpint(b64url(jwk.n))]);
  if (jwk.kty === 'EC') {
    const curve = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' }[jwk.crv ?? ''];
    if (!curve) return undefined;
    return Buffer.concat([
      sshString(Buffer.from(`ecdsa-sha2-${curve}`)),
      sshString(Buffer.from(curve)),
      sshString(Buffer.concat([Buffer.from([4]), b64url(jwk.x), b64url(jwk.y)])),
    ]);
  }
  return undefined;
}

function openSshPublicBlob(body: Buffer): Buffer | undefined {
  const magic = Buffer.from('openssh-key-v1\0');
  if (!body.subarray(0, magic.length).equals(magic)) return undefined;
  let at = magic.length;
  const str = () => {
    const n = body.readUInt32BE(at);
    const s = body.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    return s;
  };
  str(); // cipher name
  str(); // kdf name
  str(); // kdf options
  const keys = body.readUInt32BE(at);
  at += 4;
  return keys >= 1 ? str() : undefined;
}

/** The identity of a private key block's public key, or undefined when it cannot be told. */
export function keyIdentity(block: string): string | undefined {
  try {
    const m = PRIVATE_KEY_ENVELOPE.exec(block);
    if (!m) return undefined;
    let wire: Buffer | undefined;
    if (m[1] === 'OPENSSH ') {
      wire = openSshPublicBlob(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64'));
    } else {
      const pub = createPublicKey(createPrivateKey(m[0]));
      wire = wireFromJwk(pub.export({ format: 'jwk' }));
    }
    return wire ? createHash('sha256').update(wire).digest('base64').replace(/=+$/, '') : undefined;
  } catch {
    return undefined; // encrypted PEM, truncated or damaged: reported as key material without an identity
  }
}
