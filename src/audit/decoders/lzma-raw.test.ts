// Property: a value compressed as raw LZMA with no container and no header — `xz --format=raw` (LZMA2) at any preset,
// with lc/lp/pb settings and a BCJ filter before it, `xz --format=raw --lzma1`, Python's lzma.FORMAT_RAW with
// FILTER_LZMA2 or FILTER_LZMA1 — is found at `FILE!`, however the file is cut into chunks; the clean twin gives no
// finding; a cut stream is named, never passed in silence; random heads that begin as a raw stream would (0xE0, 0x00),
// text and this machine's files are not claimed. Fails before lzma-raw.ts: every such file passed in silence (the
// session's start bundle: 0 of 8 found). Nearest real-world variant: an app's cache of settings compressed with
// liblzma's raw encoder (Python's lzma.FORMAT_RAW), or `xz --format=raw` output shipped as a data file.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { decodeWith, fileHeads } from './decode.testing.js';
import { lzma1Trial, lzma2Starts, lzmaRawDecoder } from './lzma-raw.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const OTHER = 'tok-clean-twin-3c9e1f7a2b5d+/=value';
const SEED = testSeed(0x2020);
const rnd = seeded(SEED);
const lzmaRaw = lzmaRawDecoder(() => false);
/** The distribution's python3 (a pyenv shim takes a second to start). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** A settings file holding `v`, with `rows` lines of filler. */
const settings = (v: string, rows: number) => `API_TOKEN=${v}\n${Array.from({ length: rows }, (_, i) => `row ${i} ${'abcdefgh'.slice(i % 8)}\n`).join('')}`;
const xzRaw = (args: string[], input: string) => tool('xz', ['--format=raw', ...args, '-c', 'in'], { in: input });
const pyRaw = (filter: 'FILTER_LZMA2' | 'FILTER_LZMA1', input: string) =>
  tool(
    PYTHON,
    ['-c', `import lzma,sys;sys.stdout.buffer.write(lzma.compress(open('in','rb').read(),format=lzma.FORMAT_RAW,filters=[{'id':lzma.${filter}}]))`],
    { in: input },
  );

const MAKERS: { id: string; make: (input: string) => Buffer; tool: string }[] = [
  { id: 'xz --format=raw', make: (i) => xzRaw([], i), tool: 'xz' },
  { id: 'xz --format=raw -0', make: (i) => xzRaw(['-0'], i), tool: 'xz' },
  { id: 'xz --format=raw -9e', make: (i) => xzRaw(['-9e'], i), tool: 'xz' },
  { id: 'xz --format=raw --lzma2=lc=0,lp=2,pb=0', make: (i) => xzRaw(['--lzma2=preset=6,lc=0,lp=2,pb=0'], i), tool: 'xz' },
  { id: 'xz --format=raw --x86 --lzma2', make: (i) => xzRaw(['--x86', '--lzma2'], i), tool: 'xz' },
  { id: 'xz --format=raw --lzma1', make: (i) => xzRaw(['--lzma1'], i), tool: 'xz' },
  { id: 'xz --format=raw --lzma1=preset=9', make: (i) => xzRaw(['--lzma1=preset=9'], i), tool: 'xz' },
  { id: 'python lzma.FORMAT_RAW FILTER_LZMA2', make: (i) => pyRaw('FILTER_LZMA2', i), tool: PYTHON },
  { id: 'python lzma.FORMAT_RAW FILTER_LZMA1', make: (i) => pyRaw('FILTER_LZMA1', i), tool: PYTHON },
];
const ready = MAKERS.filter((m) => has(m.tool));
const CHUNKS = [1, 7, 64, 1 + rnd.int(4096), 1 << 30];

describe(`raw LZMA streams made by the real tools (seed ${SEED})`, { timeout: 120_000 }, () => {
  it.each(ready.map((m) => [m.id, m] as const))('%s: found at FILE! through the audit; the clean twin passes', async (_, m) => {
    const leaky = m.make(settings(SECRET, 3000));
    expect(leaky.includes(SECRET)).toBe(false);
    expect(await auditFiles({ 'srv/cache.bin': leaky })).toContainEqual({ severity: 'leak', what: 'token', path: 'srv/cache.bin!' });
    expect(await auditFiles({ 'srv/cache.bin': m.make(settings(OTHER, 3000)) })).toEqual([]);
  });

  it.each(ready.map((m) => [m.id, m] as const))('%s: decoded whole fed in chunks of 1, 7, 64, random and whole', async (_, m) => {
    const input = settings(SECRET, 400);
    const outs = await Promise.all(CHUNKS.map((chunk) => decodeWith(lzmaRaw, m.make(input), { chunk })));
    expect(outs.map((o) => ({ same: o.out.toString() === input, limits: o.limits }))).toEqual(CHUNKS.map(() => ({ same: true, limits: [] })));
  });

  it.runIf(has('xz'))('any value, any filler, any preset (generated): found, the stream read to its end', async () => {
    const cases = Array.from({ length: 24 }, () => ({
      value: rnd.chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-', 12 + rnd.int(40)),
      rows: rnd.int(5000),
      args: [`-${rnd.int(10)}`, ...(rnd.int(3) === 0 ? ['--lzma1'] : [])],
    }));
    const results = await Promise.all(cases.map(async (c) => (await decodeWith(lzmaRaw, xzRaw(c.args, settings(c.value, c.rows)))).out.includes(c.value)));
    expect(results).toEqual(cases.map(() => true));
  });

  it.runIf(has('xz'))('a stream cut short is named, not passed in silence', async () => {
    const leaky = xzRaw([], settings(SECRET, 20_000));
    const cut = await decodeWith(lzmaRaw, leaky.subarray(0, leaky.length >> 1));
    expect(cut.limits).toEqual([expect.stringMatching(/^a damaged raw LZMA2 stream \(the data ends inside the stream\)/)]);
  });
});

describe(`what raw LZMA does not claim (seed ${SEED})`, () => {
  it('random heads beginning 0xE0 or 0x00, and zeros: none claimed', () => {
    const heads = Array.from({ length: 20_000 }, (_, i) => {
      const h = rnd.bytes(2048);
      h[0] = i % 2 ? 0xe0 : 0;
      return h;
    });
    heads.push(Buffer.alloc(2048), Buffer.from([0xe0, ...Buffer.alloc(2047)]));
    expect(heads.filter((h) => lzmaRaw.sniff(h, 'x')).length).toBe(0);
  });

  it('random heads shaped as a first LZMA2 chunk (0xE0, sizes, lc+lp ≤ 4 properties, zero range byte): none claimed', () => {
    const heads = Array.from({ length: 5000 }, () => {
      const h = rnd.bytes(2048);
      h.set([0xe0, rnd.int(256), rnd.int(256), rnd.int(4), rnd.int(256), 0x5d, 0]);
      return h;
    });
    expect(heads.filter((h) => lzma2Starts(h, () => false)).length).toBe(0);
  });

  it("text, and this machine's binaries' and libraries' heads: none claimed", () => {
    const heads = [...fileHeads('/usr/bin', 400), ...fileHeads('/usr/lib/x86_64-linux-gnu', 400), Buffer.from(settings('x', 100))];
    expect(heads.filter((h) => lzmaRaw.sniff(h, 'x')).map((h) => h.subarray(0, 8).toString('hex'))).toEqual([]);
  });

  it('a raw LZMA1 head giving binary output is left alone (no text to show, no known format)', () => {
    expect(lzma1Trial(Buffer.concat([Buffer.from([0, 0x41, 0x12, 0x9c, 0x3f]), rnd.bytes(500)]), () => false)).toBe(false);
  });
});
