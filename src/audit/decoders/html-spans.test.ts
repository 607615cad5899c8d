// Property: a value in code highlighted into HTML by the real Pygments (HtmlFormatter, as Sphinx and MkDocs render a
// listing) — the value holding a backslash and a % spec, which Pygments writes as tokens of their own — is read back
// whole in the rewritten copy (as the code's repr, its & < > " as entities, for the escape families), in chunks of
// 1/7/64/whole; the clean twin's holds no leaky one; HTML whose spans are not cut into each other routes nothing.
// Nearest real-world variant: a documentation page of a settings.py example that held the real password (red team
// round 14, variant14-text.ts: pygments-html). Read through EncodedRuns once runs.ts lists the notation.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { HTML_SPANS } from './html-spans.js';
import { python } from './text-rewrite.testing.js';

const rand = seededPerTest(1416);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const value = () => `k${rand.chars(LETTERS, rand.int(4, 12))}\\${rand.chars(LETTERS, rand.int(4, 12))}%d${rand.chars(LETTERS, rand.int(4, 12))}Z`;

function read(text: Buffer): string {
  const [needle] = HTML_SPANS.needles;
  for (let at = text.indexOf(needle!); at >= 0; at = text.indexOf(needle!, at + 1))
    if (HTML_SPANS.at(text, at)) return (HTML_SPANS.rewrite(text) ?? Buffer.alloc(0)).toString('utf8');
  return '';
}

const page = (values: string[]) =>
  Buffer.from(
    python(
      `from pygments import highlight
from pygments.lexers import PythonLexer
from pygments.formatters import HtmlFormatter
src = ''.join('KEY_%d = %r\\n' % (i, v) for i, v in enumerate(values))
sys.stdout.write('<html><body><h1>Settings</h1>' + highlight(src, PythonLexer(), HtmlFormatter()) + '</body></html>\\n')`,
      values,
    ),
  );
/** The repr's body of a value (\\ doubled), as the page's code holds it. */
const repr = (v: string) => v.replace(/\\/g, '\\\\');

describe(`html spans (seed ${rand.seed})`, () => {
  it('a highlighted listing: the values read back whole (as their repr); the clean twin holds none', () => {
    const values = Array.from({ length: 6 }, value);
    const text = page(values);
    expect(text.toString()).toContain('</span><span class="se">');
    const copy = read(text);
    for (const v of values) {
      expect(text.toString()).not.toContain(repr(v));
      expect(copy).toContain(repr(v));
    }
    const clean = read(page(values.map(() => value())));
    for (const v of values) expect(clean).not.toContain(repr(v));
  });

  it('HTML whose spans are apart, and a span closed before another tag, is no place', () => {
    const text = Buffer.from('<p><span class="a">x</span> <span>y</span></p>\n<span>a</span><spanner>\n<div><span>z</span></div>\n');
    expect(read(text)).toBe('');
  });
});
