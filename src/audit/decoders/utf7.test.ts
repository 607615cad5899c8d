// Property: a value written by the real `iconv -t UTF-7` (non-ASCII, and the printable characters glibc puts in
// +…- segments: + / = & < > % " \ `) at any offset of a text is read back whole, in UTF-8, however the text is cut
// into chunks; IMAP's modified UTF-7 (&…- with `,` for `/`) too; the clean twin gives nothing; look-alike text (base64
// blobs, `a+b-c`, C++ code, HTML entities) is not read as UTF-7. Nearest real-world variant: a settings export or a
// mail body a gateway transcoded to UTF-7 in an image layer (red team round 7, `utf7` in variant7.ts).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { EncodedRuns } from './runs.js';
import { auditFiles, SECRET } from './testing.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(7);

const utf7 = (text: string): Buffer => execFileSync('iconv', ['-f', 'UTF-8', '-t', 'UTF-7'], { input: Buffer.from(text, 'utf8') });

/** What the runs reader routes as UTF-7 text from `bytes` fed in chunks of `size`. */
async function readUtf7(bytes: Buffer, size: number): Promise<string[]> {
  const out: Array<{ alphabet: string; parts: Buffer[] }> = [];
  const runs = new EncodedRuns((_at, alphabet) => {
    const run = { alphabet, parts: [] as Buffer[] };
    out.push(run);
    return { write: (b) => void run.parts.push(Buffer.from(b)), end: () => undefined };
  });
  for (let i = 0; i < bytes.length; i += size) await runs.push(bytes.subarray(i, i + size));
  await runs.end();
  return out.filter((r) => r.alphabet === 'UTF-7 text').map((r) => Buffer.concat(r.parts).toString('utf8'));
}

const PRINTABLE = '+/=&<>%"\\`';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const WIDE = ['é', 'ü', 'ß', '€', 'Ж', 'λ', '中', '文', 'ア', '한', '😀', '—'];

/** A generated value: letters with the printable set glibc encodes, and non-ASCII characters. */
function value(): string {
  let v = 'tok_';
  const n = rand.int(12, 40);
  for (let i = 0; i < n; i++) {
    const k = rand.int(10);
    v += k < 6 ? rand.chars(LETTERS, 1) : k < 8 ? rand.pick([...PRINTABLE]) : rand.pick(WIDE);
  }
  return v;
}

/** Ordinary lines of text around the value, so that it sits at a random offset. */
function filler(lines: number): string {
  let s = '';
  for (let i = 0; i < lines; i++) s += `${rand.pick(['APP_ENV', 'LOG_LEVEL', 'REGION', 'note'])}: ${rand.chars(`${LETTERS} .,:?()'`, rand.int(5, 120))}\n`;
  return s;
}

describe(`UTF-7 text (seed ${rand.seed})`, () => {
  it.each([1, 7, 64, 1 << 20])('reads iconv -t UTF-7 values back whole at random offsets, in chunks of %i bytes', async (size) => {
    for (let k = 0; k < 12; k++) {
      const v = value();
      const bytes = utf7(`${filler(rand.int(0, 40))}API_TOKEN=${v}\n${filler(rand.int(0, 40))}`);
      expect(bytes.toString('latin1')).not.toContain(v);
      const read = await readUtf7(bytes, size);
      expect(
        read.some((t) => t.includes(`API_TOKEN=${v}`)),
        `${v} in ${bytes.toString('latin1')}`,
      ).toBe(true);
    }
  });

  it('reads a value far into a long UTF-7 text, past many segments and chunks', async () => {
    const v = value();
    const text = `${filler(3000)}key = ${v}\n${filler(50)}`;
    const bytes = utf7(text.replaceAll(':', '%'));
    for (const size of [7, 65536]) expect((await readUtf7(bytes, size)).some((t) => t.includes(v))).toBe(true);
  });

  it("reads IMAP's modified UTF-7 (&…- with , for /)", async () => {
    // RFC 3501 5.1.3's own example (its ideographs, fewer than 4 a segment, decoded beside a Latin one that is evidence),
    // and a folder name holding a value: `&` as `&-`, non-ASCII in `&…-`.
    expect(await readUtf7(Buffer.from('~peter/mail/&AOk-t&AOk-/&U,BTFw-/&ZeVnLIqe-'), 5)).toEqual(['~peter/mail/été/台北/日本語']);
    const name = `INBOX/&AOk-t&AOk-/tok-&-7f3a9c2e&IKw-value`;
    expect(await readUtf7(Buffer.from(name), 1)).toEqual(['INBOX/été/tok-&7f3a9c2e€value']);
  });

  it('gives the clean twin nothing that holds the value', async () => {
    const v = value();
    const clean = v.replace(/[A-Za-z0-9]/, (c) => (c === 'x' ? 'y' : 'x'));
    const read = await readUtf7(utf7(`API_TOKEN=${clean}\n`), 64);
    expect(read.join('')).not.toContain(v);
  });

  it('does not read look-alike text as UTF-7: base64 blobs, ascii85, arithmetic, C++, HTML, Perl', async () => {
    const blob = rand.bytes(200_000).toString('base64');
    const wrapped = blob.replace(/.{76}/g, '$&\n');
    const code = [
      'int c = a+b-c; x+=y-1; i++-j; // C++-style',
      'std::vector<int> v; v.push_back(a+b); for (auto& x : v) x+= 2;',
      'if (a&&b) { p = &q->next; } s = "&amp; &lt; &gt; &#43;";',
      'Version 1.2+build-7, C++-17, +1-800-555-0100, 3+4-2 = 5, foo+bar-baz',
      '$x =~ s/a+b-/c/g; grep -E "[0-9]+-[0-9]+" file',
    ].join('\n');
    // Ascii85 is made of nearly every printable character, `+` `&` `-` among them (python3's a85encode, adobe, wrapped).
    const a85 = execFileSync(
      'python3',
      ['-c', 'import base64,sys; sys.stdout.buffer.write(base64.a85encode(sys.stdin.buffer.read(), adobe=True, wrapcol=76))'],
      {
        input: rand.bytes(200_000),
      },
    ).toString('latin1');
    for (const text of [blob, wrapped, code, `data:image/png;base64,${blob}`]) expect(await readUtf7(Buffer.from(text), 1 << 18)).toEqual([]);
    // An `&` or `+`, three digits and `-` in ascii85 is now and then a whole segment of one character of the Latin and
    // symbol blocks (`&Ac4-` ǎ at seed 1, `&Ijk-` ∹ at 6, `+ITI-` Ⅎ at 25: 8 in 40 seeds' 250 KB) — the very form of
    // `Ko&AWE-` (š) in an IMAP folder name, so not turned away: a copy of ~2 KiB (a rescan), its findings the text's own
    // (below). Never more than one in 250 KB in those 40 seeds: two are allowed.
    const read = await readUtf7(Buffer.from(a85), 1 << 18);
    expect(read.length, read.join('\n')).toBeLessThanOrEqual(2);
    for (const t of read) expect(Buffer.byteLength(t), t).toBeLessThanOrEqual(2560);
  });

  it("reports a value a decoder finds in the text beside a segment once: the text's finding, not the copy's too", async () => {
    // An IMAP folder name (`Ko&AWE-`, Czech for trash) above an ascii85 blob holding the value: the UTF-7 copy holds the
    // blob as it stands, and was reported a second time as srv/mail.txt!(UTF-7 text at 0)!(ascii85 at 21).
    const a85 = execFileSync('python3', ['-c', 'import base64,sys; sys.stdout.buffer.write(base64.a85encode(sys.stdin.buffer.read(), adobe=True))'], {
      input: `{"token":"${SECRET}"}`,
    });
    const file = (blob: Buffer) => Buffer.concat([Buffer.from('Folder: INBOX/Ko&AWE-\n'), blob, Buffer.from('\n')]);
    expect((await auditFiles({ 'srv/mail.txt': file(a85) })).map((f) => f.path)).toEqual(['srv/mail.txt!(ascii85 at 24)']);
    const clean = execFileSync('python3', ['-c', 'import base64,sys; sys.stdout.buffer.write(base64.a85encode(sys.stdin.buffer.read(), adobe=True))'], {
      input: `{"token":"${SECRET.replace('7f3a', 'a3f7')}"}`,
    });
    expect(await auditFiles({ 'srv/mail.txt': file(clean) })).toEqual([]);
  });

  it('is audited through the layer: the value found under (UTF-7 text at N), the clean twin silent', async () => {
    const file = (s: string) => utf7(`# exported by the mail gateway\nAPP_ENV=production\nAPI_TOKEN=${s}\n`);
    const found = await auditFiles({ 'etc/app/settings.txt': file(SECRET) });
    expect(found.map((f) => f.path)).toContainEqual(expect.stringMatching(/^etc\/app\/settings\.txt!\(UTF-7 text at \d+\)$/));
    expect(await auditFiles({ 'etc/app/settings.txt': file(SECRET.replace('7f3a', 'a3f7')) })).toEqual([]);
  });
});
