// Property: an Avro object container file (python3-avro's DataFileWriter) whose records hold, in a bytes field, a union
// branch, an array item or a map value, a value compressed with a magicless stream (brotli, raw deflate, raw LZMA2) has
// that value decoded — under the null codec (at its offset in the file) and the deflate codec (inside the decoded
// block); its clean twin (random bytes in the same place) gives nothing but the file's bytes; records that do not follow
// the schema are named; damaged copies end without a throw or a hang. Fails before avro-records.ts: avro.ts read the
// blocks, not the records (round 21's `avro-bytes-brotli` gap). Nearest real-world variant: a Kafka Connect or Spark
// export in Avro, a bytes column the producer compressed.
import { describe, expect, it } from 'vitest';
import { avro } from './avro.js';
import { decodeWith } from './decode.testing.js';
import { holds, pyHas, pyMade, STREAMS, TEXT } from './values-onward.testing.js';

const SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Row',
  namespace: 'app.cache',
  fields: [
    { name: 'k', type: 'string' },
    { name: 'n', type: ['null', 'long'] },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'h', type: { type: 'fixed', name: 'H', size: 16 } },
    { name: 'v', type: ['null', 'bytes'] },
    { name: 'again', type: ['null', 'H'] },
  ],
});

/** A file of 50 rows of filler around one whose `where` holds `expr`, with `codec`. */
const made = (expr: string, codec: string, where: 'v' | 'meta' = 'v') =>
  pyMade(
    `import avro.schema, avro.datafile, avro.io
sch = avro.schema.parse('${SCHEMA}')
w = avro.datafile.DataFileWriter(open('d', 'wb'), avro.io.DatumWriter(), sch, codec='${codec}')
row = lambda i, v, m: {'k': 'row%d' % i, 'n': i, 'tags': ['a', 'b'], 'meta': m, 'h': os.urandom(16), 'v': v, 'again': os.urandom(16)}
for i in range(25): w.append(row(i, os.urandom(40), {'x': os.urandom(12)}))
w.append(row(25, ${where === 'v' ? expr : 'None'}, {'payload': ${where === 'meta' ? expr : "b'none'"}}))
for i in range(26, 50): w.append(row(i, None, {}))
w.close()`,
    'd',
  );

describe.runIf(pyHas('avro', 'brotli'))('Avro records: their values handed on to the magicless-stream trial', { timeout: 60_000 }, () => {
  it.each(STREAMS.flatMap((expr) => ['null', 'deflate'].map((codec) => ({ expr, codec }))))(
    'a bytes field (a union branch) of $expr, codec $codec: decoded; the clean twin gives nothing more',
    async ({ expr, codec }) => {
      const file = made(expr, codec);
      expect(file.includes(TEXT)).toBe(false);
      const { out, limits } = await decodeWith(avro, file);
      expect({ found: out.includes(TEXT), limits }).toEqual({ found: true, limits: [] });
      const twin = await decodeWith(avro, made('os.urandom(3000)', codec));
      expect({ found: twin.out.includes('token='), limits: twin.limits }).toEqual({ found: false, limits: [] });
    },
  );

  it('a map value of brotli: decoded', async () => {
    const { out, limits } = await decodeWith(avro, made(STREAMS[0]!, 'null', 'meta'));
    expect({ found: out.includes(TEXT), limits }).toEqual({ found: true, limits: [] });
  });

  it('records that do not follow the schema are named; damaged copies end, none throws', async () => {
    const file = made(STREAMS[0]!, 'null');
    const at = file.indexOf('row30');
    const bad = Buffer.from(file);
    bad[at - 1] = 0x7f; // row30's string length: past its block
    const { limits } = await decodeWith(avro, bad);
    expect(limits).toContain('an Avro file whose records do not follow its schema: their values after that read as plain only');
    await holds(avro, file, []);
  });
});
