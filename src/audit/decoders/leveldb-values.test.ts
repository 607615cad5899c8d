// Property: a LevelDB write-ahead log (made by python3-plyvel over libleveldb) whose put holds a value compressed with a
// magicless stream — brotli, raw deflate, raw LZMA2 — has that value decoded (value-streams.ts `valuesOnward`, each
// write batch's keys and values handed on); the clean twin (random bytes put) gives nothing decoded. Fails before the
// diff (leveldb-log.ts wrote each record as a line of plain bytes only: round 21's leveldb-deflate-raw gap, silent).
// Nearest real-world variant: a node or Electron app's level store holding a settings value it compressed.
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { batchValues, levelDbLog } from './leveldb-log.js';
import { pyHas, pyMade, STREAMS, TEXT } from './values-onward.testing.js';

const made = (expr: string) =>
  pyMade(
    `import plyvel, glob, shutil\ndb = plyvel.DB('ldb', create_if_missing=True)\nfor i in range(20): db.put(b'k%d' % i, os.urandom(30))\ndb.put(b'settings', ${expr})\ndb.close()\nshutil.copy(glob.glob('ldb/*.log')[0], 'log')`,
    'log',
  );

describe.runIf(pyHas('plyvel', 'brotli'))('LevelDB log values handed on to the magicless-stream trial', () => {
  it.each(STREAMS)('a put of %s: decoded; the clean twin gives nothing decoded', async (expr) => {
    const log = made(expr);
    expect(log.includes(TEXT)).toBe(false);
    const { out, limits } = await decodeWith(levelDbLog, log);
    expect({ found: out.includes(TEXT), limits }).toEqual({ found: true, limits: [] });
    expect((await decodeWith(levelDbLog, made('os.urandom(3000)'))).out.includes('token=')).toBe(false);
  });

  it('a batch cut or with a bad tag yields what parses and stops', () => {
    const batch = Buffer.concat([Buffer.alloc(12), Buffer.from([1, 1, 0x6b, 3, 0x61, 0x62, 0x63, 9, 1])]);
    expect([...batchValues(batch)].map((v) => Buffer.from(v.bytes).toString())).toEqual(['k', 'abc']);
    expect([...batchValues(batch.subarray(0, 16))].map((v) => Buffer.from(v.bytes).toString())).toEqual(['k']);
  });
});
