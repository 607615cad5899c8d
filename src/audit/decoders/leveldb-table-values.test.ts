// Property: a LevelDB table (made by python3-plyvel over libleveldb, compacted: the value in a snappy data block of
// 000005.ldb) whose value is compressed with a magicless stream — brotli, raw deflate, raw LZMA2 — has that value
// decoded (sst.ts hands each data block's values to value-streams.ts `valuesOnward`); the clean twin gives nothing
// decoded. Fails before the diff (sst.ts wrote each block as plain bytes only: round 21's leveldb-compacted hunt, silent).
// Nearest real-world variant: a Chrome or Electron profile's LevelDB, a node app's level store, compacted.
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { blockValues, sstTable } from './sst.js';
import { pyHas, pyMade, STREAMS, TEXT } from './values-onward.testing.js';

const made = (expr: string) =>
  pyMade(
    `import plyvel, glob, shutil\ndb = plyvel.DB('ldb', create_if_missing=True)\ndb.put(b'settings', ${expr})\nfor i in range(2000): db.put(b'k%d' % i, os.urandom(40))\ndb.compact_range()\ndb.close()\nshutil.copy(max(glob.glob('ldb/*.ldb'), key=os.path.getsize), 't.ldb')`,
    't.ldb',
  );

describe.runIf(pyHas('plyvel', 'brotli'))('LevelDB table values handed on to the magicless-stream trial', () => {
  it.each(STREAMS)('a compacted put of %s: decoded; the clean twin gives nothing decoded', async (expr) => {
    const table = made(expr);
    expect(table.includes(TEXT)).toBe(false);
    const { out, limits } = await decodeWith(sstTable, table);
    expect({ found: out.includes(TEXT), limits }).toEqual({ found: true, limits: [] });
    expect((await decodeWith(sstTable, made('os.urandom(3000)'))).out.includes('token=')).toBe(false);
  });

  it('a block cut, or of random bytes, yields what parses and stops', () => {
    const block = Buffer.from([0, 1, 3, 0x6b, 0x61, 0x62, 0x63, 0, 0, 0, 0, 1, 0, 0, 0]);
    expect([...blockValues(block)].map((v) => Buffer.from(v.bytes).toString())).toEqual(['abc']);
    expect([...blockValues(block.subarray(0, 5))]).toEqual([]);
    expect(() => [...blockValues(Buffer.alloc(4096, 0xff))]).not.toThrow();
  });
});
