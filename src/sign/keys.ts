/**
 * Signing and verification keys, as cosign writes and reads them. Loaded only when a run signs or
 * verifies (dynamic import), so the bundle's cold start does not pay for it.
 *
 * Contract (stable; `sign-trust` — promote's require-signature, base-signers, inspect — builds on it):
 *   parseSigningKey(pem, password?, inputs?) → SigningKey
 *     pem: a PKCS#8 "PRIVATE KEY", a SEC1 "EC PRIVATE KEY", an "ENCRYPTED PRIVATE KEY" (PKCS#8 with
 *     the password), or cosign's "ENCRYPTED SIGSTORE PRIVATE KEY" / "ENCRYPTED COSIGN PRIVATE KEY"
 *     (scrypt + NaCl secretbox, go-securesystemslib/encrypted) with the password ('' when none,
 *     as cosign's COSIGN_PASSWORD=""). The key must be ECDSA P-256.
 *   parseVerificationKeys(text, input?) → VerificationKey[]   every "PUBLIC KEY" block of a PEM text
 *   loadVerificationKeys(value, input, readText) → VerificationKey[]   PEM text, or one path a line
 *   keyFingerprint(key) → 'sha256:<hex>' of the public key's SPKI DER: the key's id in results
 *   signPayload(key, bytes) → base64 ECDSA-SHA256 DER signature (cosign's annotation value)
 *   verifyPayload(key, bytes, base64Signature) → boolean
 * Every problem is a ConfigError with one issue naming the input (signing-key, signing-key-password,
 * verify-key or the name given) and the fix; the key's text is never part of a message.
 */
import { createPrivateKey, createPublicKey, scryptSync, type KeyObject } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { ConfigError } from '../core/errors.js';
import { keyFingerprint } from './ecdsa.js';

// The ECDSA operations live apart (no @noble import there), so that what only signs or verifies —
// promote carrying .sig manifests, verification — does not load the key decryption.
export { keyFingerprint, signPayload, verifyPayload } from './ecdsa.js';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** `sha256:<hex>` of the public key's SPKI DER. */
  fingerprint: string;
  /** The public key as PEM ("PUBLIC KEY"), what `cosign verify --key` takes. */
  publicPem: string;
}

export interface VerificationKey {
  key: KeyObject;
  fingerprint: string;
  /** Where it came from: the input, or the input and the file's path. */
  source: string;
}

/** The input names a message uses; a caller reading keys from other inputs names its own. */
export interface KeyInputs {
  key: string;
  password: string;
}

const SIGNING_INPUTS: KeyInputs = { key: 'signing-key', password: 'signing-key-password' };
const COSIGN_TYPES = new Set(['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY']);
const MAKE_KEY = 'make one with `cosign generate-key-pair` or `openssl ecparam -name prime256v1 -genkey | openssl pkcs8 -topk8 -nocrypt`';
/** scrypt's cost bound: cosign writes N=32768 (older keys 65536); far more would only stall the run. */
const MAX_SCRYPT_COST = 1 << 20;

const fail = (input: string, message: string): never => {
  throw new ConfigError([{ input, message }]);
};

/** The PEM blocks of a text: type and base64 body, headers (Proc-Type…) kept apart. */
export function pemBlocks(text: string): Array<{ type: string; body: string; headers: string[]; pem: string }> {
  const blocks = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const lines = m[2]!.split(/\r?\n/).map((l) => l.trim());
    const headers = lines.filter((l) => l.includes(':'));
    const body = lines.filter((l) => l && !l.includes(':')).join('');
    blocks.push({ type: m[1]!, body, headers, pem: m[0] });
  }
  return blocks;
}

/** What a key is, for a message: `an RSA key`, `an Ed25519 key`, `an EC key on secp384r1`. */
function kindOf(key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === 'prime256v1' ? undefined : `an EC key on ${curve ?? 'an unknown curve'}`;
  }
  const names: Record<string, string> = { rsa: 'an RSA key', 'rsa-pss': 'an RSA-PSS key', ed25519: 'an Ed25519 key', ed448: 'an Ed448 key', dsa: 'a DSA key' };
  return names[type ?? ''] ?? `a ${type ?? 'an unknown'} key`;
}

function requireP256(key: KeyObject, input: string, what: string): void {
  const kind = kindOf(key);
  if (kind) fail(input, `${what} is ${kind}; Hoist signs and verifies with ECDSA P-256 (cosign's default): ${MAKE_KEY}`);
}

/** The DER a cosign key decrypts to: PKCS#8 as cosign writes it, SEC1 as some older keys hold. */
function privateFromDer(der: Buffer): KeyObject | undefined {
  for (const type of ['pkcs8', 'sec1', 'pkcs1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type });
    } catch {
      // the next form
    }
  }
  return undefined;
}

interface CosignEnvelope {
  kdf?: { name?: string; params?: { N?: number; r?: number; p?: number }; salt?: string };
  cipher?: { name?: string; nonce?: string };
  ciphertext?: string;
}

/** go-securesystemslib/encrypted: scrypt(password, salt) → key; NaCl secretbox(nonce, key) over the DER. */
function decryptCosign(body: string, password: string, inputs: KeyInputs, givenPassword: boolean): Buffer {
  let env: CosignEnvelope;
  try {
    env = JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as CosignEnvelope;
  } catch {
    return fail(inputs.key, "is not a readable cosign key (its body is not cosign's JSON envelope): give the whole cosign.key file");
  }
  const { N = 0, r = 0, p = 0 } = env.kdf?.params ?? {};
  if (env.kdf?.name !== 'scrypt' || env.cipher?.name !== 'nacl/secretbox' || !env.kdf.salt || !env.cipher.nonce || !env.ciphertext)
    return fail(inputs.key, 'is a cosign key of an unknown kind (Hoist reads scrypt + nacl/secretbox, what cosign writes): give the whole cosign.key file');
  if (!Number.isInteger(N) || N < 2 || N > MAX_SCRYPT_COST || (N & (N - 1)) !== 0 || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16))
    return fail(inputs.key, `is a cosign key with scrypt parameters out of range (N=${N}, r=${r}, p=${p})`);
  const nonce = Buffer.from(env.cipher.nonce, 'base64');
  const sealed = Buffer.from(env.ciphertext, 'base64');
  if (nonce.length !== 24 || sealed.length <= 16) return fail(inputs.key, 'is a damaged cosign key (its nonce or ciphertext has the wrong length)');
  const secret = scryptSync(Buffer.from(password, 'utf8'), Buffer.from(env.kdf.salt, 'base64'), 32, { N, r, p, maxmem: 256 * N * r * p });
  try {
    return Buffer.from(xsalsa20poly1305(secret, nonce).decrypt(sealed));
  } catch {
    return givenPassword
      ? fail(
          inputs.password,
          `does not decrypt the key in ${inputs.key} (a wrong password, or a key damaged in copying): give the password the key was made with`,
        )
      : fail(inputs.password, `the key in ${inputs.key} is an encrypted cosign key: give its password in ${inputs.password}`);
  }
}

/** A signing key from its PEM text; throws a ConfigError naming the input, never the key. */
export function parseSigningKey(pem: string, password?: string, inputs: KeyInputs = SIGNING_INPUTS): SigningKey {
  const blocks = pemBlocks(pem).filter((b) => b.type.endsWith('PRIVATE KEY'));
  if (!blocks.length) {
    const other = pemBlocks(pem)[0]?.type;
    return fail(
      inputs.key,
      other === 'PUBLIC KEY'
        ? 'is a public key: signing needs the private key (cosign.key, or a PEM "PRIVATE KEY"); the public key is for verify-key'
        : `is not a PEM private key (no -----BEGIN … PRIVATE KEY----- block): give the whole key file, e.g. cosign.key; ${MAKE_KEY}`,
    );
  }
  if (blocks.length > 1) return fail(inputs.key, 'holds more than one private key: give exactly one');
  const block = blocks[0]!;
  let privateKey: KeyObject | undefined;
  if (COSIGN_TYPES.has(block.type)) {
    privateKey = privateFromDer(decryptCosign(block.body, password ?? '', inputs, password !== undefined && password !== ''));
    if (!privateKey) return fail(inputs.key, 'decrypts to something that is not a private key: the cosign key is damaged');
  } else if (block.type === 'ENCRYPTED PRIVATE KEY' || block.headers.some((h) => /^Proc-Type:.*ENCRYPTED/i.test(h))) {
    if (!password) return fail(inputs.password, `the key in ${inputs.key} is encrypted: give its password in ${inputs.password}`);
    try {
      privateKey = createPrivateKey({ key: block.pem, format: 'pem', passphrase: password });
    } catch {
      return fail(inputs.password, `does not decrypt the key in ${inputs.key} (a wrong password?): give the password the key was made with`);
    }
  } else {
    try {
      privateKey = createPrivateKey({ key: block.pem, format: 'pem' });
    } catch {
      return fail(inputs.key, `is a damaged "${block.type}" block (it does not parse as a key): give the whole key file as it was written`);
    }
  }
  requireP256(privateKey, inputs.key, 'the key');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, fingerprint: keyFingerprint(publicKey), publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Every "PUBLIC KEY" block of a PEM text, each ECDSA P-256; `source` names it in messages and results. */
export function parseVerificationKeys(text: string, input = 'verify-key', source = input): VerificationKey[] {
  const blocks = pemBlocks(text);
  if (blocks.some((b) => b.type.endsWith('PRIVATE KEY')))
    fail(input, `${source === input ? '' : `${source} `}holds a private key: give the public key (cosign.pub), never the private one`);
  const keys = blocks.filter((b) => b.type === 'PUBLIC KEY');
  if (!keys.length)
    fail(input, `${source === input ? 'is' : `${source} is`} not a PEM public key (no -----BEGIN PUBLIC KEY----- block): give cosign.pub or the key's text`);
  return keys.map((b, i) => {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: b.pem, format: 'pem' });
    } catch {
      return fail(input, `${source}: public key ${i + 1} is damaged (it does not parse): give the whole cosign.pub`);
    }
    requireP256(key, input, `${source === input ? '' : `${source}: `}public key ${i + 1}`);
    return { key, fingerprint: keyFingerprint(key), source: keys.length > 1 ? `${source} #${i + 1}` : source };
  });
}

/**
 * An input that holds PEM text or paths (one a line, relative to the caller's directory through
 * `readText`): the keys they hold. A path that cannot be read names itself and the error code.
 */
export async function loadVerificationKeys(value: string, input: string, readText: (path: string) => Promise<string>): Promise<VerificationKey[]> {
  if (value.includes('-----BEGIN')) return parseVerificationKeys(value, input);
  const paths = value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (!paths.length) return fail(input, 'is empty: give a public key (cosign.pub) as PEM text or a path');
  const keys: VerificationKey[] = [];
  for (const path of paths) {
    const text = await readText(path).catch((e: NodeJS.ErrnoException) =>
      fail(input, `cannot read ${path} (${e.code ?? 'error'}): give the path of cosign.pub`),
    );
    keys.push(...parseVerificationKeys(text, input, path));
  }
  return keys;
}
