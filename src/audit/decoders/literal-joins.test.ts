// Property: a value a writer cut into adjacent literals or continued lines — the real Python pprint (a long str cut at
// its blanks, bytes every ~70 columns), xgettext (a .pot msgid wrapped at 79 columns), `sed -n l` (lines wrapped at 69
// with a backslash), a DNS TXT record's "…" "…" — is read back whole in the joined copy, in chunks of 1/7/64/whole;
// a doubled quote, a list of literals, an escaped quote or backslash before a line break join nothing. Nearest
// real-world variant: a settings dump by pprint or a .pot file in an image (red team round 8, variant8-text.ts).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHUNKS, python, rewritten, tool } from './text-rewrite.testing.js';

const rand = seededPerTest(8);
const LABEL = 'joined literals';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A generated value of `n` characters: letters, + / = & < > % and blanks (`spaced`), é € ß (`wide`). */
function value(n: number, { spaced = false, wide = false } = {}): string {
  let v = '';
  while (v.length < n) {
    const k = rand.int(12);
    v +=
      k < 7 ? rand.chars(LETTERS, 1) : k < 9 ? rand.pick([...'+/=&<>%']) : k < 11 && spaced && !v.endsWith(' ') ? ' ' : wide ? rand.pick(['é', '€', 'ß']) : 'x';
  }
  return `T${v.trim()}Z`;
}

/** The values (with the chunk size) not read back whole from `bytes` in the rewritten copy; each is asserted absent from `bytes` first. */
async function missed(bytes: Buffer, values: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const size of CHUNKS) {
    const read = (await rewritten(bytes, size, LABEL)).join('\n');
    for (const v of values) if (!read.includes(v)) out.push(`${v} (chunks of ${size})`);
  }
  return out;
}

describe(`joined literals (seed ${rand.seed})`, () => {
  it("reads pprint's cut str and bytes back whole", async () => {
    const strs = Array.from({ length: 6 }, () => value(rand.int(90, 260), { spaced: true, wide: true }));
    const raw = Array.from({ length: 6 }, () => value(rand.int(80, 200)));
    const text = python(
      `import pprint\nfor v in values[:6]: pprint.pprint({'DATABASES': {'default': {'PASSWORD': v}}})\nfor v in values[6:]: pprint.pprint({'body': v.encode()})`,
      [...strs, ...raw],
    );
    for (const v of [...strs, ...raw]) expect(text).not.toContain(v);
    expect(await missed(Buffer.from(text), [...strs, ...raw])).toEqual([]);
  });

  it('reads an xgettext msgid wrapped at 79 columns back whole', async () => {
    // xgettext cuts lines where Unicode's line breaking allows (UAX #14): after a blank, or a `/` or `?` not followed by a
    // digit. A value with none stood whole on a line of its own (seed 3's first; seed 12's `/8` was no place to cut
    // either): a `/` and a letter among its first 30 characters are where the line that begins `Open https://…?key=` is cut.
    const values = Array.from({ length: 5 }, () => {
      const v = value(rand.int(60, 200));
      const at = rand.int(5, 30);
      return `${v.slice(0, at)}/${rand.chars('abcdefghijklmnopqrstuvwxyz', 1)}${v.slice(at)}`;
    });
    const source = values.map((v, i) => `M${i} = _(${JSON.stringify(`Open https://maps.example.com/embed?key=${v}&lang=en to see the map`)})\n`).join('');
    const pot = tool('xgettext', ['--from-code=UTF-8', '--language=Python', '-o', '-', '-'], source);
    for (const v of values) expect(pot.toString()).not.toContain(v);
    expect(await missed(pot, values)).toEqual([]);
  });

  it('reads `sed -n l` lines wrapped at 69 columns back whole', async () => {
    const values = Array.from({ length: 5 }, () => value(rand.int(70, 240)));
    const out = tool('sed', ['-n', 'l'], values.map((v) => `export TOKEN_${rand.chars(LETTERS, 5)}=${v}\n`).join(''));
    for (const v of values) expect(out.toString()).not.toContain(v);
    expect(await missed(out, values)).toEqual([]);
  });

  it('reads a DNS TXT record cut into 255-byte strings ("…" "…") back whole', async () => {
    const values = Array.from({ length: 3 }, () => value(rand.int(100, 200)));
    const text = python(
      `import dns.rdata, dns.rdataclass, dns.rdatatype\nfor v in values:\n  b = ('cfg=' + 'x' * 200 + ';token=' + v).encode()\n  w = b''.join(bytes([len(p)]) + p for p in (b[i:i + 255] for i in range(0, len(b), 255)))\n  print('_cfg 300 IN TXT', dns.rdata.from_wire(dns.rdataclass.IN, dns.rdatatype.TXT, w, 0, len(w)).to_text())`,
      values,
    );
    expect(await missed(Buffer.from(text), values)).toEqual([]);
  });

  it("reads random passwords cut across C source lines of one quoted piece each back whole (such a line is no encoder's)", async () => {
    // 40 and more printable characters without a blank, random: the base85 family's lines are such (base85Line), but
    // one quoted literal on its line is a writer's piece — before, one password in 100 was not joined (a window of its own).
    const printable = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i))
      .filter((c) => !`"'\\`.includes(c)) // a quote in a value may make a joint of its own (V'+'f)
      .join('');
    const values = Array.from({ length: 500 }, () => rand.chars(printable, rand.int(50, 90)));
    // Each its own text: a window holding another value's place would join this one's joint too.
    const missed: string[] = [];
    for (const v of values)
      for (const size of [64, 1 << 20]) {
        const c = `static const char *key =\n"${v.slice(0, 45)}"\n"${v.slice(45)}";\n`;
        if (!(await rewritten(Buffer.from(c), size, LABEL)).join('\n').includes(v)) missed.push(`${v} (chunks of ${size})`);
      }
    expect(missed).toEqual([]);
  });

  it('joins nothing in doubled quotes, lists of literals, an escaped quote or an escaped backslash at a line end', async () => {
    const v = value(40);
    const near = [`"a""${v}"`, `["${v}", "${v}"]`, `{"k": "${v}"}`, `'${v}',\n'${v}'`, `"say \\" ${v}"`, `path = C:\\\\\n${v}`, `a\\\\\nb`];
    for (const text of near) for (const size of CHUNKS) expect(await rewritten(Buffer.from(text), size, LABEL), text).toEqual([]);
  });

  it('routes nothing from the lines of uuencode (its alphabet holds `" ` and a `\\` at a line end) or of a git binary patch', async () => {
    // runs-base85.test.ts's uuencoded .tgz: its clean twin was named as a damaged tar at (joined literals at 0)!(uuencode at 18)!.
    const noise = rand.bytes(64 * 1024);
    const uu = tool('uuencode', ['blob'], noise);
    const patch = tool('sh', ['-c', 'd=$(mktemp -d) && cat > "$d/blob" && cd "$d" && git diff --no-index --binary /dev/null blob; rm -rf "$d"'], noise);
    expect(uu.toString('latin1')).toMatch(/" |\\\n/);
    for (const text of [uu, patch]) {
      for (const size of [7, 1 << 20]) expect(await rewritten(text, size, LABEL)).toEqual([]);
    }
  });
});
