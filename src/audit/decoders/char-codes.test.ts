// Property: a value written as its characters' codes — Go's fmt %U of a []rune (the real go), VBA's Chr()/ChrW()
// joined by ` & ` with ` _` line continuations (a macro generator's layout, written here by Python: no Office on
// Debian), SQL's CHAR(n)+CHAR(n), PHP's chr(n).chr(n) — is read back whole in the rewritten copy, in chunks of
// 1/7/64/whole, beyond ASCII too (a surrogate pair of ChrW as one character); the clean twin holds none of the leaky
// values, and ordinary text with `char(`, `CHAR(10)` alone or one `U+0041` gives no copy. Nearest real-world variant:
// an exported Office macro (Module1.bas) hiding a password as Chr() calls; a Go service's debug log of a value's runes
// (red team round 12, variant12-text.ts).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RewrittenText } from './text-rewrite.js';
import { CHAR_CODES, mayCall } from './char-codes.js';
import { Triggers } from './text-triggers.js';
import { CHUNKS, tool } from './text-rewrite.testing.js';
import { has } from './testing.js';

const rand = seededPerTest(1212);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A value with the characters writers escape and some beyond ASCII. */
const value = () =>
  `k${rand.chars(LETTERS, 6)}${rand.pick([...'+/="\\&<>%é€😀'])}${rand.chars(LETTERS, 8)}${rand.pick([...'é€😀ß'])}${rand.chars(LETTERS, 6)}Z`;

/** The copies CHAR_CODES routes of `text` fed in chunks of `size`, as UTF-8. */
async function copies(text: Buffer, size: number): Promise<string[]> {
  const out: Buffer[][] = [];
  const r = new RewrittenText([CHAR_CODES], () => {
    const parts: Buffer[] = [];
    out.push(parts);
    return { write: (b) => void parts.push(Buffer.from(b)), end: () => undefined };
  });
  for (let i = 0; i < text.length; i += size) await r.push(text.subarray(i, i + size));
  await r.end();
  return out.map((p) => Buffer.concat(p).toString('utf8'));
}

async function expectReadBack(text: Buffer, values: string[]): Promise<void> {
  for (const size of CHUNKS) {
    const read = (await copies(text, size)).join('\n');
    expect(
      values.filter((v) => !read.includes(v)),
      `chunks of ${size}`,
    ).toEqual([]);
  }
}

const units = (v: string) => v.split('').map((c) => c.charCodeAt(0));
/** VBA: eight calls a line, joined by ` & `, lines continued by ` _` (CRLF). */
const vba = (v: string) =>
  `Function Pw() As String\r\n    Pw = ${units(v)
    .map((u) => (u < 256 ? `Chr(${u})` : `ChrW(${u})`))
    .reduce<string[][]>((lines, c, i) => (i % 8 ? lines.at(-1)!.push(c) : lines.push([c]), lines), [])
    .map((l) => l.join(' & '))
    .join(' & _\r\n        ')}\r\nEnd Function\r\n`;
const sql = (v: string) => `INSERT INTO t VALUES (${[...Buffer.from(v)].map((b) => `CHAR(${b})`).join('+')});\n`;
const php = (v: string) =>
  `<?php $k = ${units(v)
    .map((u) => `chr(${u})`)
    .join('.')};\n`;

describe(`char codes (seed ${rand.seed})`, () => {
  it('VBA Chr()/ChrW() with line continuations, PHP chr().chr(), SQL CHAR()+CHAR(): read back whole; the clean twin holds none', async () => {
    const values = Array.from({ length: 6 }, value);
    const ascii = values.map((v) => v.replace(/[^\x20-\x7e]/g, 'q'));
    const text = Buffer.from(
      `' generated\r\n${vba(values[0]!)}${vba(values[1]!)}\n${php(ascii[2]!)}${sql(ascii[3]!)}${php(values[4]!)}${vba(values[5]!)}`,
      'latin1',
    );
    await expectReadBack(text, [values[0]!, values[1]!, ascii[2]!, ascii[3]!, values[4]!, values[5]!]);
    const clean = Buffer.from(vba(value()) + php(value()), 'latin1');
    const read = (await copies(clean, 1 << 20)).join('\n');
    expect(values.filter((v) => read.includes(v))).toEqual([]);
  });

  // The same class in the spellings its writers use beside Chr(): VBA's string-typed Chr$()/ChrW$() (the form VBA
  // obfuscators and recorded macros print), Python's ''.join([chr(n), …]) (a comma joins the calls), PowerShell's
  // [char] casts joined by + (Invoke-Obfuscation's output; decimal and 0x). Each missed before (no needle saw `$(` or
  // `r]`; `,` joined nothing).
  it('VBA Chr$()/ChrW$(), Python join of chr() calls, PowerShell [char]n + [char]0xN: read back whole; shell $( ) and one cast give no copy', async () => {
    const values = Array.from({ length: 4 }, value);
    const vbaDollar = (v: string) =>
      `Pw = ${units(v)
        .map((u) => (u < 256 ? `Chr$(${u})` : `ChrW$(${u})`))
        .join(' & ')}\r\n`;
    const pyJoin = (v: string) =>
      `key = "".join([${units(v)
        .map((u) => `chr(${u})`)
        .join(', ')}])\n`;
    const psCast = (v: string, hex: boolean) =>
      `$k = ${units(v)
        .map((u) => `[char]${hex ? `0x${u.toString(16)}` : u}`)
        .join('+')}\n`;
    const text = Buffer.from(vbaDollar(values[0]!) + pyJoin(values[1]!) + psCast(values[2]!, false) + psCast(values[3]!, true), 'utf8');
    await expectReadBack(text, values);
    const ordinary = 'out=$(date +%s); n=$(( 1 + 2 )); echo "$(whoami)"\n$c = [char]65; $d = [Char]::IsDigit($x)\n';
    for (const size of [1, 64, 1 << 20]) expect(await copies(Buffer.from(ordinary), size)).toEqual([]);
  });

  // The notation is found by a call's `(` and a cast's `]`, one byte each (before: the two bytes a call's name ends
  // with, `r(` `R(` `W(` `w(` `$(` `r]` `R]` — five searches stopping at every `r` of any text, and `r(` ending every
  // `handler(` of source code: ~0.5 s of the bench's 1 GiB). Property: every spelling those pairs found is found still —
  // each call joined to a next one a place, the value read back whole — beside the spellings above, the hex and blank
  // forms (`ChrW(&H20AC)`, `chr(0x61)`, `CHAR( 97 )`, `CharW`, a join before a line break). Nearest real-world
  // variant: an exported VBA module's `Chr(80) & ChrW(8364) & _` lines (macro generators), PHP and SQL injection
  // payloads, Invoke-Obfuscation's casts.
  it('every spelling the pairs found gives a place at each joined call and is read back whole', async () => {
    const hex = (u: number) => u.toString(16);
    const spellings: Array<[string, (v: string) => string, 'units' | 'bytes']> = [
      [
        'VBA Chr() & ChrW() & _',
        (v) =>
          units(v)
            .map((u) => (u < 256 ? `Chr(${u})` : `ChrW(${u})`))
            .join(' & _\r\n    '),
        'units',
      ],
      [
        'VBA Chr$() & ChrW$()',
        (v) =>
          units(v)
            .map((u) => (u < 256 ? `Chr$(${u})` : `ChrW$(${u})`))
            .join(' & '),
        'units',
      ],
      [
        'VBA ChrW(&H…)',
        (v) =>
          units(v)
            .map((u) => `ChrW(&H${hex(u).toUpperCase()})`)
            .join(' & '),
        'units',
      ],
      [
        'PHP chr().chr()',
        (v) =>
          units(v)
            .map((u) => `chr(${u})`)
            .join('.'),
        'units',
      ],
      [
        'PHP chr() . chr()',
        (v) =>
          units(v)
            .map((u) => `chr(${u})`)
            .join(' . '),
        'units',
      ],
      [
        'Python chr() + chr(0x…)',
        (v) =>
          units(v)
            .map((u, i) => (i % 2 ? `chr(0x${hex(u)})` : `chr(${u})`))
            .join(' + '),
        'units',
      ],
      [
        'Python join',
        (v) =>
          `"".join([${units(v)
            .map((u) => `chr(${u})`)
            .join(', ')}])`,
        'units',
      ],
      ['SQL CHAR()+CHAR()', (v) => [...Buffer.from(v)].map((b) => `CHAR(${b})`).join('+'), 'bytes'],
      ['SQL CHAR()||CHAR()', (v) => [...Buffer.from(v)].map((b) => `CHAR(${b})`).join('||'), 'bytes'],
      ['SQL CHAR( n ) + CHAR( n )', (v) => [...Buffer.from(v)].map((b) => `CHAR( ${b} )`).join(' + '), 'bytes'],
      [
        'CharW(  n) +⏎',
        (v) =>
          units(v)
            .map((u) => `CharW(  ${u})`)
            .join(' +\n'),
        'units',
      ],
      [
        'PowerShell [char]n+[char]0xN',
        (v) =>
          units(v)
            .map((u, i) => (i % 2 ? `[char]0x${hex(u)}` : `[char]${u}`))
            .join('+'),
        'units',
      ],
      [
        'PowerShell [Char]n + [Char]n',
        (v) =>
          units(v)
            .map((u) => `[Char]${u}`)
            .join(' + '),
        'units',
      ],
    ];
    const triggers = new Triggers([CHAR_CODES.needles]);
    for (const [name, spell, unit] of spellings) {
      const v = unit === 'bytes' ? value().replace(/[^\x20-\x7e]/g, 'q') : value();
      const code = spell(v);
      const text = Buffer.from(`x = 1\n${code}\ny = 2\n`, 'latin1');
      const places = triggers.find(text, 0, text.length)[0]!.filter((p) => CHAR_CODES.at(text, p));
      const calls = unit === 'bytes' ? Buffer.byteLength(v) : v.length;
      expect(places.length, name).toBe(calls - 1);
      await expectReadBack(text, [v]).catch((e: Error) => {
        throw new Error(`${name}: ${e.message}`);
      });
    }
  });

  // Property: the trigger's cost on ordinary text — a `(` every few dozen bytes of source code, a `]` of every index —
  // is a few byte comparisons each (`mayCall`): all but about one in a thousand are turned away before a string or a
  // regular expression is made, and none is a place. Nearest real-world variant: this repository's own TypeScript
  // (the char codes' and the Unicode names' own files left out: they hold the spellings).
  it('ordinary source code: every `(` and `]` turned away, nearly all by their bytes alone', () => {
    const root = join(import.meta.dirname, '..', '..');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !/char-codes|unicode-names/.test(f));
    const triggers = new Triggers([CHAR_CODES.needles]);
    let hits = 0;
    let passed = 0;
    let places = 0;
    for (const f of files) {
      const b = readFileSync(join(root, f));
      for (const p of triggers.find(b, 0, b.length)[0]!) {
        if (b[p] === 0x55) continue;
        hits++;
        if (mayCall(b, p)) passed++;
        if (CHAR_CODES.at(b, p)) places++;
      }
    }
    expect(hits).toBeGreaterThan(20_000);
    expect(passed).toBeLessThan(hits / 1000);
    expect(places).toBe(0);
  });

  it.skipIf(!has('go'))("Go's fmt %U of a []rune: read back whole", { timeout: 120_000 }, async () => {
    const values = Array.from({ length: 3 }, value);
    const src =
      'package main\nimport ("bufio"; "fmt"; "os")\nfunc main() { s := bufio.NewScanner(os.Stdin); for s.Scan() { fmt.Printf("level=debug runes=%U\\n", []rune(s.Text())) } }\n';
    const text = tool(
      'sh',
      [
        '-c',
        'd=$(mktemp -d) && cat > "$d/m.go" <<\'EOF\'\n' +
          src +
          'EOF\nGOPATH="$d/gp" GOCACHE="$d/gc" GOTOOLCHAIN=local GO111MODULE=off go run "$d/m.go"; rm -rf "$d"',
      ],
      values.join('\n') + '\n',
    );
    expect(text.toString()).toContain('U+');
    await expectReadBack(text, values);
  });

  it('ordinary text gives no copy: C declarations and casts, one CHAR(10), one U+0041, chroot and Chrome', async () => {
    const text = [
      'static const char *name; char buf[256]; (char)(x + 1); sizeof(char) * n;',
      'SELECT CONCAT(a, CHAR(10), b) FROM t; -- one call',
      'The letter A is U+0041 in the charts.',
      'chroot /mnt; Chrome(tm) and chr(x) for x in range(10)',
    ].join('\n');
    for (const size of [1, 64, 1 << 20]) expect(await copies(Buffer.from(text), size)).toEqual([]);
  });
});
