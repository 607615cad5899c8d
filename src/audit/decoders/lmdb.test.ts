// Property: an LMDB environment (made by py-lmdb) holding a value compressed with a magicless stream — brotli, raw
// deflate, raw LZMA2 — has that value decoded (value-streams.ts `valuesOnward`), in its leaf page and in overflow pages
// of its own; its clean twin (random bytes in the same place) gives nothing but its plain bytes; damaged copies (cut,
// bits flipped, a node pointing past its page) end without a throw or a hang, a damaged node named; random and real
// heads are not claimed. Fails before lmdb.ts: no reader claimed LMDB, and these values were read as plain bytes only
// (the session-start bundle passes round 21's LMDB artifacts in silence). Nearest real-world variant: an app's LMDB
// store (data.mdb: OpenLDAP back-mdb, Postfix lmdb tables, a node or Python app's cache) seeded into an image.
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { leafValues, lmdb, sniffLmdb } from './lmdb.js';
import { claimed, holds, pyHas, pyMade, STREAMS, TEXT } from './values-onward.testing.js';

/** data.mdb holding 30 random values and `expr` of the text (`rows` numbers after the value: 60 fit a leaf page). */
const made = (expr: string, rows = 3000) =>
  pyMade(
    `import lmdb\ntext = text[:text.index(b'\\n') + 1] + b' '.join(b'%d' % i for i in range(${rows}))\nenv = lmdb.open('kv', map_size=1 << 24)\nwith env.begin(write=True) as t:\n    for i in range(30): t.put(b'k%03d' % i, os.urandom(32))\n    t.put(b'settings', ${expr})\nenv.close()`,
    'kv/data.mdb',
  );

describe.runIf(pyHas('lmdb', 'brotli'))('LMDB values handed on to the magicless-stream trial', () => {
  it.each(STREAMS.flatMap((expr) => [60, 3000].map((rows) => ({ expr, rows }))))(
    '$expr of $rows numbers: decoded; the clean twin gives its plain bytes only',
    async ({ expr, rows }) => {
      const file = made(expr, rows);
      expect(sniffLmdb(file.subarray(0, 512))).toBe(true);
      expect(file.includes(TEXT)).toBe(false);
      const { out, limits } = await decodeWith(lmdb, file);
      expect({ found: out.includes(TEXT), limits }).toEqual({ found: true, limits: [] });
      const clean = made('os.urandom(3000)', rows);
      const twin = await decodeWith(lmdb, clean);
      expect({ length: twin.out.length, limits: twin.limits }).toEqual({ length: clean.length, limits: [] });
    },
  );

  it('damaged copies end, none throws; a node pointing past its page is named', async () => {
    const file = made(STREAMS[1]!);
    await holds(lmdb, file, []);
    const broken: string[] = [];
    const bad = Buffer.from(file);
    // Every leaf page's first node pointer set past its page (a page size of 4096: the pointer's 16 bits allow 65535).
    for (let p = 2; p * 4096 < bad.length; p++) if (bad.readUInt16LE(p * 4096 + 10) === 0x02) bad.writeUInt16LE(65_000, p * 4096 + 16);
    const values = [...leafValues(bad, 4096, (why) => void broken.push(why))];
    expect({ values: values.length > 0, broken: broken.length > 0 }).toEqual({ values: true, broken: true });
    expect((await decodeWith(lmdb, bad)).limits).toEqual([expect.stringMatching(/^an LMDB environment with \d+ damaged nodes? \(the first: page \d+: /)]);
  });

  it('random heads and this machine’s file heads are not claimed', () => {
    const c = claimed(lmdb, 20_000);
    expect({ random: c.random, real: c.real }).toEqual({ random: 0, real: 0 });
    expect(c.realHeads).toBeGreaterThan(1000);
  });
});
