// bzip2 cut short (bzip2.ts), found by the real-filesystem sweep of session 53: Go's test/bench/go1/parserdata_test.go
// holds a bzip2 stream as base64 in adjacent literals; a joined copy of part of them (a window) gives the stream's first
// KiB, and the block decoder, asked for bytes the content no longer had, failed inside itself — the file was named "a
// damaged bzip2 stream (Cannot read properties of undefined (reading '0'))", an internal error's text for a stream cut
// inside a block. Property: a real `bzip2` stream (the real tool, -1: 100 kB blocks, over text drawn from a named seed)
// cut at any length inside it is named as ending inside a block (or by the format's own error), never by a JavaScript
// error's text; whole, it is read to its end with no name. Nearest real-world variant: a .bz2 cut by a full disk or an
// interrupted download left in an image (logrotate's *.bz2, a truncated backup).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { bzip2 } from './bzip2.js';
import { decodeWith } from './decode.testing.js';
import { has, tool } from './testing.js';

const rng = seededPerTest(0x53b2);

describe.runIf(has('bzip2'))(`a bzip2 stream cut inside a block (seed ${rng.seed})`, () => {
  it('whole: read to its end, no name; cut at 24 lengths: named as ending inside a block, never by a JavaScript error', async () => {
    const words = Array.from({ length: 60_000 }, () => rng.chars('abcdefghijklmnopqrstuvwxyz', rng.int(2, 9))).join(' ');
    const file = tool('bzip2', ['-1', '-c', 'in.txt'], { 'in.txt': words });
    const whole = await decodeWith(bzip2, file, { chunk: 65536 });
    expect(whole.limits).toEqual([]);
    expect(whole.out.toString()).toBe(words);
    const names = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const cut = rng.int(64, file.length - 16);
      for (const l of (await decodeWith(bzip2, file.subarray(0, cut), { chunk: rng.int(100, 70_000) })).limits) names.add(l);
    }
    expect([...names].filter((n) => /undefined|Cannot read|is not a function|TypeError/.test(n))).toEqual([]);
    expect(names).toContain('a damaged bzip2 stream (the stream ends inside a block): the rest is not audited');
  });
});
