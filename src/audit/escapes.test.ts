import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from './audit.js';
import { EscapeScan } from './escapes.js';

/** What the scan finds of `value` in `text` (cut into the given chunks): each finding's encoding and escapes. */
function findIn(value: string, text: string | Buffer, cuts: number[] = []): string[] {
  const { automaton, families, span } = compile([{ name: 'secret', value }]);
  const found = new Set<string>();
  const scan = new EscapeScan(automaton, families, span, (m) => {
    if (m.tag.kind === 'secret') found.add([m.tag.encoding, m.escapes].filter(Boolean).join(', '));
  });
  const bytes = Buffer.from(text);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const p of [...points, bytes.length]) {
    scan.write(bytes.subarray(from, p));
    from = p;
  }
  return [...found];
}

const hex = (n: number, width: number, upper: boolean) => (upper ? n.toString(16).toUpperCase() : n.toString(16)).padStart(width, '0');
const code = (c: string) => c.charCodeAt(0);

/** Printable ASCII with the characters every family escapes, and spaces. */
const SECRET_CHARS = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), ...'+/=&<>%"\'\\ '.repeat(4)];
const secretArb = fc.string({ unit: fc.constantFrom(...SECRET_CHARS), minLength: 8, maxLength: 28 });
/** Surrounding text: the same characters, fewer of the rare ones. */
const textArb = fc.string({ unit: fc.constantFrom(...SECRET_CHARS), maxLength: 40 });

/** One character in one spelling, by a random choice `r` (a number in [0, 1)). */
type Speller = (c: string, r: number) => string;
const pick = <T>(xs: readonly T[], r: number): T => xs[Math.floor(r * xs.length) % xs.length]!;

const jsonChar: Speller = (c, r) => {
  const forms = [`\\u${hex(code(c), 4, r < 0.5)}`, ...(c === '"' || c === '\\' ? [`\\${c}`] : c === '/' ? ['\\/', '/'] : [c, c])];
  return pick(forms, r * 7.3);
};
const cChar: Speller = (c, r) => {
  const n = code(c);
  const forms = [`\\x${hex(n, 2, r < 0.5)}`, `\\${n.toString(8).padStart(3, '0')}`, `\\u${hex(n, 4, r < 0.3)}`, `\\U${hex(n, 8, r < 0.7)}`];
  if (c !== '"' && c !== '\\') forms.push(c, c, c);
  return pick(forms, r * 5.1);
};
const XML_NAMES: Record<string, string[]> = {
  '&': ['amp'], '<': ['lt'], '>': ['gt'], '"': ['quot'], "'": ['apos'], '+': ['plus'], '=': ['equals'], '/': ['sol'], '%': ['percnt'], '\\': ['bsol'],
}; // prettier-ignore
const xmlChar: Speller = (c, r) => {
  const zeros = '0'.repeat(Math.floor(r * 13) % 4);
  const forms = [
    `&#${zeros}${code(c)};`,
    `&#${r < 0.5 ? 'x' : 'X'}${zeros}${hex(code(c), 1, r * 3 - Math.floor(r * 3) < 0.5)};`,
    ...(XML_NAMES[c] ?? []).map((n) => `&${n};`),
  ];
  if (!'&<"\''.includes(c)) forms.push(c, c);
  return pick(forms, r * 9.7);
};
const percentChar: Speller = (c, r) => (c === '%' || c === ' ' || r < 0.5 ? `%${hex(code(c), 2, r < 0.25 || r > 0.8)}` : c);
const formChar: Speller = (c, r) => (c === ' ' ? (r < 0.5 ? '+' : '%20') : c === '%' || c === '+' || c === '&' || r < 0.5 ? `%${hex(code(c), 2, r < 0.3)}` : c);
const qpChar: Speller = (c, r) => (c === '=' || r < 0.5 ? `=${hex(code(c), 2, true)}` : c) + (r > 0.85 ? (r > 0.93 ? '=\r\n' : '=\n') : '');

/** A shell word for `value`: cut in pieces, each quoted its own way (bare with `\`, '…', "…", $'…'). */
function shellWord(value: string, rs: number[]): string {
  let word = '';
  let i = 0;
  for (const r of rs) {
    if (i >= value.length) break;
    const piece = value.slice(i, i + 1 + Math.floor(r * 5));
    i += piece.length;
    const style = Math.floor(r * 97) % 4;
    if (style === 0) word += [...piece].map((c) => (/[A-Za-z0-9_./-]/.test(c) && r < 0.5 ? c : `\\${c}`)).join('');
    else if (style === 1) word += `'${piece.replaceAll("'", `'\\''`)}'`;
    else if (style === 2) word += `"${piece.replace(/["\\$`]/g, (c) => `\\${c}`)}"`;
    else
      word += `$'${[...piece].map((c) => (c === "'" || c === '\\' ? `\\${c}` : r < 0.5 ? `\\x${hex(code(c), 2, false)}` : `\\${code(c).toString(8)}`)).join('')}'`;
  }
  return word + (i < value.length ? `'${value.slice(i).replaceAll("'", `'\\''`)}'` : '');
}

const spell = (value: string, speller: Speller, rs: number[]) => [...value].map((c, i) => speller(c, rs[i % rs.length]!)).join('');

interface Format {
  name: string;
  /** The families a finding may name for it. */
  names: RegExp;
  /** The value written in the format, each character in a random spelling, inside random text of the format. */
  write(value: string, rs: number[], before: string, after: string): string;
}

const FORMATS: Format[] = [
  {
    name: 'JSON (\\u, short escapes)',
    names: /JSON \\u-escaped|backslash-escaped/,
    write: (v, rs, b, a) =>
      `{"a": ${JSON.stringify(b)}, "token": "${spell(v, jsonChar, rs)}", "z": ${JSON.stringify(a).replace(/[+<>&']/g, (c) => `\\u${hex(code(c), 4, true)}`)}}`,
  },
  {
    name: 'C, Python, YAML and TOML double-quoted (\\x, octal, \\u, \\U)',
    names: /escaped/,
    write: (v, rs, b, a) => `key: "${spell(b, cChar, rs.slice(1))}"\nvalue: "${spell(v, cChar, rs)}"\nnext: "${spell(a, cChar, rs.slice(2))}"\n`,
  },
  {
    name: 'XML and HTML entities (named, decimal, hex, leading zeros)',
    names: /XML entities/,
    write: (v, rs, b, a) =>
      `<configuration>\n  <add key="${spell(b, xmlChar, rs.slice(1))}" value="${spell(v, xmlChar, rs)}" />\n  <!-- ${spell(a, xmlChar, rs.slice(3))} -->\n</configuration>\n`,
  },
  {
    name: 'percent-encoding (any subset, either case)',
    names: /URL-encoded/,
    write: (v, rs, b, a) => `https://example.com/${encodeURIComponent(b)}?token=${spell(v, percentChar, rs)}&next=${encodeURIComponent(a)}`,
  },
  {
    name: 'form encoding (space as +)',
    names: /form-encoded|URL-encoded/,
    write: (v, rs, b, a) => `${new URLSearchParams({ b }).toString()}&password=${spell(v, formChar, rs)}&${new URLSearchParams({ a }).toString()}`,
  },
  {
    name: 'quoted-printable (=XX, soft line breaks)',
    names: /quoted-printable/,
    write: (v, rs, b, a) =>
      `Content-Transfer-Encoding: quoted-printable\r\n\r\n${spell(b, qpChar, rs.slice(1))} token: ${spell(v, qpChar, rs)}\r\n${spell(a, qpChar, rs.slice(2))}\r\n`,
  },
  {
    name: "shell quoting ('a'\"b\"c, \\, $'…')",
    names: /shell-quoted|escaped/,
    write: (v, rs, b, a) => `#!/bin/sh\necho ${shellWord(b, rs.slice(1))}\nexport TOKEN=${shellWord(v, rs)}\ncurl -H ${shellWord(a, rs.slice(2))}\n`,
  },
  {
    name: "YAML single-quoted ('')",
    names: /YAML single-quoted/,
    write: (v, _, b, a) => `a: '${b.replaceAll("'", "''")}'\ntoken: '${v.replaceAll("'", "''")}'\nz: '${a.replaceAll("'", "''")}'\n`,
  },
  {
    // Writers escape punctuation, not letters or digits: an inner escape's digits stay as they are.
    name: 'two rounds: percent-encoded, then JSON-escaped (% as \\u0025)',
    names: /URL-encoded, (JSON \\u-escaped|backslash-escaped)|JSON \\u-escaped|URL-encoded/,
    write: (v, rs, b, a) =>
      `{"b": ${JSON.stringify(b)}, "url": "${spell(spell(v, percentChar, rs), (c, r) => (c === '%' && r < 0.7 ? '\\u0025' : /[A-Za-z0-9]/.test(c) ? c : jsonChar(c, r)), rs.slice(1))}", "a": ${JSON.stringify(a)}}`,
  },
  {
    name: 'two rounds: XML entities, then JSON-escaped (& as \\u0026)',
    names: /XML entities/,
    write: (v, rs, b, a) =>
      `{"b": ${JSON.stringify(b)}, "xml": "${spell(spell(v, xmlChar, rs), (c, r) => (/[A-Za-z0-9#;]/.test(c) ? c : jsonChar(c, r)), rs.slice(1))}", "a": ${JSON.stringify(a)}}`,
  },
  {
    // As XML writers do it: & < > " ' escaped (named, decimal or hex), the percent escapes left as they are.
    name: 'two rounds: percent-encoded (some characters left as they are), then XML-escaped',
    names: /URL-encoded|XML entities/,
    write: (v, rs, b, a) =>
      `<url value="${spell(spell(v, percentChar, rs), (c, r) => ('&<>"\''.includes(c) ? xmlChar(c, r) : c), rs.slice(1))}"/>${spell(a + b, xmlChar, rs)}`,
  },
];

/**
 * The near-miss property's runs and seed (ESCAPES_NEAR_RUNS, ESCAPES_NEAR_SEED): 300 of seed 1 in the
 * suite, 50,000+ of random seeds by hand. The false leak a random seed found once in the clean-clone
 * CI of 3eef490 (957706779: a shell reading from the second quote of `''` took the first as it is, so
 * `0'' ''…` held `'' '…`) is mended (`Before.reachQuoted`); the suite stays pinned so that a rarer one
 * is looked for by hand, not met as a CI run failing at random.
 */
const NEAR_RUNS = Number(process.env.ESCAPES_NEAR_RUNS ?? 300);
const NEAR_SEED = Number(process.env.ESCAPES_NEAR_SEED ?? (process.env.ESCAPES_NEAR_RUNS ? Math.floor(Math.random() * 2 ** 31) : 1));

const rsArb = fc.array(fc.double({ min: 0, max: 0.9999, noNaN: true }), { minLength: 3, maxLength: 40 });
const cutsArb = fc.array(fc.nat(2000), { maxLength: 6 });

describe('escapes read as families', () => {
  it.each(FORMATS)('finds a secret however many of its characters are escaped, in any spelling: $name', (format) => {
    // Property: every character independently escaped (or not) in a random spelling of the family,
    // inside random text of the format, the stream cut anywhere — always found, naming the family
    // where the value is not also there as it is.
    fc.assert(
      fc.property(secretArb, rsArb, textArb, textArb, cutsArb, (value, rs, before, after, cuts) => {
        fc.pre(value.trim().length >= 8 && !/^(.)\1*$/.test(value));
        const text = format.write(value, rs, before, after);
        const found = findIn(value, text, cuts);
        expect(found.length, text).toBeGreaterThan(0);
        // Where the value is also there as it is, a plain finding may be the only one.
        expect(text.includes(value) || format.names.test(found.join('; ')), text).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it.each(FORMATS)('finds nothing in text of the format that does not hold the secret: $name', (format) => {
    // Property: text full of escapes of other values, and a secret none of its readings holds — no finding.
    fc.assert(
      fc.property(secretArb, secretArb, rsArb, textArb, textArb, cutsArb, (value, other, rs, before, after, cuts) => {
        const text = format.write(other, rs, before, after);
        fc.pre(value.length >= 12 && new Set(value).size >= 5 && !everyReading(text).some((t) => t.includes(value)));
        expect(findIn(value, text, cuts), text).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it(
    'finds nothing where one character of the escaped secret is another',
    () => {
      // Property: the escaped secret with one character changed (to one the secret does not hold) is not the secret.
      fc.assert(
        fc.property(fc.constantFrom(...FORMATS), secretArb, rsArb, fc.nat(), (format, value, rs, at) => {
          const spare = SECRET_CHARS.find((c) => !value.includes(c) && /[A-Za-z0-9]/.test(c));
          // Values as tokens and passwords are (5+ distinct characters): a run of one or two characters can be
          // read out of text that holds it nearly by mixing a reading as it is with a decoded one.
          fc.pre(value.length >= 10 && new Set(value).size >= 5 && spare !== undefined);
          // Any character, the first too: a match begins at an escape's first byte or after its last, never inside
          // one (escape-reach.ts) — the `;` of the `&#90;` written for a changed first character is no `;` of the value.
          const i = at % value.length;
          const near = value.slice(0, i) + spare + value.slice(i + 1);
          const text = format.write(near, rs, 'x', 'y');
          fc.pre(!everyReading(text).some((t) => t.includes(value)));
          expect(findIn(value, text), text).toEqual([]);
        }),
        { numRuns: NEAR_RUNS, seed: NEAR_SEED },
      );
    },
    Math.max(30_000, NEAR_RUNS * 20),
  );

  // The escape sequences of the families, as a value may hold them as they are (a password with `''`, `\\`, `%41`).
  const LITERALS = [
    "''",
    '""',
    "'",
    '"',
    '\\\\',
    "\\'",
    '\\"',
    '$$',
    '%%',
    '&amp;',
    '&#65;',
    '%41',
    '%25',
    '\\u0041',
    '=41',
    "$'",
    '`$',
    '^&',
    '\\x41',
    "''''",
    `'"'`,
  ];
  const literalArb = fc
    .tuple(secretArb, fc.constantFrom(...LITERALS), fc.nat(), fc.nat(), fc.nat())
    .map(([v, l, at, near, spare]) => ({ value: v.slice(0, at % (v.length + 1)) + l + v.slice(at % (v.length + 1)), at: at % (v.length + 1), l, near, spare }));

  it(
    'finds nothing where a character at or around an escape sequence the secret holds as it is is another',
    () => {
      // Property: the near miss of a value that holds a family's own escape sequence as text (`''`, `""`, `\\`, `%41`), the
      // changed character inside it or beside it — a reading that takes part of the sequence as it is and part as an
      // escape (`a''b`: `a'` as it is, then the second `'` a shell quote) is no reading of any text. Left, found by hand
      // at 10,000 runs: a shell reading in a mode the quotes before rule out (`' ''"''''&…`: outside at a `'` the text
      // has inside '…' — seed 1), and a third round, JSON > XML > JSON, taking a string's `"` as it is before `\"`
      // (seed 957706779; the readings below stop at two rounds).
      fc.assert(
        fc.property(fc.constantFrom(...FORMATS), literalArb, rsArb, ({ write }, { value, at, l, near, spare: s }, rs) => {
          const spares = SECRET_CHARS.filter((c) => !value.includes(c) && /[A-Za-z0-9 '"\\$%&]/.test(c));
          fc.pre(value.length >= 10 && new Set(value).size >= 5 && spares.length > 0);
          const i = Math.max(0, Math.min(value.length - 1, at - 1 + (near % (l.length + 2))));
          const text = write(value.slice(0, i) + spares[s % spares.length]! + value.slice(i + 1), rs, 'x', 'y');
          fc.pre(!everyReading(text).some((t) => t.includes(value)));
          expect(findIn(value, text), text).toEqual([]);
        }),
        { numRuns: NEAR_RUNS, seed: NEAR_SEED },
      );
    },
    Math.max(30_000, NEAR_RUNS * 20),
  );

  it('names the family and the rounds, never the value', () => {
    const value = 'p4ss+w<rd>&"quoted"';
    expect(findIn(value, `{"v":"${[...value].map((c) => `\\u${hex(code(c), 4, true)}`).join('')}"}`)).toEqual(['plain, JSON \\u-escaped']);
    expect(findIn(value, `<add value="p4ss&#x2B;w&lt;rd&gt;&amp;&quot;quoted&quot;"/>`)).toEqual(['plain, XML entities']);
    expect(findIn(value, `"${encodeURIComponent(value).replaceAll('%', '\\u0025')}"`)).toEqual(['plain, URL-encoded, JSON \\u-escaped']);
    // A base64 form read through escapes: System.Text.Json writes + as \u002B in a docker config's auth.
    const auth = Buffer.from(`user:${value}`).toString('base64');
    expect(auth).toContain('+');
    expect(findIn(value, `{"auths":{"r":{"auth":"${auth.replaceAll('+', '\\u002B')}"}}}`)).toContain('base64, JSON \\u-escaped');
  });
});

/** Every reading of a text a test trusts: as it is, and each family decoded by a simple independent decoder (also all at once). */
function everyReading(text: string): string[] {
  const cp = (n: number) => (n <= 0x10ffff ? String.fromCodePoint(n) : '');
  const backslash = (t: string) =>
    t.replace(/\\(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{1,2})|([0-7]{1,3})|\r?\n[ \t]*|(.))/gs, (_, b, u, U, x, o, c: string) =>
      b || u || U ? cp(parseInt(b || u || U, 16)) : x ? cp(parseInt(x, 16)) : o ? cp(parseInt(o, 8) & 255) : c === undefined ? '' : ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', e: '\x1b' } as Record<string, string>)[c] ?? c,
    ); // prettier-ignore
  const entities = (t: string) =>
    t.replace(/&(?:#[xX]([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z]+));/g, (m, h, d, n: string) =>
      h ? cp(parseInt(h, 16)) : d ? cp(parseInt(d, 10)) : (Object.entries(XML_NAMES).find(([, names]) => names.includes(n))?.[0] ?? m),
    );
  const percent = (t: string, form: boolean) =>
    (form ? t.replaceAll('+', ' ') : t).replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  const qp = (t: string) => t.replace(/=\r?\n/g, '').replace(/=([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  const unquoted = (t: string) => t.replace(/\$'/g, '').replace(/\\(.)/gs, '$1').replace(/['"]/g, '');
  const yaml = (t: string) => t.replaceAll("''", "'");
  const one = [
    backslash,
    entities,
    (t: string) => percent(t, false),
    (t: string) => percent(t, true),
    qp,
    yaml,
    unquoted,
    (t: string) => unquoted(backslash(t)),
  ];
  const readings = [text, ...one.map((f) => f(text))];
  return [...readings, ...one.flatMap((f) => readings.slice(1).map((r) => f(r)))];
}
