// Property: `findOpening` finds each opening of `runs-anchored.ts` where a plain native search of the whole opening
// (`bytes.indexOf(opening, from)`) does, from any `from` — in particular `\nM` (a bare full uuencoded line), which is
// searched by its `M` in text and by `\nM` itself once `M`s turn out dense: in text with few `M`s, in random bytes (an
// `M` every 256 bytes: the switch), in text that turns into random bytes and back, with `\nM` at the first byte, the
// last two and right where the switch happens (a `\nM` whose `M` is the miss that switches is not skipped).
// Nearest real-world variant: Perl's pack('u') lines in a source file or beside binary bytes in one content (the
// lines test, runs-anchored-lines.test.ts, reads them through the whole reader).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOpening } from './runs-anchored.js';
import { seededPerTest } from '../../../test/support/random.js';

const rand = seededPerTest(5508);

const OPENINGS = ['GIT binary patch', '<~', 'begin ', '\nM'];
/** Ordinary text: this directory's sources (line breaks, `M`s, `b`s of TypeScript). */
const ORDINARY = Buffer.concat(
  readdirSync(import.meta.dirname)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => readFileSync(join(import.meta.dirname, f))),
);

/** Every place of opening `k` from `from` on, found the plain way and by findOpening. */
function both(bytes: Buffer, k: number, from: number): { plain: number[]; found: number[] } {
  const needle = Buffer.from(OPENINGS[k]!, 'latin1');
  const plain: number[] = [];
  for (let at = bytes.indexOf(needle, from); at >= 0; at = bytes.indexOf(needle, at + 1)) plain.push(at);
  // As AnchoredRuns searches one chunk: the density seen by one search kept for the next.
  const dense = { m: false };
  const found: number[] = [];
  for (let at = findOpening(bytes, k, from, dense); at >= 0; at = findOpening(bytes, k, at + 1, dense)) found.push(at);
  return { plain, found };
}

/** Pieces of text, random bytes and `\nM` lines, joined. */
function mixed(): Buffer {
  const pieces: Buffer[] = [];
  for (let n = 1 + rand.int(6); n > 0; n--) {
    const kind = rand.int(4);
    if (kind === 0) {
      const start = rand.int(ORDINARY.length - 20000);
      pieces.push(ORDINARY.subarray(start, start + rand.int(20000)));
    } else if (kind === 1) pieces.push(Buffer.from(rand.bytes(1 + rand.int(30000))));
    else if (kind === 2) pieces.push(Buffer.from(`\nM${'A'.repeat(60)}\n`));
    // Dense `M`s: the switch, then a `\nM` right after it.
    else pieces.push(Buffer.from(`${'xM'.repeat(rand.int(40))}\nM`));
  }
  return Buffer.concat(pieces);
}

describe(`findOpening (seed ${rand.seed})`, () => {
  it('finds every opening where a plain search does, from any place, in 300 mixed texts', () => {
    let places = 0;
    for (let t = 0; t < 300; t++) {
      const bytes = mixed();
      for (let k = 0; k < OPENINGS.length; k++) {
        const from = rand.int(Math.min(bytes.length, 64));
        const { plain, found } = both(bytes, k, from);
        expect(found, `text ${t}, opening ${k}, from ${from}`).toEqual(plain);
        places += plain.length;
      }
    }
    expect(places).toBeGreaterThan(300);
  });

  it('finds `\\nM` at the first byte, at the last two, after the switch, and none in random bytes without it', () => {
    const random = Buffer.from(rand.bytes(65536));
    for (let i = 0; i < random.length; i++) if (random[i] === 0x4d) random[i] = 0x4e;
    for (let i = 0; i < random.length; i += 256) random[i] = 0x4d; // dense Ms, none after a line break
    random[0] = 0x4e;
    for (const bytes of [
      Buffer.from('\nM'),
      Buffer.concat([Buffer.from('\nMabc'), random]),
      Buffer.concat([random, Buffer.from('\nM')]),
      Buffer.concat([random.subarray(0, 4000), Buffer.from('\nM'), random.subarray(4000)]),
      Buffer.concat([Buffer.from('xM'.repeat(9)), Buffer.from('\nM')]),
      Buffer.concat([Buffer.from('xM'.repeat(9)), Buffer.from('\n\nM')]),
      random,
      Buffer.from('M'),
      Buffer.alloc(0),
    ])
      for (let from = 0; from < 3; from++) {
        const { plain, found } = both(bytes, 3, from);
        expect(found).toEqual(plain);
      }
  });
});
