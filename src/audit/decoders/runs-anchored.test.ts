// Property: the openings of `runs-anchored.ts` are found whole — searched by their first bytes, the
// rest compared where those stand — wherever the chunks are cut, and near misses (`GIT binary`
// followed by anything but ` patch`, an opening cut by the content's end) open nothing. Nearest
// real-world variant: a `git format-patch --binary` file inside a layer, among binary bytes that
// hold `GIT bin` by chance, read by 256 KiB chunks at any alignment.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { AnchoredRuns } from './runs-anchored.js';
import { EncodedRuns } from './runs.js';
import { B85 } from './runs-base85.js';
import { b85encode as b85 } from './base85.testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(28);

const ALPHABET = Array.from({ length: 256 }, (_, c) => c)
  .filter((c) => B85[c]! >= 0)
  .sort((a, b) => B85[a]! - B85[b]!)
  .map((c) => String.fromCharCode(c))
  .join('');

/** A git binary patch of `data`: a literal hunk, base85 lines of at most 52 bytes, a blank line. */
function gitPatch(data: Buffer): string {
  const z = deflateSync(data);
  let out = `GIT binary patch\nliteral ${data.length}\n`;
  for (let o = 0; o < z.length; o += 52) {
    const line = z.subarray(o, o + 52);
    const padded = Buffer.concat([line, Buffer.alloc((4 - (line.length % 4)) % 4)]);
    let enc = '';
    for (let g = 0; g < padded.length; g += 4) {
      let v = padded.readUInt32BE(g);
      let group = '';
      for (let k = 0; k < 5; k++, v = Math.floor(v / 85)) group = ALPHABET[v % 85] + group;
      enc += group;
    }
    out += String.fromCharCode(line.length <= 26 ? 64 + line.length : 96 + line.length - 26) + enc + '\n';
  }
  return `${out}\n`;
}

async function readings(input: Buffer, size: number): Promise<Array<{ at: number; alphabet: string; bytes: string }>> {
  const out: Array<{ at: number; alphabet: string; parts: Buffer[] }> = [];
  const runs = new AnchoredRuns((at, alphabet) => {
    const r = { at, alphabet, parts: [] as Buffer[] };
    out.push(r);
    return { write: (b) => void r.parts.push(Buffer.from(b)), end: () => undefined };
  });
  for (let i = 0; i < input.length; i += size) await runs.push(input.subarray(i, i + size));
  await runs.end();
  return out.map((r) => ({ at: r.at, alphabet: r.alphabet, bytes: Buffer.concat(r.parts).toString('hex') }));
}

describe(`AnchoredRuns openings (seed ${rand.seed})`, () => {
  it('finds a git binary patch after near misses of its opening, however the chunks are cut', async () => {
    const data = rand.bytes(300);
    const misses = ['GIT binary', 'GIT binary patc', 'GIT binary-patch', 'GIT binXry patch', 'GIT binary patcH'].map((m) => `${m}\nliteral 9\n`);
    const text = `${misses.join('')}${rand.bytes(200).toString('latin1')}\n${gitPatch(data)}GIT binary pat`;
    const input = Buffer.from(text, 'latin1');
    const at = input.indexOf('literal 300\n') + 'literal 300\n'.length;
    const whole = await readings(input, input.length);
    expect(whole).toHaveLength(1);
    expect(whole[0]!.alphabet).toBe('git binary patch');
    expect(whole[0]!.at).toBe(at);
    expect(deflateSync(data).toString('hex')).toBe(whole[0]!.bytes);
    for (const size of [1, 3, 7, 16, 17, 64, 1 + rand.int(200)]) expect(await readings(input, size)).toEqual(whole);
  });

  it('opens nothing on binary bytes that hold `GIT bin` but no whole opening (the clean twin)', async () => {
    const parts: Buffer[] = [];
    for (let i = 0; i < 64; i++) parts.push(rand.bytes(rand.int(4096)), Buffer.from(`GIT bin${rand.chars('ary patc', rand.int(9))}`, 'latin1'));
    const input = Buffer.concat(parts);
    expect(await readings(input, 65536)).toEqual([]);
    expect(await readings(input, 1 + rand.int(4096))).toEqual([]);
  });

  it('opens nothing on a chance `<~` in binary bytes followed by a few ascii85 characters; an ended or longer one is read', async () => {
    // Seeds 0, 3 and 11 of the twin above drew such a `<~` (`<~tN` then 0x16): a content of one byte was opened and scanned.
    // Each is followed by a byte neither ascii85 nor `~`.
    const bin = (s: string) => Buffer.from(s, 'latin1');
    for (const chance of ['<~tN\x16\xba', '<~PT\x1fH', '<~8Wh\x89', '<~%] {\xe2', `<~j2\xc5`, '<~Ic'])
      for (const size of [1, 3, 64])
        expect(await readings(Buffer.concat([rand.bytes(100), bin(chance), Buffer.of(0), rand.bytes(100)]), size), chance).toEqual([]);
    // What python3's a85encode(adobe=True) writes for b'H', b'Hi!' and b'Hello world': ended by `~>`, read however short.
    const ended = [
      ['<~8,~>', 'H'],
      ['<~8804~>', 'Hi!'],
      ['<~87cURD]j7BEbo7~>', 'Hello world'],
    ];
    for (const [a85, plain] of ended)
      for (const size of [1, 4, 64]) {
        const read = await readings(Buffer.concat([rand.bytes(50), bin(`\n${a85}\n`), rand.bytes(50)]), size);
        expect(
          read.map((r) => Buffer.from(r.bytes, 'hex').toString('latin1')),
          a85,
        ).toEqual([plain]);
      }
    // Eight bytes or more not ended (a content cut short) are read too.
    expect((await readings(bin('<~87cURD]j7B'), 5)).map((r) => Buffer.from(r.bytes, 'hex').toString('latin1'))).toEqual(['Hello wo']);
  });
});

describe(`a <~ inside a base85 run (seed ${rand.seed})`, () => {
  it('a value whose b85encode holds a <~ after a letter or digit (one in 7,225 characters) is decoded whole, at any chunk size', async () => {
    // The `<~` was taken for Adobe's ASCII85 opening: its claim blanked the run's rest, and the value's bytes after it
    // were decoded by no one (runs-family at HOIST_TEST_SEED=6: `secret=…rpI<~u@I5…`).
    const values: Buffer[] = [];
    while (values.length < 12) {
      const v = rand.bytes(rand.int(60, 160));
      if (/[0-9A-Za-z]<~/.test(b85(v))) values.push(v);
    }
    for (const value of values)
      for (const size of [7, 300, 1 << 16]) {
        const text = Buffer.from(`[app]\nname = demo\nsecret=${b85(value)}\nport = 8080\n`, 'latin1');
        const out: Buffer[][] = [];
        const runs = new EncodedRuns(() => {
          const parts: Buffer[] = [];
          out.push(parts);
          return { write: (b) => void parts.push(Buffer.from(b)), end: () => undefined };
        });
        for (let i = 0; i < text.length; i += size) await runs.push(text.subarray(i, i + size));
        await runs.end();
        const tail = value.subarray(value.length - 24);
        expect(
          out.some((parts) => Buffer.concat(parts).includes(tail)),
          `chunks of ${size}`,
        ).toBe(true);
      }
  });
});

// Round 12 (issue 28): uuencode's lines without `begin` — Perl's pack('u'), PHP's convert_uuencode, Python's
// binascii.b2a_uu line by line — read from the first full line (`M` and 60 characters) on, however the chunks are cut;
// a banner in capitals, a rule of dashes and a short line starting `M` open nothing.
describe(`uuencode without begin (seed ${rand.seed})`, () => {
  /** What `tool` writes of `input` (a file it reads: never argv). */
  const uu = (input: Buffer, tool: 'perl' | 'php' | 'python3'): string => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-uu-'));
    try {
      writeFileSync(join(dir, 'in'), input);
      const code = {
        perl: ['-e', 'open my $f, "<", $ARGV[0] or die; binmode $f; local $/; print pack("u", <$f>);', join(dir, 'in')],
        php: ['-r', 'echo convert_uuencode(file_get_contents($argv[1]));', join(dir, 'in')],
        python3: [
          '-c',
          'import binascii, sys; d = open(sys.argv[1], "rb").read(); sys.stdout.write("".join(binascii.b2a_uu(d[i:i + 45], backtick=True).decode() for i in range(0, len(d), 45)))',
          join(dir, 'in'),
        ],
      }[tool];
      return execFileSync(tool, code, { encoding: 'latin1' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  it.each(['perl', 'php', 'python3'] as const)('%s: the bytes, at any chunk size', async (tool) => {
    const data = Buffer.concat([Buffer.from('password='), rand.bytes(100)]);
    const text = Buffer.from(`# state\ncred=\n${uu(data, tool)}done=1\n`, 'latin1');
    for (const size of [1, 5, 61, 64, 1 << 16]) {
      const read = await readings(text, size);
      expect(read.map((r) => r.alphabet)).toEqual(['uuencode']);
      expect(Buffer.from(read[0]!.bytes, 'hex').subarray(0, data.length)).toEqual(data);
    }
  });
  it('opens nothing on text with lines starting M that are no full uuencoded line', async () => {
    const text = [
      'MAKEFILE RULES AND TARGETS FOR THE BUILD OF THE PROJECT, 2026!!',
      `M${'-'.repeat(60)}`,
      'M short line',
      `M${'ABCDEFGHIJKLMNOP'.repeat(4).slice(0, 59)}`,
      'Makefile: all install clean distclean check test lint format doc',
    ].join('\n');
    for (const size of [1, 64, 1 << 16]) expect(await readings(Buffer.from(`x\n${text}\n`), size)).toEqual([]);
  });
});
