// Property: an LZMA SWF (ZWS — the header, the compressed length, 5 LZMA property bytes, raw LZMA1
// without the size an LZMA-alone file has) is decoded to its body byte for byte, so a config a
// DefineBinaryData tag embeds is found; its clean twin passes; in any chunk sizes. Generated: SWF
// bodies of random tags holding seeded values with + / = & < > % " \ ` and non-ASCII, compressed by
// xz's LZMA1 encoder (`xz --format=lzma`, as Flex and the LZMA SDK write it), random chunk cuts; a
// cut file is named; random heads and near misses (a version Flash never had, properties past 224,
// a dictionary no encoder writes) are not claimed.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { swfLzma, zwsHeader } from './swf.js';
import { auditFiles, SECRET } from './testing.js';

const rng = seededPerTest(0x5f3);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=&<>%"\\`é€😀';

const tag = (code: number, body: Buffer) =>
  Buffer.concat([Buffer.from([0x3f | ((code << 6) & 0xc0), code >> 2]), Buffer.from(new Uint32Array([body.length]).buffer), body]);

/** An SWF body (after the 8-byte header): a frame rect, random tags, DefineBinaryData holding `value`'s config. */
function body(value: string): Buffer {
  const tags = Array.from({ length: rng.int(1, 6) }, () => tag(rng.pick([9, 69, 77, 87]), rng.bytes(rng.int(0, 3000))));
  const config = Buffer.from(JSON.stringify({ apiBase: 'https://api.example.com', apiKey: value }));
  tags.splice(rng.int(tags.length + 1), 0, tag(87, Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0]), config])));
  return Buffer.concat([Buffer.from([0x00, 0x00, 0x18, 0x01, 0x00]), ...tags, tag(1, Buffer.alloc(0)), tag(0, Buffer.alloc(0))]);
}

/** The ZWS file of `b` with xz's LZMA1 encoder: its 13-byte header's size dropped, the lengths written. */
function zws(b: Buffer): Buffer {
  const alone = execFileSync('xz', ['--format=lzma', '-c', `--lzma1=preset=${rng.int(0, 7)}`], { input: b });
  const head = Buffer.alloc(12);
  head.write('ZWS');
  head[3] = rng.int(13, 40);
  head.writeUInt32LE(b.length + 8, 4);
  head.writeUInt32LE(alone.length - 13, 8);
  return Buffer.concat([head, alone.subarray(0, 5), alone.subarray(13)]);
}

describe(`LZMA SWF files (seed ${rng.seed})`, { timeout: 60_000 }, () => {
  it('decoded to the body byte for byte in random chunk sizes; a cut file named', async () => {
    for (let k = 0; k < 12; k++) {
      const b = body(rng.chars(ALPHABET, rng.int(8, 80)));
      const file = zws(b);
      const chunk = rng.int(1, 2048);
      const { out, limits } = await decodeWith(swfLzma, file, { chunk });
      expect({ same: out.equals(b), limits }, `chunks of ${chunk}`).toEqual({ same: true, limits: [] });
      const cut = await decodeWith(swfLzma, file.subarray(0, rng.int(18, file.length - 1)), { chunk });
      expect(cut.limits).toEqual([expect.stringMatching(/^a damaged LZMA SWF/)]);
    }
  });

  it('random heads and near misses are not claimed', () => {
    const file = zws(body('x'.repeat(20)));
    expect(zwsHeader(file)).toBeDefined();
    for (const [at, byte] of [
      [3, 9],
      [3, 99],
      [12, 225],
      [13, 0x01],
      [17, 1],
    ] as const) {
      const near = Buffer.from(file);
      near[at] = byte;
      expect(zwsHeader(near), `byte ${at} = ${byte}`).toBeUndefined();
    }
    for (let i = 0; i < 20_000; i++) {
      const head = rng.bytes(64);
      head.write('ZWS');
      expect(zwsHeader(head)).toBeUndefined();
    }
  });

  it('through the audit: the embedded config found in app.swf!, the clean twin passes', async () => {
    const found = await auditFiles({ 'srv/app.swf': zws(body(SECRET)), 'srv/clean.swf': zws(body('an-other-value-of-the-same-length+/=')) });
    expect(found.map((f) => `${f.severity} ${f.path}`)).toEqual(['leak srv/app.swf!']);
  });
});
