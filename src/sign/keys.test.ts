// Signing keys in every form cosign and OpenSSL write one read to the same key; every bad key is
// one ConfigError naming the input, and no message holds a line of the key. Nearest real-world
// variant: cosign's own encrypted key fixtures (test/fixtures/cosign/, password "hello").
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cosignEncrypt, cosignKeyPair } from '../../test/support/cosign-key.js';
import { ConfigError } from '../core/errors.js';
import { keyFingerprint, loadVerificationKeys, parseSigningKey, parseVerificationKeys, signPayload, verifyPayload } from './keys.js';

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pem = (k: KeyObject, type: 'pkcs8' | 'sec1', extra: { cipher?: string; passphrase?: string } = {}) =>
  k.export({ type, format: 'pem', ...extra }).toString();

/** The issue a bad key gives, checked to hold no line of the key's text. */
function issueOf(run: () => unknown, keyText: string): { input: string; message: string } {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const issues = (error as ConfigError).issues;
  expect(issues).toHaveLength(1);
  const body = keyText.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
  expect(body.filter((line) => (error as Error).message.includes(line))).toEqual([]);
  return issues[0]!;
}

/** scrypt at cosign's N=32768 (and 65536) takes seconds on a loaded machine: each test gets time for it. */
describe('parseSigningKey', { timeout: 60_000 }, () => {
  it('reads PKCS#8, SEC1 and encrypted PKCS#8 forms of one P-256 key to the same key, which signs what its public key verifies', () => {
    const { privateKey, publicKey } = p256();
    const forms = [
      parseSigningKey(pem(privateKey, 'pkcs8')),
      parseSigningKey(pem(privateKey, 'sec1')),
      parseSigningKey(pem(privateKey, 'pkcs8', { cipher: 'aes-256-cbc', passphrase: 'pw-123456' }), 'pw-123456'),
    ];
    for (const k of forms) {
      expect(k.fingerprint).toBe(keyFingerprint(publicKey));
      const payload = randomBytes(200);
      expect(verifyPayload(publicKey, payload, signPayload(k.privateKey, payload))).toBe(true);
    }
  });

  it('property: a cosign key made as cosign makes one, with any password, decrypts to its key; any other password is signing-key-password', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 8 }), (password, more) => {
        const pair = cosignKeyPair(password);
        expect(parseSigningKey(pair.key, password).fingerprint).toBe(keyFingerprint(pair.publicKey));
        expect(issueOf(() => parseSigningKey(pair.key, password + more), pair.key).input).toBe('signing-key-password');
      }),
      { numRuns: 4 },
    );
  });

  it("real-world: cosign's own fixtures — both PEM labels, N=32768 and 65536, PKCS#8 and SEC1 inside — decrypt with their password", () => {
    for (const f of ['sigstore-labeled.key', 'cosign-labeled.key', 'cosign-labeled-sec1.key']) {
      const text = readFileSync(`test/fixtures/cosign/${f}`, 'utf8');
      const key = parseSigningKey(text, 'hello');
      expect(key.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(key.publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      const wrong = issueOf(() => parseSigningKey(text, 'hellO'), text);
      expect(wrong).toEqual({ input: 'signing-key-password', message: expect.stringMatching(/does not decrypt the key in signing-key/) });
      expect(issueOf(() => parseSigningKey(text), text).message).toMatch(/give its password in signing-key-password/);
    }
  });

  it('an empty password opens a key sealed with an empty password (COSIGN_PASSWORD="")', () => {
    const { privateKey } = p256();
    const sealed = cosignEncrypt(privateKey.export({ type: 'pkcs8', format: 'der' }), '', 'ENCRYPTED COSIGN PRIVATE KEY');
    expect(parseSigningKey(sealed).fingerprint).toBe(keyFingerprint(privateKey));
    expect(parseSigningKey(sealed, '').fingerprint).toBe(keyFingerprint(privateKey));
  });

  it('refuses keys of another kind, naming what it is and how to make a P-256 key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const cases: Array<[string, RegExp]> = [
      [rsa.export({ type: 'pkcs8', format: 'pem' }).toString(), /an RSA key.*ECDSA P-256.*cosign generate-key-pair/],
      [rsa.export({ type: 'pkcs1', format: 'pem' }).toString(), /an RSA key/],
      [generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /an Ed25519 key/],
      [pem(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey, 'pkcs8'), /an EC key on secp384r1/],
      [cosignEncrypt(rsa.export({ type: 'pkcs8', format: 'der' }), 'pw'), /an RSA key/],
    ];
    for (const [text, message] of cases)
      expect(issueOf(() => parseSigningKey(text, 'pw'), text)).toEqual({ input: 'signing-key', message: expect.stringMatching(message) });
  });

  it('refuses malformed keys of every byte class: a cut body, a changed character, garbage, a public key, two keys, no PEM at all', () => {
    const text = pem(p256().privateKey, 'pkcs8');
    const lines = text.split('\n');
    const cosign = cosignKeyPair('pw').key;
    const cases: Array<[string, RegExp, string?]> = [
      [[lines[0], lines[1], lines.at(-2)].join('\n'), /damaged "PRIVATE KEY" block/],
      [text.replace(lines[1]!, lines[1]!.slice(0, 10) + (lines[1]![10] === 'A' ? 'B' : 'A') + lines[1]!.slice(11)), /damaged|not a PEM|RSA|EC key on/],
      [text.replace(/\n(?!-)[^\n]+\n/, '\n!!!!notbase64!!!!\n'), /damaged/],
      ['just some token value', /not a PEM private key/],
      [p256().publicKey.export({ type: 'spki', format: 'pem' }).toString(), /is a public key/],
      [text + text, /more than one private key/],
      [cosign.replace(/\n(?!-)[^\n]+\n/, '\nAAAA\n'), /cosign key|damaged|decrypt/, 'pw'],
    ];
    for (const [bad, message, password] of cases) {
      const issue = issueOf(() => parseSigningKey(bad, password), bad);
      expect(issue.message).toMatch(message);
      expect(['signing-key', 'signing-key-password']).toContain(issue.input);
    }
  });
});

describe('verification keys', () => {
  it('reads every PUBLIC KEY block of a text, and paths one a line; each named by where it came from', async () => {
    const [a, b] = [p256(), p256()];
    const pubs = [a, b].map((k) => k.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const keys = parseVerificationKeys(pubs.join(''));
    expect(keys.map((k) => k.fingerprint)).toEqual([keyFingerprint(a.publicKey), keyFingerprint(b.publicKey)]);
    const files: Record<string, string> = { 'a.pub': pubs[0]!, 'b.pub': pubs[1]! };
    const read = async (p: string) => files[p] ?? Promise.reject(Object.assign(new Error('x'), { code: 'ENOENT' }));
    const loaded = await loadVerificationKeys('a.pub\nb.pub\n', 'verify-key', read);
    expect(loaded.map((k) => [k.source, k.fingerprint])).toEqual([
      ['a.pub', keyFingerprint(a.publicKey)],
      ['b.pub', keyFingerprint(b.publicKey)],
    ]);
    await expect(loadVerificationKeys('missing.pub', 'verify-key', read)).rejects.toThrow(/verify-key: cannot read missing.pub \(ENOENT\)/);
  });

  it('refuses a private key, an RSA public key and text without a key, naming the input given', () => {
    const priv = pem(p256().privateKey, 'pkcs8');
    expect(issueOf(() => parseVerificationKeys(priv, 'base-signers'), priv)).toEqual({
      input: 'base-signers',
      message: expect.stringMatching(/private key.*public key/),
    });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(issueOf(() => parseVerificationKeys(rsa), rsa).message).toMatch(/an RSA key/);
    expect(issueOf(() => parseVerificationKeys('nothing'), '').message).toMatch(/not a PEM public key/);
  });
});
