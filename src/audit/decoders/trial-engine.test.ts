// The zlib and brotli trials on one engine each (trial-engine.ts): every trial gives what the one-shot call it replaced
// gave — `inflateSync` / `brotliDecompressSync` with the same flush, bound and chunk size — in any order, a failure
// before a success included (zlib's engine is reset after it, brotli's made again), on streams written by the real
// tools (the `brotli` CLI, Python's zlib, pigz) and on chance heads in seeded random bytes; and many trials make one
// engine, where each made its own (counted as Node's native zlib handles, async resources of type ZLIB, as they start).
import { createHook } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateHeaderHolds, fixedBlockFails, probeZlib } from './native.js';
import { brotliHeadHolds, tryBrotli } from './trial.js';
import { brotliTrials, zlibTrials, type TrialOut } from './trial-engine.js';
import { TOO_LARGE, trial } from './types.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(20261206);

const text = (n: number) => Buffer.from('const value = require("module"); // config: enabled=true\n'.repeat(Math.ceil(n / 58)).slice(0, n));
const brotliCli = (input: Buffer, quality: number) => execFileSync('brotli', ['-c', `-q`, String(quality)], { input });
const pythonZlib = (input: Buffer, level: number) =>
  execFileSync('python3', ['-c', `import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read(), ${level}))`], { input });
const pigzZlib = (input: Buffer) => execFileSync('pigz', ['-z', '-c'], { input });

/** What a trial gave, comparable: its bytes, or what it threw. */
const said = (out: TrialOut) => (out === undefined ? 'failed' : out === TOO_LARGE ? 'too large' : out.toString('hex'));

/** Native zlib/brotli engines made while `run` runs. */
function enginesMade(run: () => void): number {
  let made = 0;
  const hook = createHook({ init: (_id, type) => void (type === 'ZLIB' && made++) }).enable();
  try {
    run();
  } finally {
    hook.disable();
  }
  return made;
}

describe('trial engines give what the one-shot calls gave', () => {
  it(`brotli: real streams (brotli CLI), cut ones, one past the bound, chance heads, shuffled (seed ${rand.seed})`, () => {
    const heads: Buffer[] = [];
    for (const q of [0, 5, 11]) {
      const s = brotliCli(text(3000 + q), q);
      heads.push(s, s.subarray(0, Math.max(8, s.length >> 1)), Buffer.concat([s, rand.bytes(50)]));
    }
    heads.push(brotliCli(Buffer.alloc(4 << 20), 5)); // gives more than the 1 MiB bound
    heads.push(brotliCli(rand.bytes(4000), 1)); // an uncompressed meta-block: random bytes out
    while (heads.length < 600) {
      const h = rand.bytes(rand.int(8, 1100));
      if (brotliHeadHolds(h)) heads.push(h);
    }
    const order = heads.map((h) => ({ h, key: rand.next() })).sort((a, b) => a.key - b.key);
    const kinds = new Set<string>();
    for (const { h } of order) {
      const oneShot = trial(() =>
        zlib.brotliDecompressSync(h.subarray(0, 1024), { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH, maxOutputLength: 1 << 20, chunkSize: 2048 }),
      );
      const now = brotliTrials.run(h.subarray(0, 1024), zlib.constants.BROTLI_OPERATION_FLUSH, 1 << 20, 2048);
      expect(said(now)).toBe(said(oneShot));
      kinds.add(now === undefined ? 'failed' : now === TOO_LARGE ? 'too large' : now.length ? 'output' : 'empty');
    }
    // The cases were all met: failures between successes, the bound, output.
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['failed', 'output', 'too large']));
  });

  it(`zlib: real streams (Python's zlib, pigz), a preset dictionary's, cut ones, one past the bound, chance heads, shuffled (seed ${rand.seed})`, () => {
    const heads: Buffer[] = [];
    for (const level of [0, 1, 6, 9]) {
      const s = pythonZlib(Buffer.concat([text(2000), rand.bytes(300)]), level);
      heads.push(s, s.subarray(0, Math.max(2, s.length >> 2)));
    }
    heads.push(pigzZlib(text(40_000))); // gives more than the 16 KiB bound
    heads.push(zlib.deflateSync(text(500), { dictionary: Buffer.from('const value') })); // FDICT: zlib asks for it
    while (heads.length < 600)
      heads.push(Buffer.concat([rand.pick([Buffer.from([0x78, 0x9c]), Buffer.from([0x78, 0x01]), Buffer.from([0x78, 0xda])]), rand.bytes(rand.int(0, 1100))]));
    const order = heads.map((h) => ({ h, key: rand.next() })).sort((a, b) => a.key - b.key);
    const kinds = new Set<string>();
    for (const { h } of order) {
      const oneShot = trial(() => zlib.inflateSync(h.subarray(0, 1024), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 16 * 1024 }));
      const now = zlibTrials.run(h.subarray(0, 1024), zlib.constants.Z_SYNC_FLUSH, 16 * 1024, zlib.constants.Z_DEFAULT_CHUNK);
      expect(said(now)).toBe(said(oneShot));
      kinds.add(now === undefined ? 'failed' : now === TOO_LARGE ? 'too large' : now.length ? 'output' : 'empty');
    }
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['failed', 'output', 'too large']));
  });
});

describe('trials share an engine', () => {
  it(`200 zlib headers met in random bytes (probeZlib) make at most one engine (seed ${rand.seed})`, () => {
    // Chance heads that pass the JavaScript pre-checks, so that zlib itself is asked (and fails on most).
    const heads: Buffer[] = [];
    while (heads.length < 200) {
      const h = Buffer.concat([Buffer.from([0x78, 0x9c]), rand.bytes(1100)]);
      if (deflateHeaderHolds(h, 2) && !fixedBlockFails(h, 2, 1024)) heads.push(h);
    }
    let claimed = 0;
    const made = enginesMade(() => {
      for (const h of heads) if (probeZlib(h)) claimed++;
    });
    expect(made).toBeLessThanOrEqual(1);
    expect(claimed).toBeLessThan(heads.length);
    // A real zlib stream is still claimed.
    expect(probeZlib(pythonZlib(text(3000), 6))).toBe(true);
  });

  it('200 brotli streams of text (the brotli CLI) tried in turn (tryBrotli) make at most one engine', () => {
    const streams = [0, 4, 9].map((q) => brotliCli(text(4000), q));
    let found = 0;
    const made = enginesMade(() => {
      for (let i = 0; i < 200; i++) if (tryBrotli(streams[i % 3]!)) found++;
    });
    expect(found).toBe(200);
    expect(made).toBeLessThanOrEqual(1);
  });
});
