/**
 * The escape spellings the second variant round found missed (test/integration/audit-variants-2.test.ts),
 * each as its writer puts it: HTML5 named references (PHP htmlentities with ENT_HTML5), Perl's
 * `\x{…}` (Data::Dumper), CSS hex escapes (cssesc), PowerShell's backtick, cmd's caret — found
 * through the escape scan wherever the text is cut, and nothing found for another value.
 */
import { describe, expect, it } from 'vitest';
import { compile } from './audit.js';
import { CssDecoder, PrefixDecoder } from './escape-chars.js';
import { type Decoder } from './escape-decoders.js';
import { NAMED_REFERENCES } from './escape-entities.js';
import { EscapeScan } from './escapes.js';

/** What the scan finds of `value` in `text`, cut at every offset in turn: each finding's escapes (one set per cut). */
function findIn(value: string, text: string): string[] {
  const bytes = Buffer.from(text);
  const seen = new Set<string>();
  for (let cut = 0; cut <= bytes.length; cut += Math.max(1, bytes.length >> 3)) {
    const { automaton, families, span } = compile([{ name: 'secret', value }]);
    const found = new Set<string>();
    const scan = new EscapeScan(automaton, families, span, (m) => m.tag.kind === 'secret' && found.add(m.escapes ?? 'as it is'));
    scan.write(bytes.subarray(0, cut));
    scan.write(bytes.subarray(cut));
    seen.add([...found].sort().join(' | '));
  }
  return [...seen];
}

/** What a decoder alone makes of `text`. */
function decode(d: Decoder, text: string): string {
  const out: number[] = [];
  for (const b of Buffer.from(text)) d.push(b, { out: (x) => out.push(x), cut: () => {} });
  return Buffer.from(out).toString();
}

const VALUE = 'p4ss+Zé€😀"\\ß$`&<>wörd';
/** cssesc's spelling: \ and " escaped, everything outside printable ASCII as hex and a space. */
const css = (s: string) =>
  [...s]
    .map((c) =>
      c === '"' || c === '\\' ? `\\${c}` : c.codePointAt(0)! >= 0x20 && c.codePointAt(0)! < 0x7f ? c : `\\${c.codePointAt(0)!.toString(16).toUpperCase()} `,
    )
    .join('');

describe('escape spellings of the second variant round', () => {
  it('HTML5 named references (PHP htmlentities, ENT_QUOTES | ENT_HTML5)', () => {
    const html = 'p4ss&plus;Z&eacute;&euro;😀&quot;&bsol;&szlig;&dollar;&grave;&amp;&lt;&gt;w&ouml;rd';
    expect(findIn(VALUE, `<input value="${html}">`)).toEqual(['XML entities']);
    expect(findIn(VALUE.replace('w', 'W'), `<input value="${html}">`)).toEqual(['']);
    // Names of HTML5's alone, and one of several names for a character (´ is also &acute;).
    expect(findIn('ab´c¨d·e…f', 'ab&DiacriticalAcute;c&DoubleDot;d&CenterDot;e&hellip;f')).toEqual(['XML entities']);
    expect(NAMED_REFERENCES.get('CounterClockwiseContourIntegral')).toBe(0x2233);
  });

  it("Perl's \\x{…} (Data::Dumper beyond ASCII: a character, not a byte)", () => {
    const perl = 'p4ss+Z\\x{e9}\\x{20ac}\\x{1f600}\\"\\\\\\x{df}\\$`&<>w\\x{f6}rd';
    expect(findIn(VALUE, `$config = { "password" => "${perl}" };`)).toEqual(['\\x-escaped']);
    expect(findIn(VALUE, `"${perl.replace('\\x{20ac}', '\\x{20ad}')}"`)).toEqual(['']);
  });

  it('CSS hex escapes (cssesc: \\E9 then a space; six digits then none)', () => {
    expect(findIn(VALUE, `:root { --key: "${css(VALUE)}"; }`)).toEqual(['CSS-escaped']);
    expect(decode(new CssDecoder(), '\\0000E9x\\2B \\41\tB\\"\\\\\\\nC')).toBe('éx+AB"\\C');
    expect(decode(new CssDecoder(), 'a\\110000b')).toBe('a\\110000b');
    expect(findIn(VALUE, `"${css(VALUE.replace('ß', 'ss'))}"`)).toEqual(['']);
  });

  it("PowerShell's backtick in a double-quoted string", () => {
    const ps = (s: string) => s.replace(/`/g, '``').replace(/\$/g, '`$').replace(/"/g, '`"');
    expect(findIn(VALUE, `$env:DB_PASSWORD = "${ps(VALUE)}"\r\n`)).toEqual(['PowerShell backtick-escaped']);
    expect(decode(new PrefixDecoder(0x60, { t: 9, n: 10 }), 'a`tb`nc``d`\r\ne')).toBe('a\tb\nc`de');
  });

  it("cmd's caret in an unquoted set", () => {
    const value = 'p4ss&wo<rd>"x^y|z';
    expect(findIn(value, `set DB_PASSWORD=${value.replace(/[&<>"^|]/g, '^$&')}\r\n`)).toEqual(['cmd caret-escaped']);
    expect(findIn(value, `set DB_PASSWORD=${'p4ss&wo<rd>"x^y|Z'.replace(/[&<>"^|]/g, '^$&')}\r\n`)).toEqual(['']);
  });
});
