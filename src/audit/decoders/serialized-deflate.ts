/**
 * Raw deflate inside a serialized value: a language's own serialization holding bytes that were deflated with no
 * header — PHP's `gzdeflate` in a session or a cache entry (`s:N:"…"`), Ruby's `Zlib::Deflate.new(level, -15)` in a
 * `Marshal.dump`, Node's `zlib.deflateRawSync` in a `v8.serialize`, Python's `zlib.compressobj(wbits=-15)` in a
 * pickle, Java's `Deflater(level, true)` in an `ObjectOutputStream`'s byte[], a bytes constant of a Python module compiled to `.pyc`
 * (or `marshal.dump`). A zlib or gzip stream there is found by
 * its magic (embedded.ts); raw deflate has none, and whole-content raw deflate (deflate-raw.ts) reads only a stream at
 * a file's first byte. These files are told by their own header (pickle protocol 2–5, Marshal 4.8, V8's serializer,
 * Java's 0xACED, a PHP session or serialized value; a Python `.pyc` or `marshal.dump`, serialized-marshal.ts), gathered (at most MAX_FILE), their bytes read on as plain, and
 * every offset after the header tried where the bytes before it declare a length (`lengthsBefore`): a first deflate block whose header holds (`deflateHeaderHolds`), no code a
 * fixed block cannot have (`fixedBlockFails`), a head that inflates to 32 bytes of text or more, then the whole stream
 * from there, which must end exactly where the length says and give text — written to `FILE@OFFSET!`, as a stream found inside is
 * named. A value must give text or one of these serializations (a Marshal dump deflated inside another): another binary
 * value deflated is not claimed, as deflate-raw.ts does not claim one.
 */
import { isUtf8 } from 'node:buffer';
import { constants, inflateRawSync } from 'node:zlib';
import { gathered } from './gathered.js';
import { mayHoldStream, otherValue, valuesOnward } from './value-streams.js';
import { marshalValues, pythonMarshal } from './serialized-marshal.js';
import { deflateHeaderHolds, fixedBlockFails } from './native.js';
import { DEFLATE_MAX_RATIO, TRIAL_CHUNK, startsWith, trial, type DecodeEnv, type Decoder } from './types.js';

/** What is gathered at most: sessions, cache entries and dumps are small; past it the file is named. */
export const MAX_FILE = 16 << 20;
/** What one value may give at most (the bounds still count every byte). */
const MAX_VALUE = 64 << 20;
/** The head a trial inflates first: enough for 32 bytes of text from any first block. */
const HEAD = 1024;
/** The least text a trial must give to be taken for a deflated value. */
const MIN_TEXT = 32;
/** The least text a damaged value must give first (a chance stream at a mark gives a few bytes of text, then fails). */
const DAMAGED_TEXT = 256;
/** The first symbols of a fixed-code block that must be text literals (`fixedOpensText`). */
const FIRST_TEXT = 8;

/** Pickle opcodes protocol 2 and 3 dumps begin with: EMPTY_DICT, EMPTY_LIST, EMPTY_TUPLE, MARK, GLOBAL, BINUNICODE, BINBYTES and ints. */
const PICKLE_FIRST = new Set([0x7d, 0x5d, 0x29, 0x28, 0x63, 0x58, 0x43, 0x42, 0x4b, 0x4a, 0x4d, 0x8c]);
const PHP_SESSION = /^[A-Za-z0-9_.-]{1,64}\|(?:a:\d+:\{|s:\d+:"|O:\d+:"|i:-?\d+;|b:[01];|d:)/;
const PHP_VALUE = /^(?:a:\d+:\{|O:\d+:"[A-Za-z_\\]|s:\d+:")/;

/** The serializations read here, by their first bytes. */
export function serializedFormat(h: Uint8Array): string | undefined {
  if (h.length < 4) return undefined;
  // Protocol 4 and 5 frame what follows (FRAME); 2 and 3 begin with a container, a global or a short value.
  if (h[0] === 0x80 && (h[1] === 4 || h[1] === 5) && h[2] === 0x95) return 'a Python pickle';
  if (h[0] === 0x80 && (h[1] === 2 || h[1] === 3) && PICKLE_FIRST.has(h[2]!)) return 'a Python pickle';
  if (h[0] === 0x04 && h[1] === 0x08 && h[2]! >= 0x22 && h[2]! <= 0x7d) return 'a Ruby Marshal dump';
  if (h[0] === 0xff && h[1]! >= 0x0d && h[1]! <= 0x0f && (h[2] === 0x6f || h[2] === 0x5c || h[2] === 0x41 || h[2] === 0x42)) return "V8's serializer";
  if (startsWith(h, [0xac, 0xed, 0x00, 0x05])) return 'a Java serialization stream';
  if (pythonMarshal(h)) return 'a Python marshal';
  const text = Buffer.from(h.subarray(0, 96)).toString('latin1');
  if (PHP_SESSION.test(text) || PHP_VALUE.test(text)) return 'a PHP serialization';
  return undefined;
}

/** Text with no control byte but tab and line breaks, and UTF-8 (a sequence cut at the end aside). */
function isText(out: Uint8Array): boolean {
  for (const b of out) if ((b < 0x20 && b !== 9 && b !== 10 && b !== 13) || b === 0x7f) return false;
  for (let cut = 0; cut <= 3 && cut < out.length; cut++) if (isUtf8(out.subarray(0, out.length - cut))) return true;
  return false;
}

/** What a deflated value must give: text, or a serialization read here (a Marshal dump deflated inside another). */
const shows = (out: Uint8Array) => isText(out) || serializedFormat(out) !== undefined;

/**
 * Whether a damaged stream's text is more than one back-reference repeated: 16 different bytes at least. A chance mark's
 * trial inside text often decodes a distance-1 match — `FBGGGG…`, 258 of one letter at a time — past DAMAGED_TEXT before
 * it fails (4 of Babel's 6 largest locale files, pickles of a thousand names, each named "not fully audited").
 */
function varied(out: Uint8Array, n: number): boolean {
  const seen = new Uint8Array(256);
  let kinds = 0;
  for (let i = 0; i < n && kinds < 16; i++) {
    if (seen[out[i]!]) continue;
    seen[out[i]!] = 1;
    kinds++;
  }
  return kinds >= 16;
}

/** How many bytes `out` begins with that are text (no control byte but tab and line breaks): a damaged stream's good part. */
function textPrefix(out: Uint8Array): number {
  let n = 0;
  while (n < out.length && ((out[n]! >= 0x20 && out[n] !== 0x7f) || out[n] === 9 || out[n] === 10 || out[n] === 13)) n++;
  return n;
}

/**
 * Whether a fixed-code block at `at` opens with text: its first symbols (up to FIRST_TEXT) literals of text bytes, or a
 * copy after three of them. Read in JavaScript: a zlib trial at every offset of a file (an inflate context each, ~0.1 ms)
 * was most of the cost; random bytes pass about once in 3,000.
 */
function fixedOpensText(b: Buffer, at: number): boolean {
  let pos = (at << 3) + 3;
  const end = b.length << 3;
  const bit = () => (pos < end ? (b[pos >> 3]! >> (pos++ & 7)) & 1 : -1);
  for (let n = 0; n < FIRST_TEXT; n++) {
    let c = 0;
    for (let i = 0; i < 7; i++) c = (c << 1) | bit();
    if (c < 0) return false;
    if (c <= 23) return n >= 3 && c !== 0; // a length code (a copy) after three literals; 256 (the block's end) is no text
    c = (c << 1) | bit();
    let lit: number;
    if (c >= 48 && c <= 191) lit = c - 48;
    else if (c >= 192 && c <= 199) return n >= 3;
    else lit = 144 + ((c << 1) | bit()) - 400;
    if (!(lit === 9 || lit === 10 || lit === 13 || (lit >= 0x20 && lit < 0x7f) || lit >= 0xc2)) return false;
  }
  return true;
}

/** Whether a deflate stream of text may start at `at`: its header, no impossible fixed code, a head inflating to text. */
function startsText(b: Buffer, at: number): boolean {
  const type = (b[at]! >> 1) & 3;
  if (type === 3 || (type === 1 && !fixedOpensText(b, at)) || !deflateHeaderHolds(b, at)) return false;
  const end = Math.min(b.length, at + HEAD);
  if (type === 1 && fixedBlockFails(b, at, end)) return false;
  const head = b.subarray(at, end);
  const part = trial(() => inflateRawSync(head, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 1 << 16, chunkSize: TRIAL_CHUNK }));
  return part instanceof Buffer && part.length >= MIN_TEXT && (shows(part.subarray(0, Math.min(part.length - 4, 4096))) || textPrefix(part) >= DAMAGED_TEXT);
}

/** The whole stream at `at`: what it gives and the bytes it took, when it reaches its end mark and gives text. */
function wholeStream(b: Buffer, at: number): { out: Buffer; took: number } | undefined {
  const got = trial(
    () => inflateRawSync(b.subarray(at), { info: true, maxOutputLength: MAX_VALUE }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } },
  );
  if (!got || typeof got !== 'object' || !('buffer' in got)) return undefined;
  const out = got.buffer;
  if (out.length < MIN_TEXT || !shows(out.subarray(0, Math.min(out.length, 4096)))) return undefined;
  return { out, took: got.engine.bytesWritten };
}

/** A LEB128 varint ending at `end` (exclusive): its value and where it starts, or undefined. */
function varintBefore(b: Buffer, end: number): { v: number; start: number } | undefined {
  if (end < 1 || b[end - 1]! >= 0x80) return undefined;
  let start = end - 1;
  while (start > end - 5 && start > 0 && b[start - 1]! >= 0x80) start--;
  let v = 0;
  for (let j = end - 1; j >= start; j--) v = v * 128 + (b[j]! & 0x7f);
  return { v, start };
}

/**
 * The lengths the bytes just before `at` declare for a byte string starting there, each behind its format's own mark:
 * pickle's SHORT_BINBYTES (`C`, one byte), BINBYTES (`B`, 4 little-endian) and BYTES8/BYTEARRAY8 (8); a Ruby Marshal
 * string (`"`, then its integer: a byte n+5 below 128, or a count and that many bytes); V8's ArrayBuffer (`B`, a varint)
 * and Node's Buffer host object (`\`, a varint, the length's varint); a Java byte[] (its class descriptor's end `p`,
 * or a reference `q` and handle, then 4 bytes big-endian); PHP's `s:N:"`. Only there is a stream tried: a byte compare
 * at each offset, and the value taken only where its stream ends exactly where the length says.
 */
export function lengthsBefore(b: Buffer, at: number): number[] {
  const out: number[] = [];
  if (at >= 2 && b[at - 2] === 0x43) out.push(b[at - 1]!);
  if (at >= 5 && b[at - 5] === 0x42) out.push(b.readUInt32LE(at - 4));
  if (at >= 9 && (b[at - 9] === 0x8e || b[at - 9] === 0x96) && b.readUInt32LE(at - 4) === 0) out.push(b.readUInt32LE(at - 8));
  if (at >= 2 && b[at - 2] === 0x22 && b[at - 1]! > 5 && b[at - 1]! < 128) out.push(b[at - 1]! - 5);
  for (let c = 1; c <= 3; c++) if (at >= c + 2 && b[at - c - 2] === 0x22 && b[at - c - 1] === c) out.push(b.readUIntLE(at - c, c));
  const len = varintBefore(b, at);
  if (len && len.start >= 1 && b[len.start - 1] === 0x42) out.push(len.v);
  const kind = len && varintBefore(b, len.start);
  if (len && kind && kind.start >= 1 && b[kind.start - 1] === 0x5c) out.push(len.v);
  if (at >= 5 && (b[at - 5] === 0x70 || (at >= 9 && b[at - 9] === 0x71 && b[at - 8] === 0x00 && b[at - 7] === 0x7e))) out.push(b.readUInt32BE(at - 4));
  if (at >= 4 && b[at - 1] === 0x22 && b[at - 2] === 0x3a) {
    const php = /s:(\d{1,9}):"$/.exec(b.subarray(Math.max(0, at - 14), at).toString('latin1'));
    if (php) out.push(Number(php[1]));
  }
  return out.filter((n) => n >= 16);
}

/**
 * What inflates of a stream that runs to the file's end with no error and no end mark (a file cut inside it): every
 * byte left taken. A chance stream in other bytes fails, or ends, long before.
 */
function partStream(b: Buffer, at: number): Buffer | undefined {
  const rest = b.subarray(at);
  if (trial(() => inflateRawSync(rest, { maxOutputLength: MAX_VALUE, chunkSize: TRIAL_CHUNK })) instanceof Buffer) return undefined;
  const part = trial(
    () =>
      inflateRawSync(rest, { info: true, finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: MAX_VALUE }) as unknown as {
        buffer: Buffer;
        engine: { bytesWritten: number };
      },
  );
  if (!part || typeof part !== 'object' || !('buffer' in part) || part.engine.bytesWritten !== rest.length) return undefined;
  return part.buffer.length >= MIN_TEXT && shows(part.buffer.subarray(0, 4096)) ? part.buffer : undefined;
}

async function write(env: DecodeEnv, at: number, out: Buffer): Promise<boolean> {
  if (!env.allow(out.length)) return false;
  const sink = env.openAt(`${env.path}@${at}!`);
  await sink.write(out);
  await sink.end();
  return true;
}

/** PHP's `s:…:"` before `at` with its digits garbled (a byte set): a mark whose length cannot be read. */
const phpMarkBefore = (b: Buffer, at: number): boolean =>
  at >= 4 && b[at - 1] === 0x22 && b[at - 2] === 0x3a && /s:[^:";]{1,9}:"$/.test(b.subarray(Math.max(0, at - 14), at).toString('latin1'));

/**
 * What inflates at `at` up to where the stream fails (the longest prefix of `b` from there that inflates with no error,
 * by halving), when it is text of DAMAGED_TEXT bytes or more.
 */
function damagedStream(b: Buffer, at: number, need: number): { out: Buffer; took: number } | undefined {
  const inflated = (end: number) => trial(() => inflateRawSync(b.subarray(at, end), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: MAX_VALUE }));
  let [lo, hi] = [at, b.length];
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    if (inflated(mid) instanceof Buffer) lo = mid;
    else hi = mid;
  }
  const out = inflated(lo);
  if (!(out instanceof Buffer)) return undefined;
  const text = textPrefix(out);
  return text >= need && varied(out, text) ? { out, took: lo - at } : undefined;
}

/** Pickle opcodes that follow a bytes value: MEMOIZE, BINPUT, LONG_BINPUT, STOP, SETITEM(S), APPEND(S), TUPLE1–3. */
const AFTER_PICKLED = new Set([0x94, 0x71, 0x72, 0x2e, 0x73, 0x75, 0x65, 0x61, 0x85, 0x86, 0x87]);

/** V8 serializer tags that follow a value in an object or array: a one- or two-byte string key, an object's or array's end, a small integer. */
const AFTER_V8 = new Set([0x22, 0x63, 0x7b, 0x24, 0x40, 0x49, 0x55]);

/** Whether `e` is where the format's next item begins: PHP's `";`, a pickle opcode or a V8 tag that follows a value. */
const endsItem = (b: Buffer, e: number, format: string): boolean => {
  if (e >= b.length) return false;
  if (format === 'a PHP serialization') return b[e] === 0x22 && b[e + 1] === 0x3b;
  return (format === 'a Python pickle' ? AFTER_PICKLED : format === "V8's serializer" ? AFTER_V8 : new Set<number>()).has(b[e]!);
};

type Value = { out: Buffer; took: number; damaged?: boolean } | { cut: Buffer };

/**
 * The value at `at`: a declared length its stream fills exactly (`took`), or one past the file's end (`cut`); or, the
 * stream or its mark damaged (a length byte set, PHP's digits garbled, a byte set inside the stream), the text its
 * stream gives up to its end or its failure, when that is DAMAGED_TEXT bytes or more (`damaged`).
 */
function valueAt(b: Buffer, at: number, format: string): Value | undefined {
  const lengths = lengthsBefore(b, at);
  if (!(lengths.length || phpMarkBefore(b, at)) || !startsText(b, at)) return undefined;
  for (const n of lengths.filter((l) => at + l <= b.length)) {
    const value = wholeStream(b.subarray(0, at + n), at);
    if (value && value.took === n) return value;
  }
  // A mark whose length ends where the format's next item begins is the value's own: MIN_TEXT of text is enough there.
  const need = lengths.some((n) => endsItem(b, at + n, format)) ? MIN_TEXT : DAMAGED_TEXT;
  const whole = wholeStream(b, at);
  if (whole && whole.out.length >= need && varied(whole.out, Math.min(whole.out.length, 4096))) return { ...whole, damaged: true };
  const rest = b.length - at;
  if (!whole && !(rest >= 64 && lengths.some((l) => l > rest && l <= rest * 16))) {
    const part = damagedStream(b, at, need);
    return part && { ...part, damaged: true };
  }
  // Cut: a declared length past the end, but not far past it (a file cut short, not a chance number); 64 bytes left at least.
  if (rest < 64 || !lengths.some((l) => l > rest && l <= rest * 16)) return undefined;
  const cut = partStream(b, at);
  return cut && { cut };
}

/** A byte string at `at` holding raw LZMA2 or brotli that fills a length declared before it exactly; undefined, not awaited, where none may. */
function otherAt(b: Buffer, at: number): Promise<{ out: Buffer; took: number } | undefined> | undefined {
  if (!mayHoldStream(b, at)) return undefined;
  const lengths = lengthsBefore(b, at).filter((n) => n >= 8 && at + n <= b.length);
  if (!lengths.length) return undefined;
  return (async () => {
    for (const n of lengths) {
      const out = await otherValue(b, at, n, shows);
      if (out) return { out, took: n };
    }
    return undefined;
  })();
}

/**
 * The deflated values of `file` (its first `from` bytes the header), each written to `PATH@OFFSET!`; a value cut by the
 * file's end (its head inflating to text, its stream running to the end with no error) is written as far as it inflates
 * and named.
 */
export async function readValues(env: DecodeEnv, file: Buffer, from: number, format: string): Promise<number> {
  let found = 0;
  for (let at = from; at + 8 <= file.length && !env.stopped; at++) {
    let value: ReturnType<typeof valueAt> = valueAt(file, at, format);
    // Raw LZMA2 or brotli filling a declared length (value-streams.ts): awaited only where one may start and a length is marked.
    const other = value ? undefined : otherAt(file, at);
    if (other) value = await other;
    if (!value) continue;
    if ('cut' in value) {
      if (await write(env, at, value.cut)) env.limit(`a raw deflate value at byte ${at} of ${format} cut by the file's end: read up to there`);
      return found + 1;
    }
    if (!(await write(env, at, value.out))) break;
    if (value.damaged) env.limit(`a damaged raw deflate value at byte ${at} of ${format} (its stream or its length mark): read as far as it inflates`);
    found++;
    at += value.took - 1;
  }
  return found;
}

export const serializedDeflate: Decoder = {
  name: 'serialized values',
  sniff: (h) => serializedFormat(h) !== undefined,
  maxRatio: DEFLATE_MAX_RATIO,
  open(env) {
    let format = 'a serialization';
    return gathered(env, {
      at: (first) => {
        format = serializedFormat(first) ?? format;
        return 0;
      },
      skip: 2,
      max: MAX_FILE,
      // Past it the file is still read as plain (a zlib or gzip value found by its magic); a pickled model of many MiB is
      // not named for raw deflate it almost never holds.
      over: () => undefined,
      // Python's marshal: each bytes value handed on whole (serialized-marshal.ts), not scanned at every offset.
      read: async (file) => void (format === 'a Python marshal' ? await valuesOnward(env, marshalValues(file)) : await readValues(env, file, 2, format)),
    });
  },
};
