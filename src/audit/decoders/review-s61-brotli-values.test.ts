// Review s61 (H6). Property: a brotli stream that fills a container's value exactly (a BLOB, a msgpack bin, a CBOR byte
// string) and gives text is decoded whatever the encoder's quality and the text's size — not only where the first
// meta-block's header fits in the 128 bytes the head trial read. Quality 5-11 (11 is zlib's, Python's and the CLI's
// default) of 20 KB or more of text writes context maps and prefix codes of several hundred bytes before the first
// literal, so the head gave no output and the value was passed over, silently (no finding, no limit). Nearest
// real-world variant: a cache table holding brotli-compressed JSON responses (an HTTP cache, a Next.js/Workbox store),
// found missed end to end through the bundle (`hoist audit` of an SQLite BLOB of 20 KB and 60 KB at q5 and q11: 4 of 4
// silent through both dist-start and the tree of 30b2296). Fix: /work/notes/s61/H6-brotli-head.diff.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { cbor } from './cbor.js';
import { decodeWith } from './decode.testing.js';
import { magiclessValue } from './value-streams.js';

const C = zlib.constants;
const SECRET = 'sk_live_Q7x9Lm2Pz4Rt8Wv1Yb6Nc3Kd5Hf0Jg';
const text = (n: number) =>
  Buffer.from(
    `${Array.from({ length: n / 20 }, (_, i) => `line ${i} ${Math.sin(i)}\n`)
      .join('')
      .slice(0, n)}SECRET=${SECRET}\n`,
  );
const work = mkdtempSync(join(tmpdir(), 'review-s61-brotli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The brotli CLI's stream of `input` at quality `q` (its default window, 24). */
function cli(input: Buffer, q: number): Buffer {
  const f = join(work, `in-${q}-${input.length}`);
  writeFileSync(f, input);
  execFileSync('brotli', ['-f', '-q', String(q), '-o', `${f}.br`, f]);
  return readFileSync(`${f}.br`);
}

/** A CBOR map {"v": bytes} (major 2, 4-byte length). */
const cborOf = (v: Buffer) => Buffer.concat([Buffer.from([0xa1, 0x61, 0x76, 0x5a, ...[24, 16, 8, 0].map((s) => (v.length >>> s) & 255)]), v]);

describe('review s61: brotli values of every quality and size', { timeout: 120_000 }, () => {
  it('zlib and the brotli CLI at qualities 2, 5 and 11, 3 KB to 300 KB of text: each value decoded', async () => {
    const missed: string[] = [];
    for (const n of [3_000, 20_000, 300_000])
      for (const q of [2, 5, 11]) {
        const input = text(n);
        const z = zlib.brotliCompressSync(input, { params: { [C.BROTLI_PARAM_QUALITY]: q, [C.BROTLI_PARAM_SIZE_HINT]: n } });
        if (!(await magiclessValue(z))?.includes(SECRET)) missed.push(`zlib q${q} ${n}`);
        if (!(await magiclessValue(cli(input, q)))?.includes(SECRET)) missed.push(`cli q${q} ${n}`);
      }
    expect(missed).toEqual([]);
  });

  it('a CBOR record whose byte string is the default brotli of 20 KB of text: found, nothing named', async () => {
    const { out, limits } = await decodeWith(cbor, cborOf(zlib.brotliCompressSync(text(20_000))));
    expect({ found: out.includes(SECRET), limits }).toEqual({ found: true, limits: [] });
  });
});
