// Property: the openings `runs-anchored.ts` reads only at a line's start — uuencode's `begin 644 name` and a bare full
// uuencoded `M` line (Perl's pack('u')) — are found in long text wherever they stand: at the content's first byte, after
// LF, after CRLF, at a chunk's first byte or a few bytes after it, across chunk cuts of 2 KiB to 70 KiB; a block ended by
// a blank line (pack('u')'s output then `\n`, as a script prints it) is read whole and the blank line ends it (it threw a
// RangeError: an empty line's length character was NaN, and the audit reported the file as a damaged container, not
// fully audited); and the ordinary text around them (this directory's sources, all their `b`s and line breaks) opens
// no uuencode. A guard for any cheaper search of these openings: a search that misses a `begin` line (uuencode of under
// 45 bytes has no `M` line to be found by instead) or a line break before `M` fails it.
// Nearest real-world variant: a shell archive or a mail body holding `uuencode` output, and a Perl script's pack('u')
// dump, among source files in a layer read by chunks.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnchoredRuns } from './runs-anchored.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(52);

/** Ordinary text: this directory's sources (about 1 MB; every line break, `b` and `M` of TypeScript). */
const ORDINARY = Buffer.concat(
  readdirSync(import.meta.dirname)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => readFileSync(join(import.meta.dirname, f))),
);

/** What a tool writes of `input` (a file it reads: never argv): `uuencode` (GNU sharutils), or Perl's pack('u'). */
function encode(input: Buffer, tool: 'uuencode' | 'perl'): string {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-uu-'));
  try {
    const file = join(dir, 'in');
    writeFileSync(file, input);
    const args = tool === 'uuencode' ? [file, 'data.bin'] : ['-e', 'open my $f, "<", $ARGV[0] or die; binmode $f; local $/; print pack("u", <$f>);', file];
    return execFileSync(tool, args, { encoding: 'latin1' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function readings(input: Buffer, cuts: number[]): Promise<Array<{ alphabet: string; bytes: Buffer }>> {
  const out: Array<{ alphabet: string; parts: Buffer[] }> = [];
  const runs = new AnchoredRuns((_, alphabet) => {
    const r = { alphabet, parts: [] as Buffer[] };
    out.push(r);
    return { write: (b) => void r.parts.push(Buffer.from(b)), end: () => undefined };
  });
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    if (cut > at) await runs.push(input.subarray(at, cut));
    at = Math.max(at, cut);
  }
  await runs.end();
  // The sources hold ASCII85 blocks and git binary patches of their own tests: the line openings' readings only.
  return out.filter((r) => /^(uu|xx)encode$/.test(r.alphabet)).map((r) => ({ alphabet: r.alphabet, bytes: Buffer.concat(r.parts) }));
}

/** A line's start in `text` at or after `near` (0 stays 0). */
const lineStart = (text: Buffer, near: number) => (near === 0 ? 0 : text.indexOf(0x0a, near) + 1);

describe(`AnchoredRuns' line openings in long text (seed ${rand.seed})`, () => {
  it("ordinary text (this directory's sources, LF and CRLF) opens no uuencode or xxencode, in chunks of 2 KiB to 256 KiB", async () => {
    const crlf = Buffer.from(ORDINARY.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    for (const text of [ORDINARY, crlf]) {
      for (const size of [2048, 4099, 65536, 262144]) {
        const cuts = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => i * size);
        expect(await readings(text, cuts), `chunks of ${size}`).toEqual([]);
      }
    }
  });

  it('24 draws: each planted `uuencode` block and pack(u) dump is read whole, wherever it stands and however the chunks are cut', async () => {
    for (let draw = 0; draw < 24; draw++) {
      const crlf = draw % 3 === 2;
      const planted: Array<{ data: Buffer; text: string }> = [];
      // Three to five blocks between stretches of ordinary text; the first at the content's first byte in a third of the draws.
      const count = 3 + rand.int(3);
      const pieces: Buffer[] = [];
      for (let n = 0; n < count; n++) {
        if (n > 0 || draw % 3 !== 0) {
          const from = rand.int(ORDINARY.length - 40000);
          const start = lineStart(ORDINARY, from);
          pieces.push(ORDINARY.subarray(start, lineStart(ORDINARY, start + 2000 + rand.int(30000))));
        }
        // `uuencode` of under 45 bytes has no full `M` line: only its `begin` line finds it; pack(u)'s has one or more.
        const data = n % 2 ? rand.bytes(46 + rand.int(400)) : rand.bytes(1 + rand.int(44));
        const text = encode(data, n % 2 ? 'perl' : 'uuencode');
        planted.push({ data, text });
        pieces.push(Buffer.from(text, 'latin1'));
        pieces.push(Buffer.from('\n'));
      }
      pieces.push(ORDINARY.subarray(0, lineStart(ORDINARY, 5000)));
      let input = Buffer.concat(pieces);
      if (crlf) input = Buffer.from(input.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
      // Chunks of 2 KiB or more (searched by the pass); in odd draws one starts at each block's first byte or up to 3
      // bytes before it (`begin` and `M` at a chunk's first bytes, their line break in the chunk before or in it).
      const starts = planted.map(({ text }) => input.indexOf(crlf ? text.replace(/\n/g, '\r\n') : text, 0, 'latin1'));
      const pinned = draw % 2 ? starts.map((s) => s - ((draw >> 1) % 4)) : [];
      const cuts = [...pinned];
      for (let c = 2048 + rand.int(70000); c < input.length; c += 2048 + rand.int(70000)) if (!pinned.some((p) => c >= p - 2048 && c < p + 4096)) cuts.push(c);
      cuts.sort((a, b) => a - b);
      const read = await readings(input, cuts);
      expect(
        read.map((r) => r.alphabet),
        `draw ${draw}`,
      ).toEqual(planted.map(() => 'uuencode'));
      read.forEach((r, i) => expect(r.bytes.subarray(0, planted[i]!.data.length), `draw ${draw}, block ${i}`).toEqual(planted[i]!.data));
    }
  });
});
