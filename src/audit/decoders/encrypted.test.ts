// Property: a file encrypted under a key or password the image does not hold is named as not fully audited — never
// passed in silence —, made by the real tool: gpg -c and gpg -e (binary and armoured), openssl enc (binary and -a),
// age to a recipient, a LUKS2 volume; a clean file of the same tools that is not encrypted (a public keyring, a signed
// message) is not named, and no random head is claimed. Nearest real-world variants: an encrypted .env or credentials
// file committed next to the code (gpg -c, openssl enc, age) and copied into an image with it; a LUKS image in a
// test fixture.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encrypted, encryptedKind } from './encrypted.js';
import { auditFiles, has, SECRET } from './testing.js';
import { seeded, testSeed } from '../../../test/support/random.js';

const r = seeded(testSeed(15073));

describe.skipIf(!has('gpg') || !has('openssl'))('encrypted files: named, not passed in silence', () => {
  let dir = '';
  const files: Record<string, Buffer> = {};
  const sh = (script: string) =>
    execFileSync('bash', ['-c', `set -euo pipefail\n${script}`], { cwd: dir, env: { ...process.env, GNUPGHOME: join(dir, 'gnupg') }, stdio: 'pipe' });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hoist-enc-'));
    writeFileSync(join(dir, 'app.env'), `API_TOKEN=${SECRET}\n${Array.from({ length: 300 }, (_, i) => `LINE_${i}`).join('\n')}\n`);
    writeFileSync(join(dir, 'pw'), 'pass-phrase-1\n');
    sh(`mkdir -m 700 gnupg
gpg --batch --quiet --pinentry-mode loopback --passphrase-file pw -c -o sym.gpg app.env
gpg --batch --quiet --pinentry-mode loopback --passphrase-file pw -c --armor -o sym.asc app.env
gpg --batch --quiet --passphrase '' --quick-gen-key 'CI <ci@example.com>' rsa2048 sign,encr never 2> /dev/null
gpg --batch --quiet --trust-model always -r ci@example.com -e -o pub.gpg app.env
gpg --batch --quiet --export ci@example.com > keyring.gpg
gpg --batch --quiet -s -o signed.gpg app.env
openssl enc -aes-256-cbc -pbkdf2 -pass file:pw -in app.env -out app.env.enc
openssl enc -aes-256-cbc -pbkdf2 -a -pass file:pw -in app.env -out app.env.enc.b64`);
    if (has('age-keygen')) sh(`age-keygen -o key.txt 2> /dev/null && age -r "$(grep -o 'age1[0-9a-z]*' key.txt)" -o app.env.age app.env`);
    if (has('cryptsetup')) sh('truncate -s 20M luks.img && cryptsetup luksFormat --batch-mode --type luks2 --key-file pw luks.img');
    for (const name of ['sym.gpg', 'sym.asc', 'pub.gpg', 'keyring.gpg', 'signed.gpg', 'app.env.enc', 'app.env.enc.b64', 'app.env.age', 'luks.img'])
      try {
        files[name] = readFileSync(join(dir, name));
      } catch {
        // a tool this machine lacks: its case is left out
      }
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('each encrypted file is named by what it is, at its path (armoured ones at their decoded base64); the value is in none plain', async () => {
    const enc = ['sym.gpg', 'sym.asc', 'pub.gpg', 'app.env.enc', 'app.env.enc.b64', 'app.env.age', 'luks.img'].filter((n) => files[n]);
    expect(enc.length).toBeGreaterThanOrEqual(5);
    for (const name of enc) {
      expect(files[name]!.includes(SECRET), name).toBe(false);
      const found = await auditFiles({ [`srv/${name}`]: files[name]! });
      expect(found, name).toEqual([
        {
          severity: 'limit',
          what: expect.stringMatching(/which the audit cannot read without its key$/),
          path: expect.stringMatching(new RegExp(`^srv/${name.replace(/\./g, '\\.')}(!\\(base64 at \\d+\\))?$`)),
        },
      ]);
    }
  }, 60_000);

  it('what the same tools write unencrypted is not named: a public keyring, a signed message (its value found)', async () => {
    expect(encryptedKind(files['keyring.gpg']!)).toBeUndefined();
    expect(await auditFiles({ 'srv/keyring.gpg': files['keyring.gpg']! })).toEqual([]);
    expect(await auditFiles({ 'srv/signed.gpg': files['signed.gpg']! })).toEqual([{ severity: 'leak', what: 'token', path: 'srv/signed.gpg!' }]);
  }, 60_000);

  it(`random heads are not claimed, nor each with one byte of a real header changed where it is checked (seed ${r.seed})`, () => {
    let claimed = 0;
    for (let i = 0; i < 100_000; i++) if (encrypted.sniff(r.bytes(64), '')) claimed++;
    expect(claimed).toBe(0);
    // gpg -c's session key packet: cipher, S2K type and hash checked; gpg -e's: the MPI's length against the packet's.
    for (const [name, at] of [
      ['sym.gpg', 3],
      ['sym.gpg', 4],
      ['sym.gpg', 5],
      ['pub.gpg', 12],
      ['pub.gpg', 13],
    ] as const) {
      const h = Buffer.from(files[name]!.subarray(0, 512));
      h[at] = 0xee;
      expect(encryptedKind(h), `${name} byte ${at}`).toBeUndefined();
    }
  });
});
