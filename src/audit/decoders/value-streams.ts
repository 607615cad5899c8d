/**
 * A byte string of known length inside a serialization (a pickle's bytes, a V8 ArrayBuffer, a Marshal string, a Java
 * byte[], a PHP string — the lengths `serialized-deflate.ts` reads) holding a compressed stream with no magic number
 * other than raw deflate: raw LZMA2 (Python's `lzma.compress(format=FORMAT_RAW)`) or brotli (Node's
 * `zlib.brotliCompressSync`, Python's `brotli.compress`). Taken only where the stream fills the declared length exactly
 * and gives text (or what `shows` accepts): raw LZMA2 first told by its first chunk's shape (`lzma2HeadHolds`), brotli by
 * its first meta-block's header (`brotliHeadHolds`) — a chance byte string passes neither the shape and an exact end.
 */
import * as zlib from 'node:zlib';
import { lzma2HeadHolds, RAW_DICT_PROP } from './lzma-raw.js';
import { lzma2Run } from './lzma2.js';
import { brotliHeadHolds } from './trial.js';
import { brotliTrials } from './trial-engine.js';
import { TRIAL_CHUNK, trial } from './types.js';

/** The most one value may give (the bounds still count every byte where it is written). */
const MAX_VALUE = 64 << 20;
/** The least a value must give to be taken for one. */
const MIN_OUT = 16;

/** A raw LZMA2 stream filling `bytes` exactly: its output, or undefined. */
async function lzma2Value(bytes: Uint8Array): Promise<Buffer | undefined> {
  if (!lzma2HeadHolds(bytes)) return undefined;
  const parts: Uint8Array[] = [];
  let total = 0;
  let failed = false;
  const run = lzma2Run(
    RAW_DICT_PROP,
    undefined,
    async (b) => {
      total += b.length;
      if (total > MAX_VALUE) return false;
      parts.push(b.slice());
      return true;
    },
    () => void (failed = true),
  );
  await run.push(bytes);
  if (failed || !run.finished || run.consumed !== bytes.length || total > MAX_VALUE) return undefined;
  return Buffer.concat(parts);
}

/**
 * A brotli stream filling `bytes` exactly whose output `shows`: its output, or undefined. Only a window an encoder's
 * default writes, and its first 128 bytes tried first on the shared trial engine: a failed trial replaces the engine
 * (~0.3 ms), and a serialization of random bytes has a length mark every hundred bytes or so.
 */
function brotliValue(bytes: Uint8Array, shows: (out: Uint8Array) => boolean): Buffer | undefined {
  if (bytes.length < 8 || !defaultWindow(bytes[0]!) || !brotliHeadHolds(bytes)) return undefined;
  const head = brotliTrials.run(bytes.subarray(0, 128), zlib.constants.BROTLI_OPERATION_FLUSH, 1 << 16, TRIAL_CHUNK);
  if (!(head instanceof Buffer) || head.length < MIN_OUT || !shows(head.subarray(0, 4096))) return undefined;
  const got = trial(
    () =>
      zlib.brotliDecompressSync(bytes, { info: true, maxOutputLength: MAX_VALUE }) as unknown as {
        buffer: Buffer;
        engine: { bytesWritten: number };
      },
  );
  if (!got || typeof got !== 'object' || !('buffer' in got) || got.engine.bytesWritten !== bytes.length) return undefined;
  return got.buffer;
}

/** The window nibble an encoder's default writes first: 22 (Node's zlib, Python's brotli; 1011) or 24 (the brotli CLI, 1111). */
const defaultWindow = (first: number) => (first & 0x0f) === 0x0b || (first & 0x0f) === 0x0f;

/**
 * Whether a raw LZMA2 or brotli stream may start at `at`: a few byte compares, asked at every offset of a serialization
 * before its length marks are read again and anything awaited (an await or a brotli header read at every offset made
 * reading this machine's 820 pickles 2.4 times slower).
 */
export function mayHoldStream(b: Uint8Array, at: number): boolean {
  const first = b[at];
  if (first === undefined) return false;
  return first >= 0xe0 ? lzma2HeadHolds(b, at) !== undefined : defaultWindow(first);
}

/**
 * What the `n` bytes at `at` of `b` decode to as raw LZMA2 or brotli, when a stream fills them exactly and its output
 * `shows` (text, or a serialization the caller reads): undefined otherwise.
 */
export async function otherValue(b: Uint8Array, at: number, n: number, shows: (out: Uint8Array) => boolean): Promise<Buffer | undefined> {
  if (n < 8 || at + n > b.length) return undefined;
  const bytes = b.subarray(at, at + n);
  const out = (await lzma2Value(bytes)) ?? brotliValue(bytes, shows);
  return out && out.length >= MIN_OUT && shows(out.subarray(0, 4096)) ? out : undefined;
}
