// Property: a gzip stream that ends right after its header (java.util.zip.GZIPOutputStream's 10-byte
// header array, read out of a JDK class's byte[] initializer) holds nothing unread: no limit, no
// throw; one that ends inside its deflate data is still named, and a whole one read as before.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { gzip } from './native.js';

/** GZIPOutputStream.writeHeader's bytes: magic, CM 8, no flags, no time, XFL 0, OS 255. */
const JDK_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]);

describe('gzip: a stream that ends at its header', () => {
  it('a bare header, in any piece size: nothing written, nothing named', async () => {
    for (const chunk of [1, 3, 10]) expect(await decodeWith(gzip, JDK_HEADER, { chunk })).toEqual({ out: Buffer.alloc(0), limits: [], capped: false });
  });

  it('cut inside its deflate data: named; whole: read back', async () => {
    const whole = gzipSync(Buffer.from('a line of text long enough to be compressed into a few bytes '.repeat(40)));
    const cut = await decodeWith(gzip, whole.subarray(0, 14));
    expect(cut.limits.length).toBe(1);
    expect((await decodeWith(gzip, whole, { chunk: 7 })).out.toString()).toBe('a line of text long enough to be compressed into a few bytes '.repeat(40));
  });
});
