/**
 * A byte string of known length inside a serialization (a pickle's bytes, a V8 ArrayBuffer, a Marshal string, a Java
 * byte[], a PHP string — the lengths `serialized-deflate.ts` reads) holding a compressed stream with no magic number
 * other than raw deflate: raw LZMA2 (Python's `lzma.compress(format=FORMAT_RAW)`) or brotli (Node's
 * `zlib.brotliCompressSync`, Python's `brotli.compress`). Taken only where the stream fills the declared length exactly
 * and gives text (or what `shows` accepts): raw LZMA2 first told by its first chunk's shape (`lzma2HeadHolds`), brotli by
 * its first meta-block's whole header inside the value (`brotliValueHeadHolds`) — a chance byte string passes neither the shape and an exact end.
 */
import { isUtf8 } from 'node:buffer';
import * as zlib from 'node:zlib';
import { lzma2HeadHolds, RAW_DICT_PROP } from './lzma-raw.js';
import { deflateValueHeadHolds } from './deflate-value.js';
import { lzma2Run } from './lzma2.js';
import { brotliValueHeadHolds } from './brotli-value.js';
import { brotliTrials } from './trial-engine.js';
import { gathered } from './gathered.js';
import { blockKinds, blockValue } from './value-streams-blocks.js';
import { TRIAL_CHUNK, trial, type DecodeEnv, type Decoding } from './types.js';

/** The most one value may give (the bounds still count every byte where it is written). */
const MAX_VALUE = 64 << 20;
/** The bytes of a brotli value decoded first, to see whether it gives text. */
const BROTLI_HEAD = 4096;
/** The least a value must give to be taken for one. */
const MIN_OUT = 16;
/** The shortest value tried (parsers need not hand on shorter ones). */
export const MIN_VALUE = 8;
/**
 * The most values of one container tried on a native engine (their first bytes passed the JS reads of
 * `mayBeStream`); the rest are named. A value of random bytes passes those reads a few times in ten thousand.
 */
export const MAX_TRIALS = 20_000;

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
function brotliValue(bytes: Uint8Array, shows: (out: Uint8Array) => boolean, anyWindow = false): Buffer | undefined {
  if (bytes.length < 8 || !(anyWindow || defaultWindow(bytes[0]!)) || !brotliValueHeadHolds(bytes)) return undefined;
  // The head reaches past the first meta-block's header (a quality 5-11 encoder's context maps and prefix codes take
  // hundreds of bytes before the first literal): the JS read above already failed almost every chance value.
  const head = brotliTrials.run(bytes.subarray(0, BROTLI_HEAD), zlib.constants.BROTLI_OPERATION_FLUSH, 1 << 20, TRIAL_CHUNK);
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

/** Text with no control byte but tab and line breaks, and UTF-8 (a sequence cut at the end aside). */
export function isText(out: Uint8Array): boolean {
  for (const b of out) if ((b < 0x20 && b !== 9 && b !== 10 && b !== 13) || b === 0x7f) return false;
  for (let cut = 0; cut <= 3 && cut < out.length; cut++) if (isUtf8(out.subarray(0, out.length - cut))) return true;
  return false;
}

/** A raw deflate stream filling `bytes` exactly whose output `shows`: its blocks read in JS as far as `deflateValueHeadHolds` reads, a head inflating to it, then the whole. */
function deflateValue(bytes: Uint8Array, shows: (out: Uint8Array) => boolean): Buffer | undefined {
  if (!deflateValueHeadHolds(bytes)) return undefined;
  const head = trial(() =>
    zlib.inflateRawSync(bytes.subarray(0, 1024), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 1 << 16, chunkSize: TRIAL_CHUNK }),
  );
  if (!(head instanceof Buffer) || head.length < MIN_OUT || !shows(head.subarray(0, Math.min(head.length - 4, 4096)))) return undefined;
  const got = trial(
    () => zlib.inflateRawSync(bytes, { info: true, maxOutputLength: MAX_VALUE }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } },
  );
  if (!got || typeof got !== 'object' || !('buffer' in got) || got.engine.bytesWritten !== bytes.length) return undefined;
  return got.buffer;
}

/**
 * What a whole value of a structured container (an SQLite BLOB, a msgpack `bin`, an LMDB value) decodes to when a
 * magicless stream — raw deflate, raw LZMA2, brotli, or a raw snappy or LZ4 block — fills it exactly and gives what `shows` (text by default): the
 * cheap trial a value nothing else claims gets. A value of text, or one whose first bytes no stream's header reads as
 * (`mayBeStream`), costs a few microseconds and no native engine.
 * Brotli of any window here (the brotli CLI picks 10–24 by the input's size): the value's own bounds, filled exactly,
 * are the evidence a length mark found at any offset is not.
 */
export async function magiclessValue(bytes: Uint8Array, shows: (out: Uint8Array) => boolean = isText): Promise<Buffer | undefined> {
  if (!mayBeStream(bytes)) return undefined;
  const out =
    deflateValue(bytes, shows) ?? (bytes[0]! >= 0xe0 ? await lzma2Value(bytes) : undefined) ?? brotliValue(bytes, shows, true) ?? blockValue(bytes, shows);
  return out && out.length >= MIN_OUT && shows(out.subarray(0, 4096)) ? out : undefined;
}

/**
 * Whether a magicless stream may fill `bytes`: not text, and one of the three read in JS as far as their headers go
 * (`deflateValueHeadHolds`, `lzma2HeadHolds`, `brotliValueHeadHolds`), or a raw snappy or LZ4 block's first elements
 * (value-streams-blocks.ts `blockKinds`) — no engine touched, nothing awaited.
 */
export function mayBeStream(bytes: Uint8Array): boolean {
  if (bytes.length < MIN_VALUE || isText(bytes.subarray(0, 256))) return false;
  return (
    deflateValueHeadHolds(bytes) || (bytes[0]! >= 0xe0 && lzma2HeadHolds(bytes) !== undefined) || brotliValueHeadHolds(bytes) || blockKinds(bytes).length > 0
  );
}

/** One value of a structured container: its bytes, and its offset in the file where it lies there whole (not joined from pieces). */
export interface HeldValue {
  bytes: Uint8Array;
  at?: number;
}

/**
 * Each value of a structured container handed on to the magicless-stream trial (`magiclessValue`); what one decodes to
 * written as content of its own — `FILE@OFFSET!` where the value lies whole in the file, else `FILE!(value N)` — so that
 * it is read on as any content is. The number of values decoded.
 */
export async function valuesOnward(env: DecodeEnv, values: Iterable<HeldValue>): Promise<number> {
  let found = 0;
  let n = 0;
  let trials = 0;
  for (const v of values) {
    if (env.stopped) break;
    n++;
    if (!mayBeStream(v.bytes) || ++trials > MAX_TRIALS) continue;
    const out = await magiclessValue(v.bytes);
    if (!out) continue;
    if (!env.allow(out.length)) break;
    const base = env.path.endsWith('!') ? env.path.slice(0, -1) : env.path;
    const sink = env.openAt(v.at === undefined ? `${base}!(value ${n})` : `${base}@${v.at}!`);
    await sink.write(out);
    await sink.end();
    found++;
  }
  if (trials > MAX_TRIALS && !env.stopped)
    env.limit(
      `${trials - MAX_TRIALS} values that may start a compressed stream (raw deflate, raw LZMA2, brotli) past the first ${MAX_TRIALS} of one container: not decoded, read as plain only`,
    );
  return found;
}

/** A document format's parse of a whole file: where it stopped, the end of its last whole document, its values. */
export interface ParsedWhole {
  end: number;
  whole: number;
  values: Iterable<HeldValue>;
}

/**
 * The open of a document format parsed whole (msgpack, CBOR, BSON): the file held up to `max` (its bytes read as plain
 * too, `gathered`), parsed, each value handed on (`valuesOnward`); a parse that stops before the file's end is named —
 * with `afterWhole`, only once a whole document was read (a file that matched the sniff by chance is plain bytes).
 */
export function parsedWhole(env: DecodeEnv, format: string, skip: number, max: number, parse: (file: Buffer) => ParsedWhole, afterWhole = false): Decoding {
  return gathered(env, {
    skip,
    max,
    over: () => undefined,
    read: async (file) => {
      const { end, whole, values } = parse(file);
      await valuesOnward(env, values);
      if (end < file.length && (!afterWhole || whole > 0) && !env.stopped)
        env.limit(`${format} that stops parsing at byte ${end} of ${file.length} (cut or damaged): the values after it read as plain only`);
    },
  });
}
