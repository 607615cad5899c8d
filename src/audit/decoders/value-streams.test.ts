// Property: a byte string of a serialization holding raw LZMA2 or brotli — a pickle of Python's lzma.FORMAT_RAW or
// brotli.compress, Node's v8.serialize of zlib.brotliCompressSync — decodes, at the offset and length its own mark
// declares (serialized-deflate.ts's `lengthsBefore`), to the text it was made from; the same bytes with the length off by
// one, and random byte strings behind every length, decode to nothing. Fails before value-streams.ts: nothing read these
// values (made by the real runtimes: the session-start bundle passes all three files in silence). Nearest real-world
// variant: an app's on-disk cache (pickle / v8-serialized) of a settings blob it compressed with brotli or raw LZMA.
// (The reader hooks into serialized-deflate.ts's value loop: /work/notes/s59/H1-serialized-streams.diff.)
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { lengthsBefore } from './serialized-deflate.js';
import { has, SECRET, tool } from './testing.js';
import * as zlib from 'node:zlib';
import { magiclessValue, otherValue } from './value-streams.js';

const SEED = testSeed(0x2022);
const rnd = seeded(SEED);
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const text = (out: Uint8Array) => !out.some((b) => b < 9 || (b > 13 && b < 32));
const payload = `token=${SECRET} ${Array.from({ length: 2000 }, (_, i) => i).join(' ')}`;

/** Every value of `file` read at a length mark: the decoded texts. */
async function values(file: Buffer): Promise<string[]> {
  const out: string[] = [];
  for (let at = 2; at < file.length; at++)
    for (const n of lengthsBefore(file, at)) {
      const v = await otherValue(file, at, n, text);
      if (v) out.push(v.toString());
    }
  return out;
}

const MAKERS = [
  {
    id: 'a pickle of lzma.compress(format=FORMAT_RAW, filters=[FILTER_LZMA2])',
    tool: PYTHON,
    make: () =>
      tool(
        PYTHON,
        [
          '-c',
          `import lzma,pickle,sys;sys.stdout.buffer.write(pickle.dumps({'k':'cfg','v':lzma.compress(open('in','rb').read(),format=lzma.FORMAT_RAW,filters=[{'id':lzma.FILTER_LZMA2}])}))`,
        ],
        { in: payload },
      ),
  },
  {
    id: 'a pickle of brotli.compress',
    tool: PYTHON,
    make: () =>
      tool(PYTHON, ['-c', `import brotli,pickle,sys;sys.stdout.buffer.write(pickle.dumps({'k':'cfg','v':brotli.compress(open('in','rb').read())}))`], {
        in: payload,
      }),
  },
  {
    id: "Node's v8.serialize of zlib.brotliCompressSync",
    tool: 'node',
    make: () =>
      tool('node', ['-e', `process.stdout.write(require('v8').serialize({k:'cfg',v:require('zlib').brotliCompressSync(require('fs').readFileSync('in'))}))`], {
        in: payload,
      }),
  },
];

describe(`raw LZMA2 and brotli byte strings inside serializations (seed ${SEED})`, { timeout: 60_000 }, () => {
  it.each(MAKERS.filter((m) => has(m.tool)).map((m) => [m.id, m] as const))('%s: decoded at its declared length to the text made', async (_, m) => {
    const file = m.make();
    expect(file.includes(SECRET)).toBe(false);
    expect(await values(file)).toEqual([payload]);
  });

  it.runIf(has(PYTHON))('the length one short or one long: no value', async () => {
    const file = MAKERS[0]!.make();
    const at = [...Array(file.length).keys()].find((i) => lengthsBefore(file, i).length && lzmaAt(file, i))!;
    const n = lengthsBefore(file, at).find((l) => at + l <= file.length)!;
    expect(await otherValue(file, at, n, text)).toBeDefined();
    expect([await otherValue(file, at, n - 1, text), await otherValue(file, at, n + 1, text)]).toEqual([undefined, undefined]);
  });

  it('random byte strings behind every length mark (a MiB of them): none taken', async () => {
    const noise = rnd.bytes(1 << 20);
    expect(await values(noise)).toEqual([]);
  });
});

const lzmaAt = (b: Buffer, i: number) => b[i]! >= 0xe0 && b[i + 5] === 0x5d && b[i + 6] === 0;

// Property: a structured container's whole value (valuesOnward's trial) is decoded when raw deflate, raw LZMA2 or brotli
// — at any window — fills it exactly and gives text; a value of text, of random bytes, a stream with a byte more or a
// byte less, or a stream of binary content gives nothing. Fails before magiclessValue (no whole-value trial: SQLite,
// msgpack, LMDB, CBOR and BSON values were read as plain bytes only). Nearest real-world variant: an app's database
// row or cache record it compressed with brotli or raw deflate before storing it.
describe(`the whole-value trial a structured container's value gets (seed ${SEED})`, () => {
  const text = Buffer.from(payload);
  const lzma = MAKERS[0]!;
  it.each([
    ['raw deflate', zlib.deflateRawSync(text)] as const,
    ...[10, 16, 18, 22, 24].map((w) => [`brotli, window ${w}`, zlib.brotliCompressSync(text, { params: { [zlib.constants.BROTLI_PARAM_LGWIN]: w } })] as const),
  ] as (readonly [string, Buffer])[])('%s: decoded whole; a byte more or less: nothing', async (_, stream) => {
    expect((await magiclessValue(stream))?.toString()).toBe(payload);
    expect([await magiclessValue(stream.subarray(0, -1)), await magiclessValue(Buffer.concat([stream, Buffer.from([0])]))]).toEqual([undefined, undefined]);
  });

  it.runIf(has(lzma.tool))('raw LZMA2 (a pickle’s value, lzma.FORMAT_RAW): decoded whole', async () => {
    const file = lzma.make();
    const at = [...Array(file.length).keys()].find((i) => lengthsBefore(file, i).length && lzmaAt(file, i))!;
    const n = lengthsBefore(file, at).find((l) => at + l <= file.length)!;
    expect((await magiclessValue(file.subarray(at, at + n)))?.toString()).toBe(payload);
  });

  it('text, random values of every length to 4 KiB, and a stream of random bytes: nothing', async () => {
    const taken = [];
    for (let n = 8; n < 4096; n += 7) if (await magiclessValue(rnd.bytes(n))) taken.push(n);
    expect(taken).toEqual([]);
    expect([await magiclessValue(text), await magiclessValue(zlib.brotliCompressSync(rnd.bytes(2000)))]).toEqual([undefined, undefined]);
  });
});
