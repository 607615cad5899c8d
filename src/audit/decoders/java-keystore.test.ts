// Property: a Java keystore that holds a key sealed with a password — a secret imported by
// `keytool -importpass` (JCEKS, as Hadoop credential stores are, or PKCS#12, keytool's default), a
// private key (JKS or PKCS#12, `keytool -genkeypair`) — is named as not fully audited, leaky or clean:
// its value cannot be read; a truststore (only certificates: the JDK's cacerts, one made by
// `keytool -importcert`) is not named. Real keytool stores, read in any chunk sizes; a store cut
// short is named as damaged; random heads are not claimed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { isPkcs12, javaKeystore, javaStoreKeys } from './java-keystore.js';
import { auditFiles, has, SECRET } from './testing.js';

const rng = seededPerTest(0x1ce5);

/** A store made by keytool `args` (its password from a file, a secret to import on stdin); its bytes. */
function keytool(type: string, args: string[], input = ''): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-keytool-'));
  try {
    writeFileSync(join(dir, 'pw'), 'store-password-1\n');
    const common = ['-keystore', join(dir, 'ks'), '-storetype', type, '-storepass:file', join(dir, 'pw'), '-keypass:file', join(dir, 'pw')];
    execFileSync('keytool', [...args, ...common], { input, cwd: dir, stdio: ['pipe', 'ignore', 'ignore'] });
    return readFileSync(join(dir, 'ks'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const importpass = (type: string, value: string) => keytool(type, ['-importpass', '-alias', 'db.password'], `${value}\n${value}\n`);
const keypair = (type: string) => keytool(type, ['-genkeypair', '-alias', 'tls', '-keyalg', 'EC', '-dname', 'CN=app.example.com', '-validity', '30']);
const NAMED = /^a (JCEKS|JKS|PKCS#12) keystore holding private or secret keys sealed with a password: their values are not audited$/;

describe.runIf(has('keytool'))(`Java keystores (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  const stores = {
    jceksSecret: importpass('JCEKS', SECRET),
    pkcs12Secret: importpass('PKCS12', SECRET),
    jksKey: keypair('JKS'),
    pkcs12Key: keypair('PKCS12'),
  };

  it('a store holding a sealed secret or private key is named, in any chunk sizes', async () => {
    for (const [name, store] of Object.entries(stores)) {
      expect(javaKeystore.sniff(store.subarray(0, 512), 'ks'), name).toBe(true);
      const { limits } = await decodeWith(javaKeystore, store, { chunk: rng.pick([1, 3, 7, 100, store.length]) });
      expect(limits, name).toEqual([expect.stringMatching(NAMED)]);
    }
  });

  it('truststores are not named: the JDK cacerts and a PKCS#12 of one imported certificate', async () => {
    const cacerts = readFileSync(realpathSync('/etc/ssl/certs/java/cacerts'));
    expect(javaStoreKeys(cacerts)).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'hoist-keytool-'));
    try {
      writeFileSync(join(dir, 'pw'), 'store-password-1\n');
      writeFileSync(join(dir, 'ks'), stores.pkcs12Key);
      execFileSync('keytool', ['-exportcert', '-rfc', '-alias', 'tls', '-keystore', 'ks', '-storepass:file', 'pw', '-file', 'c.pem'], {
        cwd: dir,
        stdio: 'ignore',
      });
      execFileSync(
        'keytool',
        ['-importcert', '-noprompt', '-alias', 'ca', '-file', 'c.pem', '-keystore', 'trust.p12', '-storetype', 'PKCS12', '-storepass:file', 'pw'],
        { cwd: dir, stdio: 'ignore' },
      );
      for (const store of [cacerts, readFileSync(join(dir, 'trust.p12'))]) {
        expect(javaKeystore.sniff(store.subarray(0, 512), 'x')).toBe(true);
        expect((await decodeWith(javaKeystore, store, { chunk: 4096 })).limits).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a store cut short is named as damaged; random heads are not claimed', async () => {
    for (const store of [stores.jksKey, stores.jceksSecret]) {
      const cut = await decodeWith(javaKeystore, store.subarray(0, rng.int(12, 40)));
      expect(cut.limits).toEqual([expect.stringMatching(/^a damaged (JKS|JCEKS) keystore/)]);
    }
    for (let i = 0; i < 20_000; i++) expect(javaKeystore.sniff(rng.bytes(64), 'x')).toBe(false);
    expect(isPkcs12(Buffer.from([0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x02, 0x30]))).toBe(false); // version 2 is no PFX
  });

  it('through the audit: the imported secret named, leaky or clean, never found in clear; cacerts passes', async () => {
    const found = await auditFiles({
      'srv/hadoop/creds.jceks': stores.jceksSecret,
      'srv/clean/creds.jceks': importpass('JCEKS', 'an-other-value-of-the-same-length+/='),
      'srv/jdk/cacerts': readFileSync(realpathSync('/etc/ssl/certs/java/cacerts')),
    });
    expect(found.map((f) => `${f.severity} ${f.path}`).sort()).toEqual(['limit srv/clean/creds.jceks', 'limit srv/hadoop/creds.jceks']);
  });
});
