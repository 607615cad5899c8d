// Property: a value holding @ { } (and a URL's : / ? # % & + =), written into a page by the real pandoc -t texinfo, is
// read back whole in the rewritten copy, in chunks of 1/7/64/whole; the clean twin (other values written the same)
// holds no leaky one; random text of the notation holds no value; a unified diff's hunk headers, the lines of a git
// binary patch and of uuencode (real git and uuencode of seeded bytes) and random bytes holding the escapes route nothing.
// Nearest real-world variant: a GNU-style manual generated from HTML docs by pandoc, a connection URL with its
// password in it (red team round 10, variant10-text.ts).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { expectNoneRead, expectNoneRouted, expectReadBack, notationText, rewritten, tool } from './text-rewrite.testing.js';

const rand = seededPerTest(59);
const LABEL = 'Texinfo escapes';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A value with an `@`, `{` or `}` always among its specials. */
function value(): string {
  let v = `k${rand.pick([...'@{}'])}`;
  for (let n = rand.int(12, 40); n > 0; n--) v += rand.int(3) ? rand.chars(LETTERS, 1) : rand.pick([...'@{}:/?#%&+=']);
  return `${v}Z`;
}

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A manual holding each value in a paragraph among plain ones, converted by pandoc -t texinfo. */
function manual(values: string[]): Buffer {
  const plain = () => Array.from({ length: rand.int(0, 3) }, () => `<p>${rand.chars(LETTERS, rand.int(3, 20))} text.</p>`).join('');
  const doc = values.map((v) => `${plain()}<p>Connect with ${html(v)} today.</p>`).join('');
  return tool('pandoc', ['-s', '-f', 'html', '-t', 'texinfo', '-M', 'title=Manual'], doc);
}

describe(`Texinfo escapes (seed ${rand.seed})`, () => {
  it('reads values written by pandoc -t texinfo back whole', async () => {
    const values = Array.from({ length: 12 }, value);
    const text = manual(values);
    for (const v of values) expect(text.toString()).not.toContain(v);
    await expectReadBack(text, LABEL, values);
  });

  it("reads the clean twin's manual without the leaky values", async () => {
    const leaky = Array.from({ length: 6 }, value);
    const text = manual(leaky.map(() => value()));
    await expectNoneRead(text, LABEL, leaky);
  });

  it("finds no value in random text of the notation; a diff's hunk headers route nothing", async () => {
    const values = Array.from({ length: 20 }, value);
    const words = ['@@', '@{', '@}', '@comma{}', '@code{', '}', '{', '@', ' ', '\n'];
    await expectNoneRead(notationText(rand, words, LETTERS), LABEL, values);
    await expectNoneRouted('diff --git a/x b/x\n@@ -1,3 +1,4 @@\n-a\n+b\n@@ -10 +11 @@ fn\nmail: a@b.c\n', LABEL);
  });

  it('routes nothing from the lines of a git binary patch or of uuencode, whose alphabets hold @@ @{ @}', async () => {
    // Seed 1 of runs-base85.test.ts: a clean patch named as a damaged zlib stream at (Texinfo escapes at 0)!(git binary patch at 442).
    const noise = rand.bytes(16 * 1024);
    const patch = tool('sh', ['-c', 'd=$(mktemp -d) && cat > "$d/blob" && cd "$d" && git diff --no-index --binary /dev/null blob; rm -rf "$d"'], noise);
    const uu = tool('uuencode', ['blob'], noise);
    for (const text of [patch, uu]) {
      expect(text.toString('latin1')).toMatch(/[^\s@]@[@{}][^\s@]/);
      for (const size of [7, 1 << 20]) expect(await rewritten(text, size, LABEL)).toEqual([]);
    }
  });

  it("routes nothing from python3's b85encode of a gzip holding @{ @} @@ (RFC 1924's digits); a URL a person escaped is read", async () => {
    // runs-base85.test.ts at HOIST_TEST_SEED=5: such a run's rewritten copy decoded to a damaged gzip, named as a limit.
    const script = [
      'import base64, gzip, hashlib, re, sys',
      'for i in range(100000):',
      '  e = base64.b85encode(gzip.compress(hashlib.sha512(str(i).encode()).digest() * 2, mtime=0)).decode()',
      "  if re.search(r'[^@]@[@{}][^@]', e[8:-8]): break",
      "sys.stdout.write('blob: ' + e + '\\n')",
    ].join('\n');
    const text = tool('python3', ['-c', script], '');
    expect(text.toString('latin1')).toMatch(/[^\s@]@[@{}][^\s@]/);
    for (const size of [7, 64, 1 << 20]) expect(await rewritten(text, size, LABEL)).toEqual([]);
    // Text a person escaped is read still: a URL, a word beside a long token.
    const person = `Connect with https://admin:p@@ss@{w0rd@}Z@@db.example.com/${'x'.repeat(70)} today.\n`;
    expect((await rewritten(Buffer.from(person), 1 << 20, LABEL)).join('')).toContain('admin:p@ss{w0rd}Z@db.example.com');
  });

  it('routes nothing from random bytes holding @{ @} @@ every few hundred bytes', async () => {
    const bytes = rand.bytes(1 << 20);
    for (let i = rand.int(300); i < bytes.length - 2; i += rand.int(100, 600)) bytes.write(rand.pick(['@{', '@}', 'a@@b']), i, 'latin1');
    expect(await rewritten(bytes, 1 << 16, LABEL)).toEqual([]);
  });
});
