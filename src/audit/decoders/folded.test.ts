// Property: a Java manifest as `jar` writes it (72-byte lines, a longer value folded by CRLF and a
// space wherever it falls) is unfolded, fed in chunks of 1 byte to whole (a break cut from its space
// by a chunk boundary), so every value in it is whole again and found; the clean twin passes; LF
// folding (LDIF, vCard) the same; text that does not announce a folding format is not claimed.
// Nearest real-world variants: a build token or a credential-bearing SCM URL written into
// MANIFEST.MF by a Maven/Gradle plugin, an LDAP export (slapcat) kept in an image, an .ics/.vcf file.
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { folded } from './folded.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
const value = (n: number) => Array.from({ length: n }, () => ALNUM[rand.int(ALNUM.length)]).join('');

/** A jar made by the JDK's `jar` with `attributes` in its manifest; its MANIFEST.MF as `jar` wrote it. */
function manifestOf(attributes: Array<[string, string]>): { jar: Buffer; manifest: Buffer } {
  const files = { 'm.txt': `Manifest-Version: 1.0\n${attributes.map(([k, v]) => `${k}: ${v}\n`).join('')}`, 'c/README': 'x\n' };
  const jar = tool('sh', ['-c', 'jar cfm app.jar m.txt -C c . && cat app.jar'], files);
  const manifest = tool('sh', ['-c', 'jar xf app.jar META-INF/MANIFEST.MF && cat META-INF/MANIFEST.MF'], { 'app.jar': jar });
  return { jar, manifest };
}

describe.skipIf(!has('jar'))('folded text (Java manifests, LDIF, vCard)', () => {
  it(`40 random values of 8 to 300 characters after random attribute names: each whole after unfolding, chunks of 1 byte to whole (seed ${rand.seed})`, async () => {
    const attributes = Array.from({ length: 40 }, (_, i) => [`X-Attr-${i}-${'n'.repeat(rand.int(0, 40))}`, value(rand.int(8, 300))] as [string, string]);
    const { manifest } = manifestOf(attributes);
    expect(manifest.includes('\r\n ')).toBe(true);
    for (const chunk of [1, 2, 3, rand.int(4, 200), manifest.length]) {
      const { out, limits } = await decodeWith(folded, manifest, { chunk });
      expect(limits).toEqual([]);
      const text = out.toString('latin1');
      expect(attributes.filter(([, v]) => !text.includes(v)).length, `chunk ${chunk}`).toBe(0);
      expect(text.includes('\r\n ')).toBe(false);
    }
  }, 60_000);

  it('a jar whose manifest folds the value: found through the jar; the clean twin passes', async () => {
    const jar = (v: string) => manifestOf([['Scm-Connection', `scm:git:https://build-automation:${v}${v}@git.example.com/platform/backend.git`]]).jar;
    expect(await auditFiles({ 'opt/app/app.jar': jar(SECRET) })).toEqual([
      { severity: 'leak', what: 'token', path: 'opt/app/app.jar!/META-INF/MANIFEST.MF!(unfolded)' },
    ]);
    expect(await auditFiles({ 'opt/app/app.jar': jar('clean-value-nothing-here') })).toEqual([]);
  });

  it('LF folding (LDIF, a base64 value folded at 76 columns) is unfolded too; other text is not claimed', async () => {
    const b64 = Buffer.from(`{SSHA}${SECRET}`).toString('base64');
    const ldif = `version: 1\n\ndn: cn=app,ou=svc,dc=example,dc=com\nuserPassword:: ${b64.slice(0, 60)}\n ${b64.slice(60)}\n`;
    expect((await decodeWith(folded, Buffer.from(ldif), { chunk: 1 })).out.toString()).toContain(`userPassword:: ${b64}\n`);
    expect(folded.sniff(Buffer.from('key: value\n continued'), 'x')).toBe(false);
    expect(folded.sniff(Buffer.from('Manifest-Version: 1.0\r\n'), 'a.jar!/META-INF/MANIFEST.MF!(unfolded)')).toBe(false);
  });
});
