// Property: a value holding the characters LaTeX reserves (\ < > ~ | ^ % & _ # $ { } [ ] ' and --) and letters beyond
// ASCII (é ß € ø), written into a page's paragraphs by the real pandoc (-t latex, with --ascii, and -t context), is read back whole
// in the rewritten copy, in chunks of 1/7/64/whole; the clean twin (other values written the same) holds no leaky one;
// random text with the notation's words and escapes holds no value, and text with none of its words routes nothing.
// Nearest real-world variant: an operations handbook converted from the wiki's HTML to LaTeX by pandoc, a password in
// a paragraph (red team round 10, variant10-text.ts).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { expectNoneRead, expectNoneRouted, expectReadBack, notationText, tool } from './text-rewrite.testing.js';

const rand = seededPerTest(47);
const LABEL = 'LaTeX escapes';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A value with LaTeX's reserved characters, one of those only a control word writes (\ < > ~ |) always among them. */
function value(): string {
  let v = `k${rand.pick([...'\\<>~|'])}`;
  for (let n = rand.int(12, 40); n > 0; n--) v += rand.int(3) ? rand.chars(LETTERS, 1) : rand.pick([..."\\<>~|^%&_#${}[]'éß€ø", '--']);
  return `${v}Z`;
}

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A page holding each value in a paragraph among plain ones, converted by pandoc (`args`: --ascii or none). */
function page(values: string[], args: string[]): Buffer {
  const plain = () => Array.from({ length: rand.int(0, 3) }, () => `<p>${rand.chars(LETTERS, rand.int(3, 20))} text.</p>`).join('');
  const doc = values.map((v) => `${plain()}<p>password: ${html(v)} (rotate yearly)</p>`).join('');
  return tool('pandoc', ['-f', 'html', ...args], doc);
}

describe(`LaTeX escapes (seed ${rand.seed})`, () => {
  it.each([[['-t', 'latex']], [['-t', 'latex', '--ascii']], [['-t', 'context']]])('reads values written by pandoc %j back whole', async (args: string[]) => {
    const values = Array.from({ length: 12 }, value);
    const text = page(values, args);
    for (const v of values) expect(text.toString()).not.toContain(v);
    await expectReadBack(text, LABEL, values);
  });

  it("reads the clean twin's page without the leaky values", async () => {
    const leaky = Array.from({ length: 6 }, value);
    const text = page(
      leaky.map(() => value()),
      ['-t', 'latex'],
    );
    await expectNoneRead(text, LABEL, leaky);
  });

  it('finds no value in random text of the notation; text without its words routes nothing', async () => {
    const values = Array.from({ length: 20 }, value);
    const words = ['\\textbackslash ', '\\textless{}', '\\textbar{}', '\\euro', '\\%', '\\&', '{[}', "\\'{e}", '\\textit{', '}', ' ', '\n'];
    await expectNoneRead(notationText(rand, words, LETTERS), LABEL, values);
    await expectNoneRouted('\\section{Setup} Set \\texttt{PATH}, 50\\% \\& more; \\textit{x} \\sss\n', LABEL);
  });
});

describe(`Pygments' LaTeX (seed ${rand.seed})`, () => {
  // pygmentize -f latex (minted, a manual's code listing) of a Python settings module: each token \PY{style}{…}, the
  // reserved characters \PYZbs{} \PYZpc{} \PYZdq{} …; a string with an escape or a % spec is cut into tokens there (red
  // team round 14, variant14-text.ts: pygments-latex). The module holds each value as a plain assignment's repr; the
  // copy read back holds the repr (its \\ the escape families read).
  const listing = (values: string[]) =>
    tool(
      '/usr/bin/python3',
      [
        '-c',
        'import sys, json\nfrom pygments import highlight\nfrom pygments.lexers import PythonLexer\nfrom pygments.formatters import LatexFormatter\nsrc = "".join("KEY_%d = %r\\n" % (i, v) for i, v in enumerate(json.load(sys.stdin)))\nsys.stdout.write(highlight(src, PythonLexer(), LatexFormatter()))',
      ],
      JSON.stringify(values),
    );
  /** The repr Python gives a value holding no quote (single quotes, \\ doubled), as the module holds it. */
  const repr = (v: string) => `'${v.replace(/\\/g, '\\\\')}'`;
  const code = () => value().replace(/['"]/g, 'q');

  it('reads the values of a highlighted listing back whole (as their repr); the clean twin holds none', async () => {
    const values = Array.from({ length: 12 }, code);
    const text = listing(values);
    expect(text.toString()).toContain('\\PY{l+s+s1}{');
    for (const v of values) expect(text.toString()).not.toContain(repr(v));
    await expectReadBack(text, LABEL, values.map(repr));
    await expectNoneRead(listing(values.map(() => code())), LABEL, values.map(repr));
  });
});
