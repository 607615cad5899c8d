// Property: a value written as its characters' codes — Go's fmt %U of a []rune (the real go), VBA's Chr()/ChrW()
// joined by ` & ` with ` _` line continuations (a macro generator's layout, written here by Python: no Office on
// Debian), SQL's CHAR(n)+CHAR(n), PHP's chr(n).chr(n) — is read back whole in the rewritten copy, in chunks of
// 1/7/64/whole, beyond ASCII too (a surrogate pair of ChrW as one character); the clean twin holds none of the leaky
// values, and ordinary text with `char(`, `CHAR(10)` alone or one `U+0041` gives no copy. Nearest real-world variant:
// an exported Office macro (Module1.bas) hiding a password as Chr() calls; a Go service's debug log of a value's runes
// (red team round 12, variant12-text.ts).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { RewrittenText } from './text-rewrite.js';
import { CHAR_CODES } from './char-codes.js';
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
