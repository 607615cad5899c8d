// Property: BSON (made by python3-bson's bson.encode: one document, and a run of them as mongodump writes a collection)
// holding, as a Binary, a value compressed with a magicless stream — brotli, raw deflate, raw LZMA2 — has that value
// decoded (value-streams.ts `valuesOnward`); its clean twin (random bytes in the same place) gives nothing but its plain
// bytes; damaged copies and crafted nesting end without a throw or a hang, a cut file named; random and real heads are
// not claimed. Fails before bson.ts: no reader claimed BSON, and these values were read as plain bytes only (the session-
// start bundle passes round 21's BSON artifacts in silence). Nearest real-world variant: a mongodump collection.bson
// seeded into a demo image, a document's field compressed by the app.
import { describe, expect, it } from 'vitest';
import { bson, parseBson, sniffBson } from './bson.js';
import { decodeWith } from './decode.testing.js';
import { claimed, holds, pyHas, pyMade, STREAMS, TEXT } from './values-onward.testing.js';

const made = (expr: string) =>
  pyMade(
    `import bson\nf = open('b', 'wb')\nfor i in range(3): f.write(bson.encode({'_id': i, 'name': 'row %d' % i, 'sub': {'a': [1, 2]}}))\nf.write(bson.encode({'_id': 3, 'data': bson.Binary(${expr}), 'x': 1.5}))\nf.close()`,
    'b',
  );

/** A document nested `depth` times, {'a': {'a': … {} …}}, written at once (each level 8 bytes around the next). */
function nested(depth: number): Buffer {
  const b = Buffer.alloc(depth * 8 + 5);
  for (let i = 0; i < depth; i++) {
    b.writeInt32LE((depth - i) * 8 + 5, i * 7);
    b.set([0x03, 0x61, 0], i * 7 + 4);
  }
  b.writeInt32LE(5, depth * 7);
  return b;
}

describe.runIf(pyHas('bson', 'brotli'))('BSON values handed on to the magicless-stream trial', () => {
  it.each(STREAMS)('a run of documents, one Binary %s: decoded; the clean twin gives its plain bytes only', async (expr) => {
    const file = made(expr);
    expect(sniffBson(file.subarray(0, 512))).toBe(true);
    expect(parseBson(file).end).toBe(file.length);
    expect(file.includes(TEXT)).toBe(false);
    const { out, limits } = await decodeWith(bson, file);
    expect({ found: out.includes(TEXT), limits }).toEqual({ found: true, limits: [] });
    const clean = made('os.urandom(3000)');
    const twin = await decodeWith(bson, clean);
    expect({ length: twin.out.length, limits: twin.limits }).toEqual({ length: clean.length, limits: [] });
  });

  it('damaged copies and a document nested 100,000 deep: each ends, none throws; a cut file is named', async () => {
    const file = made(STREAMS[0]!);
    await holds(bson, file, [nested(100_000)]);
    const cut = await decodeWith(bson, file.subarray(0, file.length - 100));
    expect(cut.limits).toEqual([expect.stringMatching(/^BSON that stops parsing at byte \d+ of \d+ \(cut or damaged\)/)]);
  });

  it('random heads and this machine’s file heads are not claimed', () => {
    const c = claimed(bson, 20_000);
    expect({ random: c.random, real: c.real }).toEqual({ random: 0, real: 0 });
    expect(c.realHeads).toBeGreaterThan(1000);
  });
});
