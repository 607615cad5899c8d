// Property: terminal colours written as a string's escapes — a Jupyter notebook's output (nbformat JSON: ESC as
// \u001b) of a settings file Pygments coloured, Python's repr of the coloured lines (\x1b), a shell script's printf of
// \033 and \e — by the real tools, the value holding escapes and % specs Pygments colours apart, is read back whole in
// the rewritten copy (the string's own escapes left for the escape families: the copy holds the value's repr, JSON-
// escaped), in chunks of 1/7/64/whole; the clean twin's holds no leaky one; JSON and scripts without a colour route
// nothing. Nearest real-world variant: a notebook saved with outputs where a cell printed a highlighted settings file
// (red team round 14, variant14-text.ts: notebook-ansi). Read through EncodedRuns once runs.ts lists the notation.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { ESCAPED_COLOURS } from './escaped-colours.js';
import { python } from './text-rewrite.testing.js';

const rand = seededPerTest(1415);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A value Pygments colours in pieces: a backslash (an escape in the repr) and a % spec among letters, no quote. */
const value = () => `k${rand.chars(LETTERS, rand.int(4, 12))}\\${rand.chars(LETTERS, rand.int(4, 12))}%s${rand.chars(LETTERS, rand.int(4, 12))}Z`;

/** The text rewritten where the notation finds a place, as UTF-8. */
function read(text: Buffer): string {
  for (const needle of ESCAPED_COLOURS.needles)
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1))
      if (ESCAPED_COLOURS.at(text, at)) return (ESCAPED_COLOURS.rewrite(text) ?? Buffer.alloc(0)).toString('utf8');
  return '';
}

/** Python: the values' module coloured by Pygments (terminal), then written as `how` (json: a notebook; repr: a log). */
const coloured = (values: string[], how: 'json' | 'repr') =>
  Buffer.from(
    python(
      `from pygments import highlight
from pygments.lexers import PythonLexer
from pygments.formatters import TerminalFormatter
src = ''.join('KEY_%d = %r\\n' % (i, v) for i, v in enumerate(values))
text = highlight(src, PythonLexer(), TerminalFormatter())
if ${how === 'json' ? 'True' : 'False'}:
    sys.stdout.write(json.dumps({'cells': [{'outputs': [{'name': 'stdout', 'output_type': 'stream', 'text': text.splitlines(True)}]}]}, indent=1))
else:
    sys.stdout.write('\\n'.join('DEBUG line=%r' % l for l in text.splitlines()))`,
      values,
    ),
  );
/** What the copy holds of a value: its repr's body (\\ doubled), escaped again (JSON in a notebook, repr in a log). */
const held = (v: string) => v.replace(/\\/g, '\\\\\\\\');

describe(`escaped colours (seed ${rand.seed})`, () => {
  it.each(['json', 'repr'] as const)('Pygments colours written as %s: the values read back whole; the clean twin holds none', (how) => {
    const values = Array.from({ length: 6 }, value);
    const text = coloured(values, how);
    expect(text.toString()).toMatch(how === 'json' ? /\\u001b\[/ : /\\x1b\[/);
    const copy = read(text);
    for (const v of values) {
      expect(text.toString()).not.toContain(held(v));
      expect(copy).toContain(held(v));
    }
    const clean = read(
      coloured(
        values.map(() => value()),
        how,
      ),
    );
    for (const v of values) expect(clean).not.toContain(held(v));
  });

  it("a shell script's printf of \\033[ and \\e[ colours is read; JSON and scripts without one are no place", () => {
    expect(read(Buffer.from(`printf '\\033[1;32mtok-\\033[0m\\e[33mABCDEF\\e[0m'\n`))).toContain('tok-ABCDEF');
    const none = Buffer.from('{"a": "\\u001b", "b": "\\u001bx[", "c": "\\x1b[", "d": "\\e[[:alpha:]]"}\necho "\\033"\n');
    expect(read(none)).toBe('');
  });
});
