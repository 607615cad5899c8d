/**
 * zlib streams with a preset dictionary (RFC 1950 FDICT: `deflateSetDictionary`, Python's
 * `zlib.compressobj(zdict=…)`, stores and protocols that share a dictionary of common strings): the
 * 2-byte header with its FDICT bit, the dictionary's Adler-32, then deflate whose matches may copy
 * from the dictionary — which the stream does not hold, and no image need. The zlib decoder refuses
 * the header (its dictionary is unknown); read here with a dictionary of zeros in its place: every
 * literal the stream holds comes out as written (a value in a record compressed against a
 * dictionary of its field names is its own literals), what a match copied from the dictionary comes
 * out as zeros — so the stream is always named as not fully audited. Claimed when the deflate data
 * after the header inflates that way over the first KiB without an error (a text starting with
 * `x ` or `x?` has the header's two bytes by chance: it is all text, or fails there).
 */
import * as zlib from 'node:zlib';
import { deflateHeaderHolds, transformDecoding } from './native.js';
import { DEFLATE_MAX_RATIO, trial, TOO_LARGE, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const STREAM = { chunkSize: 64 * 1024, readableHighWaterMark: 64 * 1024, writableHighWaterMark: 64 * 1024 };
const HEADER = 6;
const PROBE = 1024;
/** The most of a content's start a sniff is given. */
const HEAD = 512;
/** Stands for the dictionary: as long as the largest window, so no distance reaches before it. */
const ZEROS = Buffer.alloc(32 * 1024);

/**
 * The path of a run decoded from text, or of a text rewritten — `…!(base64 at 273)`, `…!(mojibake at 0)` — or of what
 * a stream found in one gave (`…!(base64 at 0)!`: a brotli trial on the run's bytes, read as a stored meta-block).
 */
const DECODED_RUN = /\([^()]* at \d+\)!*$/;

/** A zlib header (deflate, a window of at most 32 KiB, FCHECK) with FDICT set. */
export function isZlibDictHeader(h: Uint8Array, at = 0): boolean {
  if (h.length < at + 2) return false;
  const cmf = h[at]!;
  const flg = h[at + 1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (flg & 0x20) !== 0 && ((cmf << 8) | flg) % 31 === 0;
}

/** Printable ASCII, tabs and line ends only: text that begins with the header by chance (compressed bytes never are). */
function isText(b: Uint8Array): boolean {
  for (const c of b) if (c > 0x7e || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)) return false;
  return true;
}

/**
 * Whether `h` starts a zlib stream with a preset dictionary: the header, a deflate block header that holds, the first
 * KiB inflating without an error, and a stream that ends there ending as a whole file's does (its Adler-32 the last 4
 * bytes of `h`, which holds the whole content when shorter than the head) — a chance header's bytes mostly end a
 * block early. Not always: random bytes behind the header pass about 8 times in a million (a fixed-Huffman block of
 * random bits, whose distances all reach into the 32 KiB stand-in); such a content is named as not fully audited.
 */
export function probeZlibDict(h: Uint8Array): boolean {
  if (!isZlibDictHeader(h) || h.length < HEADER + 2 || !deflateHeaderHolds(h, HEADER) || isText(h.subarray(HEADER))) return false;
  const input = h.subarray(HEADER, HEADER + PROBE);
  const out = trial(() =>
    zlib.inflateRawSync(input, { dictionary: ZEROS, finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 16 * PROBE, info: true }),
  ) as { buffer: Buffer; engine: { bytesWritten: number } } | typeof TOO_LARGE | undefined;
  if (out === TOO_LARGE) return true;
  if (!out || out.buffer.length === 0) return false;
  const used = out.engine.bytesWritten;
  return used === input.length || (h.length < HEAD && HEADER + used + 4 === h.length);
}

export const zlibDict: Decoder = {
  name: 'zlib with a preset dictionary',
  maxRatio: DEFLATE_MAX_RATIO,
  // Not a run decoded from text or a text rewritten (`x.class!(base64 at 273)`): a JDK's class files hold runs whose
  // decoded bytes start with the header by chance, and a short one often inflates to its end without an error (17 such
  // streams named in a stock JDK's jmods). An FDICT record is a file or a member, not an encoded run in a text.
  sniff: (h, path) => !DECODED_RUN.test(path) && probeZlibDict(h),
  open(env: DecodeEnv): Decoding {
    let skip = HEADER;
    let head = Buffer.alloc(0);
    const inner = transformDecoding(env, 'zlib (preset dictionary)', zlib.createInflateRaw({ ...STREAM, dictionary: ZEROS }));
    return {
      get finished() {
        return inner.finished;
      },
      push(bytes) {
        if (skip > 0) {
          const cut = Math.min(skip, bytes.length);
          head = Buffer.concat([head, bytes.subarray(0, cut)]);
          skip -= cut;
          if (skip === 0)
            env.limit(
              `a zlib stream with a preset dictionary (FDICT, the dictionary's Adler-32 ${head.readUInt32BE(2).toString(16).padStart(8, '0')}) the image does not hold: its own literals are read, what it copies from the dictionary is not audited`,
              `${env.path}!`, // named at what it gives, which is read on
            );
          bytes = bytes.subarray(cut);
        }
        return bytes.length ? inner.push(bytes) : undefined;
      },
      end: () => inner.end(),
    };
  },
};
