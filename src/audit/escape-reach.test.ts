import { describe, expect, it } from 'vitest';
import { compile } from './audit.js';
import { EscapeScan } from './escapes.js';

/** What the scan finds of `value` in `text`, written whole or cut in two at `cut`: each finding's escapes. */
const compiled = new Map<string, ReturnType<typeof compile>>();
function findIn(value: string, text: string, cut?: number): string[] {
  if (!compiled.has(value)) compiled.set(value, compile([{ name: 'secret', value }]));
  const { automaton, families, span } = compiled.get(value)!;
  const found = new Set<string>();
  const scan = new EscapeScan(automaton, families, span, (m) => {
    if (m.tag.kind === 'secret' && m.tag.encoding === 'plain') found.add(m.escapes ?? 'as it is');
  });
  const bytes = Buffer.from(text);
  if (cut === undefined) scan.write(bytes);
  else {
    scan.write(bytes.subarray(0, cut));
    scan.write(bytes.subarray(cut));
  }
  return [...found];
}

/** Every way of writing `text` in two chunks, and whole. */
const everyCut = (text: string) => [undefined, ...Array.from({ length: Buffer.byteLength(text) + 1 }, (_, i) => i)];

const u = (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
const dec = (s: string) => [...s].map((c) => `&#${c.charCodeAt(0)};`).join('');
const pct = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');

/**
 * Text that holds the value but for its first character, which the text has as the last byte of
 * the escape written for another (the near-miss property's false leaks), and its twin: the
 * value's own first character escaped in its place, which is a leak.
 */
const NEAR: Array<{ name: string; value: string; near: string; twin: string }> = [
  { name: 'XML decimal, ; of &#90;', value: ';bcdefgh', near: `x &#90;${dec('bcdefgh')} y`, twin: `x ${dec(';bcdefgh')} y` },
  { name: 'XML hex, ; of &#x5A;', value: ';bcdefgh', near: `x &#x5A;${dec('bcdefgh')} y`, twin: `x &#x3B;${dec('bcdefgh')} y` },
  { name: 'JSON, 3 of \\u0043', value: '3bcdefgh', near: `x ${u('Cbcdefgh')} y`, twin: `x ${u('3bcdefgh')} y` },
  { name: 'percent, 1 of %41', value: '1bcdefgh', near: `x ${pct('Abcdefgh')} y`, twin: `x ${pct('1bcdefgh')} y` },
  {
    name: 'quoted-printable, 1 of =41',
    value: '1bcdefgh',
    near: `x ${pct('Abcdefgh').replaceAll('%', '=')} y`,
    twin: `x =31${pct('bcdefgh').replaceAll('%', '=')} y`,
  },
  {
    name: '\\x, 1 of \\x41',
    value: '1bcdefgh',
    near: `x "${pct('Abcdefgh').replaceAll('%', '\\x')}" y`,
    twin: `x "\\x31${pct('bcdefgh').replaceAll('%', '\\x')}" y`,
  },
  {
    name: 'octal, 1 of \\101',
    value: '1bcdefgh',
    near: 'x "\\101\\142\\143\\144\\145\\146\\147\\150" y',
    twin: 'x "\\061\\142\\143\\144\\145\\146\\147\\150" y',
  },
  // The near-miss property's shell case: the \ of '\ ' (a space) read as the value's first character.
  { name: 'shell, \\ of \\ ', value: '\\      )6z', near: "export TOKEN=0\\ \\ '    )6z'\n", twin: "export TOKEN=\\\\\\ \\ '    )6z'\n" },
  // A quote a backslash escapes is no quote: the window read back does not begin after it.
  { name: "shell, \\ of \\'", value: "\\'      S`", near: "export TOKEN=0\\'\\ '     S`'\n", twin: "export TOKEN=\\\\\\'\\ '     S`'\n" },
  // No quote before: the text may be outside quotes, where `\ ` is an escape.
  { name: 'shell, \\ of \\  before a quote', value: '\\ H      *8', near: "export TOKEN=0\\ H'      *8'\n", twin: "export TOKEN=\\\\\\ H'      *8'\n" },
  // A value that holds a shell quote as it is: read from the quote after it, the one before is one the reading removed
  // (`a''b` is `ab` to a shell), not text the match begins before. The near-miss property's YAML case (seed 957706779).
  // (`a""b` is `a"b` in a CSV field: found as doubled quotes, below.)
  { name: "shell, the first ' of '' in YAML", value: "'' '     $-/", near: "token: '0'' ''     $-/'\n", twin: "token: '''' ''     $-/'\n" },
  // Inside '…' a " is text: read back to the ' that opened the quotes, which bounds the match, not to the ".
  { name: "shell, the ' that opened '…\"…'", value: 'a\'b"cdefghij', near: `x a'b"c'defghij y`, twin: 'x "a\'b\\"c"defghij y' },
  { name: 'shell, the " that opened "…\'…"', value: 'ab\'c"defgh', near: `x 'ab'"'c"defgh' y`, twin: `x 'ab'"'c\\""defgh y` },
  // No quote before in the whole text: no reading as inside '…', "…" or $'…' (`\"` read as in $'…', then `'o\'` as `o'`).
  {
    name: "shell, \\\" as in $'…' with no quote before",
    value: "MS0\"o''ns ruct",
    near: "echo x\nexport TOKEN=MS0\\\"'o\\'\\''ns ruct'\n",
    twin: "echo x\nexport TOKEN=MS0\\\"o\\'\\'ns\\ ruct\n",
  },
  // Two rounds (XML, then JSON): the ; of the &#48; the first round made.
  {
    name: 'XML then JSON, ; of &#48;',
    value: ';      ViD',
    near: `{"xml": "${dec('0      ViD').replaceAll('&', '\\u0026')}"}`,
    twin: `{"xml": "${dec(';      ViD').replaceAll('&', '\\u0026')}"}`,
  },
];

describe('a match begins at an escape or after it, never inside one', () => {
  it.each(NEAR)('no finding where the value but its first character is escaped: $name', ({ value, near }) => {
    for (const cut of everyCut(near)) expect(findIn(value, near, cut), `${near} cut at ${cut}`).toEqual([]);
  });

  it.each(NEAR)('found where its first character is escaped too: $name', ({ value, twin }) => {
    for (const cut of everyCut(twin)) expect(findIn(value, twin, cut).length, `${twin} cut at ${cut}`).toBeGreaterThan(0);
  });

  // The value's first character written as an escape, in every family and spelling, after plain
  // text, after an escape of another character, and at the text's start.
  const J = 'Jkmnp+q/r';
  const FIRST: Array<[string, string, string]> = [
    ['JSON \\u, lower case', J, '\\u004a'],
    ['JSON \\u, upper case', J, '\\u004A'],
    ['\\u{…}', J, '\\u{4a}'],
    ['\\U', J, '\\U0000004A'],
    ['\\x, lower case', J, '\\x4a'],
    ['\\x, upper case', J, '\\x4A'],
    ['Perl \\x{…}', J, '\\x{4A}'],
    ['octal', J, '\\112'],
    ['XML decimal', J, '&#74;'],
    ['XML decimal, leading zeros', J, '&#0074;'],
    ['XML hex, lower case', J, '&#x4a;'],
    ['XML hex, upper case', J, '&#X4A;'],
    ['XML named', '&kmnp+q/r', '&amp;'],
    ['percent, lower case', J, '%4a'],
    ['percent, upper case', J, '%4A'],
    ['quoted-printable', J, '=4A'],
    ['CSS hex', J, '\\4a '],
    ['doubled $$', '$kmnp+q/r', '$$'],
    ['doubled %%', '%kmnp+q/r', '%%'],
    ['YAML single-quoted', "'kmnp+q/r", "''"],
    ['shell', J, '\\J'],
    ['PowerShell backtick', '$kmnp+q/r', '`$'],
    ['cmd caret', '&kmnp+q/r', '^&'],
  ];
  it.each(FIRST)('found with its first character escaped: %s', (_, value, first) => {
    const rest = value.slice(1);
    for (const text of [`x ${first}${rest} y`, `${first}${rest}`, `&#90;\\u005A%5A=5A${first}${rest}`])
      for (const cut of everyCut(text)) expect(findIn(value, text, cut).length, `${text} cut at ${cut}`).toBeGreaterThan(0);
  });
});

// A CSV field with a quote (Python's csv, Excel): `""` is `"` there, though a shell reads `a""b` as `ab`.
// The variant corpus's csv-doubled case was found only by that shell reading until 7e89823 bounded it.
describe('doubled double quotes', () => {
  const value = 'ab&c<d>e%f"g\\h';
  it.each([
    ['a CSV row', 'ci,"ab&c<d>e%f""g\\h",admin\r\n'],
    ['a bare field', 'x ab&c<d>e%f""g\\h y'],
    ['a C# verbatim string', 'var s = @"ab&c<d>e%f""g\\h";'],
  ])('%s: found as doubled quotes, the stream cut anywhere', (_, text) => {
    for (const cut of everyCut(text)) expect(findIn(value, text, cut), `cut at ${cut}`).toContain('doubled quotes ("")');
  });

  it('a quote written once, or three times, is no doubled quote of the value', () => {
    expect(findIn(value, 'ci,"ab&c<d>e%f"g\\h",admin')).toEqual(['as it is']);
    expect(findIn(value, 'ci,"ab&c<d>e%f"""g\\h",admin').filter((e) => e.includes('doubled quotes'))).toEqual([]);
  });
});

describe('runs of one escape character and rounds of one family', () => {
  // The rule: each round reads the whole of what the round before made, three rounds at most.
  it.each([
    ['an escaped backslash before u (two JSON readings)', 'x \\\\u0041BCDEFGH y', ['JSON \\u-escaped, backslash-escaped']],
    ['three escaped backslashes: one reading, \\ then \\u0041', 'x \\\\\\u0041BCDEFGH y', ['JSON \\u-escaped']],
    ['four backslashes: three readings', 'x \\\\\\\\u0041BCDEFGH y', ['JSON \\u-escaped, backslash-escaped']],
    ['eight backslashes: four readings, not read', 'x \\\\\\\\\\\\\\\\u0041BCDEFGH y', []],
    ['&amp;#65; (two XML readings)', 'x &amp;#65;BCDEFGH y', ['XML entities, XML entities']],
    ['&amp;amp;#65; (three)', 'x &amp;amp;#65;BCDEFGH y', ['XML entities, XML entities']],
    ['&amp;amp;amp;#65; (four, not read)', 'x &amp;amp;amp;#65;BCDEFGH y', []],
    ['%%41: a % then %41, one URL reading', 'x %%41BCDEFGH y', ['URL-encoded']],
    ['%%%%41', 'x %%%%41BCDEFGH y', ['URL-encoded']],
    ['%2541 (two URL readings)', 'x %2541BCDEFGH y', ['URL-encoded, URL-encoded']],
  ])('%s', (_, text, found) => {
    for (const cut of everyCut(text)) expect(findIn('ABCDEFGH', text, cut).sort(), `${text} cut at ${cut}`).toEqual(found);
  });

  it('reads doubling by the pair from the run\u2019s start, the stream cut anywhere', () => {
    // $$ is $: '$$$$$$ABC…' is '$$$ABC…' to a doubling reading; %%41 is %41 to it (then A to a URL reading).
    for (const cut of everyCut('x $$$$$$ABCDEFG y')) expect(findIn('$$$ABCDEFG', 'x $$$$$$ABCDEFG y', cut), `cut at ${cut}`).toContain('doubled ($$, %%)');
    for (const cut of everyCut('x %%41BCDEFGH y')) expect(findIn('%41BCDEFGH', 'x %%41BCDEFGH y', cut), `cut at ${cut}`).toContain('doubled ($$, %%)');
  });
});
