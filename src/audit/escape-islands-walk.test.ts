import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../test/support/random.js';
import { Islands } from './escape-islands.js';

// Property: `Islands.short` says of each stop whether its run of island bytes (ASCII text, a
// pattern's bytes) is shorter than `need` between two other bytes — the same answer as a walk
// of the whole run — while reading about `need` bytes a stop, not every byte of the text: a
// long island is remembered up to the stop that proved it, and a walk back that reaches it ends
// there (before, each long island was walked to its end in the chunk: every byte of plain text
// once more). The nearest real-world variant: esbuild's own JavaScript (node_modules), stopped
// at the bytes where escapes begin, as the escape scan stops.

const STOPS = new Set([...'\\&%=\'"$`^'].map((c) => c.charCodeAt(0)));
const PATTERN = new Uint8Array(256);
for (const b of Buffer.from('pässwörd€\0')) PATTERN[b] = 1; // UTF-8 and UTF-16's NUL: island bytes though not text
// A pattern's UTF-8 lead C2/C3 makes the Latin-1 bytes it stands for island bytes too (raw_unicode_escape, escape-raw.ts).
const latin1 = (b: number) => (PATTERN[0xc2] === 1 && b >= 0x80 && b < 0xc0) || (PATTERN[0xc3] === 1 && b >= 0xc0);
const member = (b: number) => (b >= 0x20 && b < 0x7f) || (b >= 0x09 && b <= 0x0d) || PATTERN[b] === 1 || latin1(b);

/** The answer by a walk of the whole run around `i` in `chunk`. */
function oracle(chunk: Uint8Array, i: number, need: number): boolean {
  let s = i;
  while (s > 0 && member(chunk[s - 1]!)) s--;
  let e = i + 1;
  while (e < chunk.length && member(chunk[e]!)) e++;
  return e - s < need && s > 0 && e < chunk.length;
}

/** Text and binary bytes in stretches of random lengths (seeded), the text with stop bytes in it. */
function mixed(random: ReturnType<typeof seeded>, n: number): Buffer {
  const parts: Buffer[] = [];
  for (let length = 0; length < n;) {
    const part =
      random.int(2) === 0
        ? Buffer.from(random.chars('abcXYZ019 +/=\\&%"\'$\n', random.int(1, 40)))
        : Buffer.from(Array.from({ length: random.int(1, 12) }, () => random.pick([0x00, 0x01, 0x80, 0xc3, 0xff, 0x22, 0x25, 0x3d, 0x41])));
    parts.push(part);
    length += part.length;
  }
  return Buffer.concat(parts);
}

describe('escape islands are told by a walk of about `need` bytes a stop', () => {
  const seed = testSeed(47);
  it(`the answer at every stop is the whole run's (seed ${seed})`, () => {
    const random = seeded(seed);
    for (let n = 0; n < 300; n++) {
      const shortest = random.int(8, 48);
      const need = Math.floor(shortest / 2);
      const islands = new Islands(PATTERN, shortest);
      const text = mixed(random, random.int(50, 2000));
      const cuts = [...Array.from({ length: random.int(4) }, () => random.int(text.length + 1)), 0, text.length].sort((a, b) => a - b);
      for (let c = 0; c + 1 < cuts.length; c++) {
        const chunk = text.subarray(cuts[c], cuts[c + 1]);
        for (let i = 0; i < chunk.length; i++) {
          if (!STOPS.has(chunk[i]!) || random.int(4) === 0) continue; // the scan is not told of every stop byte (`worth`)
          expect(islands.short(chunk, i, cuts[c]!), `text ${n}, chunk ${c}, byte ${i} (seed ${seed})`).toBe(oracle(chunk, i, need));
        }
      }
    }
  });

  it('over a real JavaScript file, the walks read at most `need` bytes a stop (before: the whole file once, 97,456 of its 97,463 bytes)', () => {
    const js = readFileSync('node_modules/esbuild/lib/main.js');
    const islands = new Islands(PATTERN, 20);
    let stops = 0;
    for (let base = 0; base < js.length; base += 65536) {
      const chunk = new Uint8Array(js.subarray(base, base + 65536));
      for (let i = 0; i < chunk.length; i++) {
        if (!STOPS.has(chunk[i]!)) continue;
        stops++;
        islands.short(chunk, i, base);
      }
    }
    expect(stops).toBeGreaterThan(js.length / 100);
    // need = 10: measured 30,628 bytes read for 3,225 stops.
    expect(islands.walked).toBeLessThanOrEqual(stops * 10);
    expect(islands.walked).toBeLessThan(js.length / 2);
  });
});
