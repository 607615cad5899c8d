// Property: a value's bytes (or code points) written as numbers each inside the same frame — a cast, a type's suffix, a
// call, an escape's lead, a separator no byte list reads — are read back, in every radix the frame's marks or the digits
// allow, for any such frame: generated frames (a random cast name, a random call name, random suffixes and separators,
// wrapped over lines) × radixes × values (ASCII, Latin-1, beyond the BMP). Text whose numbers stand in no common frame
// gives nothing. Nearest real-world variants: Java's `(byte) 0x74`, Rust's `116_u8`, Fortran's `achar(116)//`,
// PostgreSQL's `U&'\0074'`, `echo -e "\0164"` (round 22's text corpus has each made by its tool). All silent through the
// bundle of the session's start (/tmp/lead/dist-start): this file's reader did not exist.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { framedRuns } from './framed-numbers.js';
import { auditFiles, SECRET } from './testing.js';

const rng = seededPerTest(0xf4a3ed);
const NAME = 'abcdefghijklmnopqrstuvwxyz';

/** A number in radix `radix`, with C's mark where `marked`, padded as a generator pads it. */
function num(n: number, radix: 2 | 8 | 10 | 16, marked: boolean): string {
  const digits = radix === 2 ? n.toString(2).padStart(8, '0') : radix === 16 ? n.toString(16).padStart(2, '0') : n.toString(radix);
  return (marked ? { 2: '0b', 8: '0o', 10: '', 16: '0x' }[radix] : '') + digits;
}

/** A random frame: text before each number and after it (a cast, a call, a suffix, an escape's lead) and a separator. */
function frame(): { before: string; after: string; sep: string } {
  const name = `q${rng.chars(NAME, rng.int(2, 8))}`;
  return rng.pick([
    { before: `(${name}) `, after: '', sep: rng.pick([', ', ',', ' , ']) },
    { before: `${name}(`, after: ')', sep: rng.pick([', ', ' & ', '//', ' + ', '.', ' || ']) },
    { before: '', after: rng.pick(['u8', '_u8', "'u8", 'L', 'uy']), sep: rng.pick([', ', '; ']) },
    { before: rng.pick(['\\', '\\0', '^^', '=', '$', '!']), after: '', sep: '' },
    { before: '', after: '', sep: rng.pick(['-', ' - ', ';', ' | ', ':']) },
  ]);
}

const values = () => [
  `${rng.chars(NAME, 10)}K3y${rng.chars(NAME, 10)}`,
  `${rng.chars(NAME, 6)}é${rng.chars(NAME, 6)}ß${rng.chars(NAME, 6)}`,
  `${rng.chars(NAME, 6)}€${rng.chars(NAME, 6)}😀${rng.chars(NAME, 4)}`,
];

describe('numbers in one frame', () => {
  it('generated frames × radixes × values: read back (bytes, or code points where one is beyond a byte)', () => {
    for (let i = 0; i < 300; i++) {
      const f = frame();
      // `\0` is octal's lead (echo -e): no generator writes another radix after it.
      // Hex pairs between colons or dashes are the byte-list readers' (OpenSSL's, BitConverter's): not this reader's.
      const pairs = f.before === '' && f.after === '' && /^[:-]$/.test(f.sep);
      const radix = f.before === '\\0' ? 8 : rng.pick(pairs ? ([2, 8, 10] as const) : ([2, 8, 10, 16] as const));
      const marked = radix !== 10 && f.before === '' && rng.int(0, 1) === 1;
      const v = rng.pick(values());
      const codes = radix === 16 && f.after === '' && f.before === '\\' ? [...v].map((c) => c.codePointAt(0)!) : [...Buffer.from(v)];
      const items = codes.map((c) => f.before + num(c, radix, marked) + f.after);
      const wrapped = items.map((it, k) => it + (k < items.length - 1 ? f.sep + (k % 12 === 11 && f.sep.includes(',') ? '\n    ' : '') : '')).join('');
      const text = Buffer.from(`// generated\nconst k = {${wrapped}};\n`, 'utf8');
      const read = (text.toString('latin1').match(/\d/g) ? [...text.keys()] : []).flatMap((q) => framedRuns(text, q)?.runs ?? []);
      const got = read.flatMap((r) => r.readings.map((b) => b.toString('utf8')));
      expect(got, `${JSON.stringify(f)} radix ${radix}: ${text.toString('utf8').slice(0, 120)}`).toContain(v);
    }
  });

  it('text with numbers in no common frame, and plain byte lists the byte-list readers take: nothing read', () => {
    const texts = [
      'for (int i = 0; i < 10; i++) { a[i] = b[i] * 3 + 7; } // 2024-01-02 12:30:45, version 1.2.3, port 8080',
      `static const int primes[] = {${[2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37].join(', ')}};`,
      `unsigned char k[] = {${[...Buffer.from(SECRET)].map((c) => `0x${c.toString(16)}`).join(', ')}};`,
      'modes: 0644 0755 0600 0700 0644 0755 0600 0700 0644 0755',
    ];
    for (const t of texts) {
      const b = Buffer.from(t);
      expect(
        [...b.keys()].flatMap((q) => framedRuns(b, q)?.runs ?? []).flatMap((r) => r.readings.map((x) => x.toString('latin1'))),
        t,
      ).toEqual([]);
    }
  });

  it('through the audit: a file of casts and one of escapes each found, the path named', async () => {
    const bytes = [...Buffer.from(SECRET)];
    const found = await auditFiles({
      'src/Key.java': `class Key { static final byte[] K = {${bytes.map((c) => `(byte) 0x${c.toString(16).toUpperCase()}`).join(', ')}}; }\n`,
      'run.sh': `#!/bin/sh\necho -e "${bytes.map((c) => `\\0${c.toString(8).padStart(3, '0')}`).join('')}" | login\n`,
    });
    expect(found.map((x) => `${x.severity} ${x.path}`).sort()).toEqual(['leak run.sh!(framed numbers at 20)', 'leak src/Key.java!(framed numbers at 46)']);
  });
});
