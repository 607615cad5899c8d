/**
 * The streams Node's zlib decodes natively, off the main thread and as they come: gzip (every
 * member, one content), zlib (RFC 1950: git objects, PDF FlateDecode, PNG zTXt), raw deflate, brotli and zstd.
 * Memory is the window and a 64 KiB buffer each way; output is taken only as fast as it is scanned.
 */
import { once } from 'node:events';
import type { Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { isBomb, nameBomb, zeroBytes } from './bomb.js';
import { brotliWindowed } from './brotli-window.js';
import { NOTHING, readAlready } from './concatenated.js';
import { GzipMembers, gzipHeaderLength, isGzip } from './gzip-members.js';
import { zlibTrials } from './trial-engine.js';
import { zstdDecoding } from './zstd-frames.js';
import { DEFLATE_MAX_RATIO, errorText, startsWith, TOO_LARGE, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const STREAM = { chunkSize: 64 * 1024, readableHighWaterMark: 64 * 1024, writableHighWaterMark: 64 * 1024 };
/**
 * A zstd frame's declared window is not what it costs: a match never reaches back past the frame's start, and its decoder
 * touches only the pages of its window buffer it has written. A frame declaring more than 8 MiB (`zstd -19`'s, the largest
 * of the levels without --ultra: `--ultra -20` and up, `--long`, buildah's zstd:chunked, 32 MiB for a 3 MB file) is read
 * up to 8 MiB of output, then cut and named (past it, the decoder would hold up to its window, and the audit's 100 MiB
 * bound would not hold). A frame declaring more than 128 MiB (zstd's own default bound; `--long=28` and up) is passed over
 * and named. Measured: a decoder's RSS grows 8.4 MiB for 3 MB of a frame declaring 32 MiB (8.5 declaring 8 MiB), 20 MiB
 * for 8 MiB of one declaring 128 MiB (18 declaring 8 MiB), 85 MiB for all 64 MB of it.
 */
const ZSTD_WINDOW_LOG_MAX = 27;
const ZSTD_WINDOW_BOUND = 2 ** 23;

/**
 * A Node Transform driven as a Decoding: input written with backpressure, output pumped to the
 * sink (each chunk allowed first). Input after the stream's own end (trailing bytes) is dropped.
 * `benign` tells an error that ends the stream normally (gzip's "incorrect header check" after a
 * member: trailing bytes that are not another member).
 */
export function transformDecoding(env: DecodeEnv, name: string, stream: Transform, benign: (e: Error, out: number) => boolean = () => false): Decoding {
  const sink = env.open();
  let out = 0;
  /** Its output's whole 4 KiB pieces of zeros (`zeroBytes`): not a bomb's measure. */
  let zeros = 0;
  let fed = 0;
  let failure: Error | undefined;
  let done = false;
  stream.on('error', (e: Error) => {
    if (!done && !benign(e, out)) failure ??= e;
    done = true;
  });
  const pump = (async () => {
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        // A bomb (`bomb.ts`: the output against the input the engine took) named and stopped, its rest not counted.
        zeros += zeroBytes(chunk);
        if (isBomb(out + chunk.length, (stream as { bytesWritten?: number }).bytesWritten ?? fed, undefined, zeros)) {
          nameBomb(env, out);
          break;
        }
        if (!env.allow(chunk.length)) break;
        out += chunk.length;
        await sink.write(chunk);
      }
    } catch {
      // told by the 'error' handler
    } finally {
      done = true;
      stream.destroy();
      await sink.end();
    }
  })();
  const ended = pump.then(() => undefined);
  return {
    get finished() {
      return done;
    },
    async push(bytes) {
      if (done || env.stopped) return;
      fed += bytes.length;
      if (!stream.write(bytes)) await Promise.race([once(stream, 'drain').catch(() => undefined), ended]);
    },
    async end() {
      if (!done) stream.end();
      await pump;
      // Found by a trial, a failure that gave back no more than it was fed was a chance match (a stored block, a brotli
      // uncompressed meta-block over the bytes after a random preamble): those bytes are read as they are, elsewhere.
      if (failure && !env.stopped && (!env.trial || out > fed)) env.limit(`a damaged ${name} stream (${errorText(failure)}): the rest is not audited`);
    },
  };
}

/** RFC 1950's header: deflate (CM 8), a window of at most 32 KiB (CINFO ≤ 7), no preset dictionary, FCHECK. */
export function isZlibHeader(h: Uint8Array, at = 0): boolean {
  if (h.length < at + 2) return false;
  const cmf = h[at]!;
  const flg = h[at + 1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (flg & 0x20) === 0 && ((cmf << 8) | flg) % 31 === 0;
}

/** zstd's frame magic and a frame header descriptor without its reserved bit. */
export const isZstd = (h: Uint8Array, at = 0) => startsWith(h, [0x28, 0xb5, 0x2f, 0xfd], at) && h.length > at + 4 && (h[at + 4]! & 0x08) === 0;

/**
 * gzip: member after member, their output one content, as `gzip -dc` gives it (`cat a.gz b.gz`, `gzip -c >>`, bgzip's
 * BGZF): each member's header read here, its deflate stream inflated raw (Node's gunzip reads what follows a member as
 * the next one, fails on other bytes and loses its output) — `gzip-members.ts`. Bytes after the last that start none are
 * searched by the router for gzip members, as before (`more`); the members read here it passes over (`concatenated.ts`).
 */
export const gzip: Decoder = {
  name: 'gzip',
  sniff: (h) => startsWith(h, [0x1f, 0x8b]),
  open: (env) => new GzipMembers(env),
  more: true,
  maxRatio: DEFLATE_MAX_RATIO,
};

/**
 * zlib: its 2-byte header skipped, its deflate stream inflated raw, which ends at the stream's own end. Node's
 * inflate checks the Adler-32 after it and, when it fails, drops the output of its last call with the error: a
 * stream whose checksum is wrong (damaged, or a chance match in random bytes that ran to a final block) is read
 * whole; the checksum and what follows are not its input.
 */
export const zlibStream: Decoder = {
  name: 'zlib',
  maxRatio: DEFLATE_MAX_RATIO,
  sniff: (h) => isZlibHeader(h) && probeZlib(h),
  open(env) {
    let skip = 2;
    const inner = transformDecoding(env, 'zlib', zlib.createInflateRaw(STREAM));
    return {
      get finished() {
        return inner.finished;
      },
      push(bytes) {
        const cut = Math.min(skip, bytes.length);
        skip -= cut;
        return cut === bytes.length ? undefined : inner.push(bytes.subarray(cut));
      },
      end: () => inner.end(),
    };
  },
};

/**
 * A zlib stream found at an offset inside content read as plain (`embedded.ts`): read as any other (`zlibStream`), and
 * `copied.length` set, as its first bytes come, to the length of its first block when that block is stored (else 0). So
 * many of its output's first bytes are the content's own next bytes, verbatim, whose search for streams inside them
 * the content made already: its output is not searched for streams there again (`ContentRouter`'s `copied`) — it is
 * scanned, claimed and tried (brotli, which has no magic, is tried only at a content's start) as any content is.
 * Found by a sweep of this machine's /usr/bin: a Go binary (docker, 45 MB) holds 84 records `78 01 00 00 ff ff 00 00`,
 * a zlib header then a stored block of 65,280 bytes, up to 21 of them within one such block: each record's copy held
 * the next ones, opened again in it, and theirs in theirs, to the depth bound — ~4,200 inflate streams alive at once,
 * 658-801 MiB RSS and the file's 20 s bound passed.
 */
export function zlibFoundInside(env: DecodeEnv, copied: { length: number }, dropStored?: () => void): Decoding {
  const head: number[] = [];
  // `dropStored` given: a stream whose first block is stored is not read at all, and told — inflate opened only once
  // its first 7 bytes say it is not (it reads them then).
  let inner = dropStored ? undefined : zlibStream.open(env);
  let dropped = false;
  return {
    get finished() {
      return dropped || (inner?.finished ?? false);
    },
    push(bytes) {
      if (dropped) return;
      if (head.length < STORED_HEAD) {
        const had = head.length;
        for (let i = 0; head.length < STORED_HEAD && i < bytes.length; i++) head.push(bytes[i]!);
        if (head.length < STORED_HEAD && !inner) return;
        // Set before the bytes reach inflate: its output (a stored block's, once LEN and NLEN are read) follows them.
        if (head.length === STORED_HEAD) copied.length = storedFirst(head);
        if (dropStored && copied.length > 0) {
          dropped = true;
          return dropStored();
        }
        if (!inner) {
          inner = zlibStream.open(env);
          return inner.push(Buffer.concat([Uint8Array.from(head.slice(0, had)), bytes]));
        }
      }
      return inner!.push(bytes);
    },
    // Dropped, or fewer than 7 bytes (no output could come of them): nothing to end.
    end: () => inner?.end(),
  };
}

/** A zlib header, a first block's 3 header bits and, stored, its LEN and NLEN: 7 bytes. */
const STORED_HEAD = 7;
/** The length of a zlib stream's first block when it is stored (BTYPE 00, its LEN and NLEN agree), else 0. */
export function storedFirst(h: ArrayLike<number>): number {
  if (h.length < STORED_HEAD || ((h[2]! >> 1) & 3) !== 0) return 0;
  const len = h[3]! | (h[4]! << 8);
  return (h[5]! | (h[6]! << 8)) === (~len & 0xffff) ? len : 0;
}

/** A skippable frame (magic 0x184D2A5?, a 4-byte size) whose end, inside the head, is a zstd frame: pzstd's files. */
function skippableThenZstd(h: Uint8Array): boolean {
  if (h.length < 8 || h[0]! >> 4 !== 5 || !startsWith(h, [0x2a, 0x4d, 0x18], 1) || h[6] || h[7]) return false;
  return isZstd(h, 8 + (h[4]! | (h[5]! << 8)));
}

/**
 * zstd: every frame in turn, as one content (`zstd -c >>`, pzstd, `cat a.zst b.zst`, zstd:chunked), skippable frames
 * passed over — Node's decoder stops after the first frame (zstd-frames.ts). A pzstd file begins with a skippable frame.
 * The frames after one passed over or cut short are another content (`path@offset!`), never joined to the one before.
 */
export const zstd: Decoder = {
  name: 'zstd',
  sniff: (h) => startsWith(h, [0x28, 0xb5, 0x2f, 0xfd]) || skippableThenZstd(h),
  open: (env) =>
    zstdDecoding(env, () => zlib.createZstdDecompress({ ...STREAM, params: { [zlib.constants.ZSTD_d_windowLogMax]: ZSTD_WINDOW_LOG_MAX } }), {
      maxWindow: ZSTD_WINDOW_BOUND,
      maxDeclared: 2 ** ZSTD_WINDOW_LOG_MAX,
    }),
};

/** Raw deflate, where a container says a member is one. */
export const rawDeflate = (env: DecodeEnv) => transformDecoding(env, 'deflate', zlib.createInflateRaw(STREAM));

/** Brotli, standard or large-window (`brotli-window.ts`: the first two bytes say which). */
export const brotliStream = (env: DecodeEnv): Decoding =>
  brotliWindowed(env, (large, bounded) =>
    transformDecoding(
      bounded,
      'brotli',
      zlib.createBrotliDecompress(large ? { ...STREAM, params: { [zlib.constants.BROTLI_DECODER_PARAM_LARGE_WINDOW]: 1 } } : STREAM),
    ),
  );

/** Brotli has no magic number: claimed by its name (`app.js.br`). Content nothing claims is tried too (`trial.ts`). */
export const brotli: Decoder = {
  name: 'brotli',
  sniff: (_h, path) => /\.br$/i.test(path),
  open: brotliStream,
};

/**
 * Whether bytes that start with a zlib header start a zlib stream: the first deflate block's
 * header read in JavaScript (most chance headers fail here, for nothing), then zlib itself on the
 * first bytes, flushed rather than finished, so a stream cut by the window is not an error.
 */
export function probeZlib(h: Uint8Array, at = 0): boolean {
  if (!isZlibHeader(h, at) || !deflateHeaderHolds(h, at + 2) || fixedBlockFails(h, at + 2, Math.min(h.length, at + PROBE))) return false;
  const out = zlibTrials.run(h.subarray(at, at + PROBE), zlib.constants.Z_SYNC_FLUSH, PROBE_OUT, zlib.constants.Z_DEFAULT_CHUNK);
  return out === TOO_LARGE || (out instanceof Buffer && (out.length > 0 || h.length - at >= 8));
}

/** The bytes of a zlib stream found inside content that zlib is tried on, and the most it may give then. */
const PROBE = 1024;
const PROBE_OUT = 16 * 1024;

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

/**
 * Whether a first deflate block of fixed Huffman codes (RFC 1951 3.2.6) at `at` fails where zlib would: a code 286 or
 * 287, a distance code 30 or 31, or a distance reaching back before the stream's first byte (a zlib stream without a
 * dictionary). Read only up to `end` (the bytes zlib is tried on) and while what it gives stays within what that trial
 * may give; anything else — a block that ends, a stored or dynamic block, bytes running out — is no failure here and
 * goes to zlib. A zlib header met by chance in binary content starts a fixed block one time in four, and zlib's trial
 * (an inflate context made, ~0.1 ms) was most of what looking for streams inside binary content cost: most such
 * blocks copy from before their start within a few codes.
 */
export function fixedBlockFails(d: Uint8Array, at: number, end: number): boolean {
  if (at >= end || ((d[at]! >> 1) & 3) !== 1) return false;
  let pos = 3;
  const limit = (end - at) * 8;
  /** `n` bits as a number, the first read the lowest (extra bits); -1 past `end`. */
  const bits = (n: number) => {
    if (pos + n > limit) return -1;
    let v = 0;
    for (let i = 0; i < n; i++, pos++) v |= ((d[at + (pos >> 3)]! >> (pos & 7)) & 1) << i;
    return v;
  };
  /** A Huffman code, its first bit the highest. */
  const code = (n: number, v: number) => {
    for (let i = 0; i < n; i++) {
      const b = bits(1);
      if (b < 0) return -1;
      v = (v << 1) | b;
    }
    return v;
  };
  for (let out = 0; out < PROBE_OUT - 258;) {
    let c = code(7, 0);
    if (c < 0) return false;
    let sym: number;
    if (c <= 23) sym = 256 + c;
    else {
      c = code(1, c);
      if (c < 0) return false;
      if (c >= 48 && c <= 191) sym = c - 48;
      else if (c >= 192 && c <= 199) sym = 280 + c - 192;
      else {
        c = code(1, c);
        if (c < 0) return false;
        sym = 144 + c - 400;
      }
    }
    if (sym < 256) {
      out++;
      continue;
    }
    if (sym === 256) return false;
    if (sym > 285) return true;
    const extra = bits(LENGTH_EXTRA[sym - 257]!);
    const dcode = code(5, 0);
    if (extra < 0 || dcode < 0) return false;
    if (dcode > 29) return true;
    const dextra = bits(DIST_EXTRA[dcode]!);
    if (dextra < 0) return false;
    if (DIST_BASE[dcode]! + dextra > out) return true;
    out += LENGTH_BASE[sym - 257]! + extra;
  }
  return false;
}

/** The first deflate block's header: its type, a stored block's length check, a dynamic block's code-length code complete. */
export function deflateHeaderHolds(d: Uint8Array, at: number): boolean {
  if (d.length <= at) return false;
  let pos = 0;
  const bits = (n: number) => {
    let v = 0;
    for (let i = 0; i < n; i++, pos++) {
      const byte = d[at + (pos >> 3)];
      if (byte === undefined) return -1;
      v |= ((byte >> (pos & 7)) & 1) << i;
    }
    return v;
  };
  bits(1);
  const type = bits(2);
  if (type === 3 || type < 0) return false;
  if (type === 0) {
    const o = at + 1;
    if (d.length < o + 4) return true;
    return (d[o]! | (d[o + 1]! << 8)) === (~(d[o + 2]! | (d[o + 3]! << 8)) & 0xffff);
  }
  if (type === 1) return true;
  const hlit = bits(5);
  const hdist = bits(5);
  const hclen = bits(4);
  if (hlit > 29 || hdist > 29) return false;
  if (hclen < 0) return true;
  let space = 0;
  for (let i = 0; i < hclen + 4; i++) {
    const len = bits(3);
    if (len < 0) return true;
    if (len) space += 128 >> len;
  }
  return space === 128; // zlib refuses an incomplete or over-subscribed code-length code
}

/**
 * One gzip member found inside other bytes: its header read here, its deflate stream inflated raw,
 * which ends at the stream's own end — bytes after it (the trailer, what follows) are not its input,
 * as they would be to a gunzip that reads them as a next member and fails.
 */
export const gzipMember: Decoder = {
  name: 'gzip',
  maxRatio: DEFLATE_MAX_RATIO,
  sniff: (h) => isGzip(h),
  open(env) {
    if (readAlready(env)) return NOTHING; // a later member of a gzip file, read with the members before it
    let head: Buffer = Buffer.alloc(0);
    let inner: Decoding | undefined;
    return {
      get finished() {
        return inner?.finished ?? false;
      },
      async push(bytes) {
        if (inner) return inner.push(bytes);
        head = Buffer.concat([head, bytes]);
        const length = gzipHeaderLength(head);
        if (length === undefined) return;
        if (length < 0) return env.limit('a damaged gzip stream (a header name without its end)');
        inner = rawDeflate(env);
        await inner.push(head.subarray(length));
      },
      end: () => inner?.end() ?? env.limit('a damaged gzip stream (it ends inside its header)'),
    };
  },
};

export { gzipHeaderLength, isGzip };
