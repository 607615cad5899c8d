/**
 * Entries of Chrome's and Chromium's simple HTTP cache (`Cache_Data/<hash>_0`: a headless browser's
 * profile, Puppeteer's or Playwright's userDataDir, Electron apps): a header, the entry's key (the
 * URL), the response body as it was received, an end record, then the response's headers. A body
 * sent compressed (Content-Encoding: br, gzip, deflate, zstd) is kept compressed, and brotli behind
 * the key is found by no search inside. The entry's bytes are read on as plain content (its magic as
 * zeros, so that it is not claimed again), the entry held up to MAX_ENTRY, and at its end a body the
 * headers say is encoded is decoded to `<hash>_0!`.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, zstdDecompressSync } from 'node:zlib';
import { heldPlain } from './held-image.js';
import { startsWith, trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAX_ENTRY = 64 << 20;
/** kSimpleInitialMagicNumber and kSimpleFinalMagicNumber, little-endian. */
const INITIAL = [0x30, 0x5c, 0x72, 0xa7, 0x1b, 0x6d, 0xfb, 0xfc];
const FINAL = Buffer.from([0xd8, 0x41, 0x0d, 0x97, 0x45, 0x6f, 0xfa, 0xf4]);
const HEADER = 24;
/** What a body may decode to: the cache keeps entries of a few MiB. */
const MAX_BODY = 64 << 20;

const DECODE: Record<string, (b: Buffer) => Buffer> = {
  br: (b) => brotliDecompressSync(b, { maxOutputLength: MAX_BODY }),
  gzip: (b) => gunzipSync(b, { maxOutputLength: MAX_BODY }),
  zstd: (b) => zstdDecompressSync(b, { maxOutputLength: MAX_BODY }),
  deflate: (b) => (trial(() => inflateSync(b, { maxOutputLength: MAX_BODY })) as Buffer | undefined) ?? inflateRawSync(b, { maxOutputLength: MAX_BODY }),
};

/** The body and its Content-Encoding of the entry `b`, or undefined when it is not one as Chromium writes it. */
export function cachedBody(b: Buffer): { body: Buffer; encoding: string } | undefined {
  if (b.length < HEADER + 8) return undefined;
  const keyLength = b.readUInt32LE(12);
  const start = HEADER + keyLength;
  const end = b.indexOf(FINAL, start);
  if (start > b.length || end < 0) return undefined;
  // The headers (stream 0) follow the body's end record: HTTP's status line and fields, NUL-separated.
  const headers = b.toString('latin1', end + FINAL.length, Math.min(b.length, end + FINAL.length + 65536));
  const encoding = /(?:^|\0)content-encoding:\s*([a-z0-9-]+)/i.exec(headers)?.[1]?.toLowerCase() ?? '';
  return { body: b.subarray(start, end), encoding };
}

export const chromeCacheEntry: Decoder = {
  name: 'Chromium cache entry',
  sniff: (h) => startsWith(h, INITIAL),
  open(env: DecodeEnv): Decoding {
    const plain = heldPlain(env, INITIAL.length, MAX_ENTRY);
    return {
      push: (bytes) => plain.push(bytes),
      async end() {
        const b = await plain.end();
        if (env.stopped || !b) return;
        const e = cachedBody(b);
        const decode = e && DECODE[e.encoding];
        if (!e || !decode || !e.body.length) return;
        const out = trial(() => decode(e.body));
        if (!(out instanceof Buffer)) return env.limit(`a cached ${e.encoding} body that does not decode`);
        if (!env.allow(out.length)) return;
        const sink = env.open();
        await sink.write(out);
        await sink.end();
      },
    };
  },
};
