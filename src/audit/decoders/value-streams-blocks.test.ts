// Property: a raw snappy block or an LZ4 block (its size first, or alone) filling one value exactly — as python-snappy's
// snappy.compress and python-lz4's lz4.block.compress write it — decodes to the text it was made from, and an image
// whose MessagePack bin holds one is found at FILE@OFFSET!; the same value a byte short or long, random values, and
// damaged copies give nothing, never throw, and take no time. Fails before value-streams-blocks.ts: the whole-value
// trial read only raw deflate, raw LZMA2 and brotli (the session-start bundle passes such a file in silence). Nearest
// real-world variant: a service caching records in msgpack, SQLite or LMDB, each value snappy- or LZ4-compressed.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { auditFiles, SECRET, tool } from './testing.js';
import { blockKinds, blockValue } from './value-streams-blocks.js';
import { isText } from './value-streams.js';

const rnd = seeded(testSeed(0x2023));
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
/** The value's head first as an id: the block copies it, so the whole value is never literal. */
const payload = `id=${SECRET.slice(0, 14)}\ntoken=${SECRET}\n${Array.from({ length: 2000 }, (_, i) => i).join(' ')}`;

const COMPRESSORS = {
  'snappy.compress': 'import snappy; out = snappy.compress(text)',
  'lz4.block.compress': 'import lz4.block; out = lz4.block.compress(text)',
  'lz4.block.compress(store_size=False)': 'import lz4.block; out = lz4.block.compress(text, store_size=False)',
  'lz4.block.compress(mode=high_compression)': "import lz4.block; out = lz4.block.compress(text, mode='high_compression')",
};

/** The value python3's module writes for `payload`. */
const made = (code: string) =>
  tool(PYTHON, ['-c', `text = open('in.txt', 'rb').read()\n${code}\nopen('out.bin', 'wb').write(out)`], { 'in.txt': payload }, 'out.bin');

describe('raw snappy and LZ4 blocks as whole values (value-streams-blocks.ts)', () => {
  it.each(Object.entries(COMPRESSORS))('%s: the value decodes; a byte short or long gives nothing', (_name, code) => {
    const v = made(code);
    expect(v.includes(Buffer.from(SECRET))).toBe(false);
    expect(blockValue(v, isText)?.toString()).toBe(payload);
    expect([blockValue(v.subarray(0, -1), isText), blockValue(Buffer.concat([v, Buffer.from([0x41])]), isText)]).toEqual([undefined, undefined]);
  });

  it('a MessagePack bin of each (msgpack of python3): found at the bin offset', async () => {
    const file = tool(
      PYTHON,
      [
        '-c',
        `import msgpack, snappy, lz4.block\ntext = open('in.txt', 'rb').read()\nopen('out.bin', 'wb').write(msgpack.packb({'name': 'x', 'a': snappy.compress(text), 'b': lz4.block.compress(text, store_size=False)}, use_bin_type=True))`,
      ],
      { 'in.txt': payload },
      'out.bin',
    );
    const found = (await auditFiles({ 'srv/cache.msgpack': file })).filter((f) => f.severity === 'leak').map((f) => f.path.replace(/@\d+!.*/, '@N!'));
    expect(new Set(found)).toEqual(new Set(['srv/cache.msgpack@N!']));
    expect(found.length).toBeGreaterThanOrEqual(2);
  });

  it('random values of 8 bytes to 4 KiB (40,000), and random bytes behind a plausible length: none taken, few read past the head', () => {
    let heads = 0;
    const taken: number[] = [];
    for (let i = 0; i < 40_000; i++) {
      const v = rnd.bytes(8 + ((i * 37) % 4096));
      if (i % 2) v.set([(v.length & 0x7f) | 0x80, v.length >> 7, 0xf0], 0);
      if (blockKinds(v).length) heads++;
      if (blockValue(v, isText)) taken.push(i);
    }
    expect(taken).toEqual([]);
    expect(heads).toBeLessThan(40); // measured: 5 of 40,000 plain random values (scan of s62)
  });

  it('damaged copies (a byte set at every 97th offset, or cut anywhere): never throw, a cut one never taken whole, 5 s at most', () => {
    const started = Date.now();
    for (const code of Object.values(COMPRESSORS)) {
      const v = made(code);
      for (let at = 0; at < v.length; at += 97) {
        const d = Buffer.from(v);
        d[at] = d[at]! ^ 0x5a;
        expect(() => blockValue(d, isText)).not.toThrow();
        expect(blockValue(v.subarray(0, at + 1), isText)?.toString() ?? '').not.toBe(payload);
      }
    }
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
