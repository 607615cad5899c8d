// Property: a value written into RTF by the real Perl RTF::Writer (é as \'e9, € as \uc1\u8364?, \ { } as \'5c \{ \})
// is read back whole in the rewritten copy, in chunks of 1/7/64/whole, a character beyond the BMP as two negative \uN
// (WordPad's and LibreOffice's surrogate pairs) too; JSON's \u00e9, shell's '\'' and an ASCII \'41 are no RTF escapes.
// Nearest real-world variant: a generated .rtf report or letter holding a credential (red team round 8).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHUNKS, rewritten, tool } from './text-rewrite.testing.js';

const rand = seededPerTest(12);
const LABEL = 'RTF escapes';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const WIDE = ['é', '€', 'ß', '£', 'Ж', '中', '—'];

function value(): string {
  let v = `t${rand.pick(WIDE)}`;
  for (let n = rand.int(12, 40); n > 0; n--) {
    const k = rand.int(10);
    v += k < 6 ? rand.chars(LETTERS, 1) : k < 8 ? rand.pick([...'+/=&<>%"\\{}?']) : rand.pick(WIDE);
  }
  return `${v}Z`;
}

/** A document by RTF::Writer: a paragraph per value, read from stdin as UTF-8 lines. */
const rtfWriter = (values: string[]) =>
  tool(
    'perl',
    [
      '-MRTF::Writer',
      '-e',
      'binmode STDIN, ":encoding(UTF-8)"; my $s; my $r = RTF::Writer->new_to_string(\\$s); $r->prolog(title => "Report"); while (my $l = <STDIN>) { chomp $l; $r->paragraph("Password: $l"); } $r->close; print $s;',
    ],
    values.join('\n') + '\n',
  );

describe(`RTF escapes (seed ${rand.seed})`, () => {
  it("reads RTF::Writer's paragraphs back whole", async () => {
    const values = Array.from({ length: 10 }, value);
    const rtf = rtfWriter(values);
    for (const v of values) expect(rtf.toString()).not.toContain(v);
    for (const size of CHUNKS) {
      const read = (await rewritten(rtf, size, LABEL)).join('\n');
      for (const v of values) expect(read.includes(v), `${v} (chunks of ${size}) in ${rtf.toString()}`).toBe(true);
    }
  });

  it('joins the negative \\uN of a surrogate pair, skips each fallback, and takes out line breaks and control words', async () => {
    const rtf = Buffer.from("{\\rtf1\\ansi{\\pard key: a\\u-10179?\\u-8704?b\\uc2\\u8364\\'80\\'80c\r\nd\\'e9\\{e\\}\\\\f\\par}}");
    for (const size of CHUNKS) expect((await rewritten(rtf, size, LABEL)).join(''), String(size)).toContain('key: a😀b€cdé{e}\\f');
  });

  it("reads no JSON \\u escapes, shell '\\'' or ASCII \\'41 as RTF", async () => {
    const near = ['{"k": "caf\\u00e9 \\u0041"}', "echo 'it'\\''s' \\'41\\'4a", 'a \\u233 b \\u8364x'];
    for (const text of near) for (const size of CHUNKS) expect(await rewritten(Buffer.from(text), size, LABEL), text).toEqual([]);
  });
});
