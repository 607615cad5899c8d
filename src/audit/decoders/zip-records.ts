/**
 * The records of a zip as they stream past (APPNOTE.TXT 4.3): local file headers with their zip64
 * sizes, data descriptors in their four spellings, and the fixed sizes of the records after the
 * last member (central directory entries, end records, the zip64 locator, the signature). Pure:
 * each function reads bytes already in hand and says what is there, or how many bytes it needs.
 */

export const LOCAL = 0x04034b50;
export const CENTRAL = 0x02014b50;
export const END = 0x06054b50;
export const END64 = 0x06064b50;
export const LOCATOR64 = 0x07064b50;
export const DESCRIPTOR = 0x08074b50;
/** A digital signature (after the central directory) and the archive extra data record (before it). */
export const SIGNATURE = 0x05054b50;
export const EXTRA_DATA = 0x08064b50;

/** Every record a zip holds after its members' data: what may follow a member. */
const RECORDS = new Set([LOCAL, CENTRAL, END, END64, LOCATOR64, SIGNATURE, EXTRA_DATA]);
export const isRecord = (b: Uint8Array, at: number) => b.length >= at + 4 && RECORDS.has(u32(b, at));

export const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
export const u32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
/** A 64-bit size as a number (exact below 2^53, which no zip in an image reaches). */
export const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 2 ** 32;

export interface LocalHeader {
  flags: number;
  method: number;
  /** The compressed size, undefined when a data descriptor after the data gives it (bit 3, no size here). */
  compressed: number | undefined;
  original: number | undefined;
  /** The name's bytes (UTF-8 when bit 11 says so or they are valid UTF-8, else read as Latin-1). */
  name: string;
  /** The header's length, name and extra field included: the data starts there. */
  length: number;
  /** The sizes are 64-bit (a zip64 extra field): so are the descriptor's, if any. */
  zip64: boolean;
  /** The CRC-32 of its content, when here rather than in a descriptor. */
  crc: number | undefined;
}

export const ENCRYPTED = 1;
export const HAS_DESCRIPTOR = 8;
const UTF8 = 0x800;
const MAX_NAME = 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The name as a zip tool meant it: UTF-8 if flagged or valid, else the bytes one by one. */
function nameOf(b: Uint8Array, flags: number): string {
  if (flags & UTF8) return Buffer.from(b).toString('utf8');
  try {
    return utf8.decode(b);
  } catch {
    return Buffer.from(b).toString('latin1');
  }
}

/** Bytes a local header at `at` needs in all: 30 until its lengths are in hand. */
export const localLength = (b: Uint8Array, at: number) => (b.length < at + 30 ? 30 : 30 + u16(b, at + 26) + u16(b, at + 28));

/** The local header at `at` (its whole length in hand: `localLength`). */
export function readLocal(b: Uint8Array, at: number): LocalHeader {
  const flags = u16(b, at + 6);
  const nameLength = u16(b, at + 26);
  const extraAt = at + 30 + nameLength;
  const extraEnd = extraAt + u16(b, at + 28);
  let compressed = u32(b, at + 18);
  let original = u32(b, at + 22);
  let zip64 = false;
  // The zip64 extra field (0x0001): in a local header it holds both sizes, the original first.
  for (let i = extraAt; i + 4 <= extraEnd; i += 4 + u16(b, i + 2)) {
    if (u16(b, i) !== 1) continue;
    const size = u16(b, i + 2);
    zip64 = true;
    if (size >= 16) [original, compressed] = [u64(b, i + 4), u64(b, i + 12)];
    else if (size >= 8 && original === 0xffffffff) original = u64(b, i + 4);
    else if (size >= 8 && compressed === 0xffffffff) compressed = u64(b, i + 4);
    break;
  }
  // With a descriptor the sizes here are zero (Java, Info-ZIP from a pipe) or, some tools, already right: zero is unknown.
  const later = (flags & HAS_DESCRIPTOR) !== 0 && compressed === 0;
  return {
    flags,
    method: u16(b, at + 8),
    compressed: later ? undefined : compressed,
    original: later ? undefined : original,
    name: nameOf(b.subarray(at + 30, extraAt), flags),
    length: extraEnd - at,
    zip64,
    crc: flags & HAS_DESCRIPTOR ? undefined : u32(b, at + 14),
  };
}

/** Methods a zip tool writes: stored, deflate, Deflate64, bzip2, LZMA, zstd, xz, AES (and the old ones, 1-6). */
const METHODS = new Set([0, 1, 2, 3, 4, 5, 6, 8, 9, 12, 14, 93, 95, 98, 99]);
/** Flag bits APPNOTE leaves unused or reserved (7-10, 12, 14, 15): no writer sets them. */
const RESERVED_FLAGS = 0xd780;

/**
 * Whether a local header that starts at `at` inside other bytes is a zip's (a self-extractor's
 * payload, an executable jar after its launch script) rather than `PK\3\4` by chance: a version
 * and method a zip tool writes, no reserved flag, a DOS date and time that can be, sizes a stored
 * member can have, a name of 1-1024 bytes without control characters, an extra field of whole
 * blocks (or zero padding, zipalign's). Bytes that fail are not a zip: no finding, no reading.
 */
export function isZipLocal(h: Uint8Array, at = 0): boolean {
  if (h.length < at + 30 || u32(h, at) !== LOCAL) return false;
  const flags = u16(h, at + 6);
  const method = u16(h, at + 8);
  if (u16(h, at + 4) > 63 || flags & RESERVED_FLAGS || !METHODS.has(method)) return false;
  if (!dosTime(u16(h, at + 10), u16(h, at + 12))) return false;
  const [compressed, original] = [u32(h, at + 18), u32(h, at + 22)];
  if (method === 0 && !(flags & (ENCRYPTED | HAS_DESCRIPTOR)) && compressed !== original) return false;
  const nameLength = u16(h, at + 26);
  if (nameLength === 0 || nameLength > MAX_NAME) return false;
  const name = h.subarray(at + 30, Math.min(h.length, at + 30 + nameLength));
  if (name.some((c) => c < 0x20 || c === 0x7f)) return false;
  return extraHolds(h, at + 30 + nameLength, u16(h, at + 28));
}

/**
 * A DOS time and date (hours < 24, minutes < 60, month 1-12, day 1-31), or both zero. The seconds field is any of
 * its 5 bits: APPNOTE's two-second steps stop at 29, but Erlang's zip module (every escript, rebar3's archives) packs
 * the seconds themselves into it, truncated — a member written at :30 or :31 has 30 or 31 there (the escript case
 * missed once in 30 CI runs, session 62).
 */
export function dosTime(time: number, date: number): boolean {
  if (time === 0 && date === 0) return true;
  const [m, h] = [(time >> 5) & 63, time >> 11];
  const [day, month] = [date & 31, (date >> 5) & 15];
  return m < 60 && h < 24 && day >= 1 && month >= 1 && month <= 12;
}

/** An extra field of `length` at `at` is whole blocks (id, size, data) ending at its end, then perhaps zeros (padding). */
function extraHolds(h: Uint8Array, at: number, length: number): boolean {
  const end = at + length;
  const seen = Math.min(end, h.length); // a field not all in hand is judged on what is
  let i = at;
  while (i + 4 <= seen && (u16(h, i) !== 0 || u16(h, i + 2) !== 0)) i += 4 + u16(h, i + 2);
  if (i >= seen) return i === end || (i > end ? false : seen < end);
  for (let k = i; k < seen; k++) if (h[k] !== 0) return false;
  return true;
}

/** What a member's data descriptor said, and how long it was. */
export interface Descriptor {
  length: number;
  crc: number;
}

/**
 * The data descriptor at `at` after a member whose data was `compressed` bytes (and decoded to
 * `original`, when known): with or without its signature, sizes of 32 or 64 bits — the one whose
 * compressed size is the data's, preferring one followed by a record (`tail`: the input ended
 * there). Undefined when none holds, 'more' when bytes are missing to tell.
 */
export function readDescriptor(b: Uint8Array, at: number, compressed: number, original: number | undefined, tail: boolean): Descriptor | 'more' | undefined {
  if (!tail && b.length < at + 28) return 'more';
  const signed = b.length >= at + 4 && u32(b, at) === DESCRIPTOR;
  // A CRC may spell the signature by chance: with it, the forms without it are tried as well.
  const forms: Array<[number, boolean]> = [
    [0, false],
    [0, true],
  ];
  if (signed) forms.unshift([4, false], [4, true]);
  let fallback: Descriptor | undefined;
  for (const [start, wide] of forms) {
    const length = start + (wide ? 20 : 12);
    if (b.length < at + length) continue;
    const c = wide ? u64(b, at + start + 4) : u32(b, at + start + 4);
    const o = wide ? u64(b, at + start + 4 + 8) : u32(b, at + start + 8);
    const want = wide ? compressed : compressed % 2 ** 32;
    if (c !== want || (original !== undefined && o !== (wide ? original : original % 2 ** 32))) continue;
    const found = { length, crc: u32(b, at + start) };
    if (isRecord(b, at + length) || b.length === at + length) return found;
    fallback ??= found;
  }
  return fallback;
}

/** Bytes a record after the members (`sig` at `at`) needs in all; -1 for a signature that is no such record. */
export function trailerLength(b: Uint8Array, at: number, sig: number): number {
  const need = (fixed: number, len: () => number) => (b.length < at + fixed ? fixed : fixed + len());
  switch (sig) {
    case CENTRAL:
      return need(46, () => u16(b, at + 28) + u16(b, at + 30) + u16(b, at + 32));
    case END:
      return need(22, () => u16(b, at + 20));
    case END64:
      return need(12, () => u64(b, at + 4));
    case LOCATOR64:
      return 20;
    case SIGNATURE:
      return need(6, () => u16(b, at + 4));
    case EXTRA_DATA:
      return need(8, () => u32(b, at + 4));
    default:
      return -1;
  }
}

/** A central directory entry's name (at `at`, whole) and whether it is encrypted. */
export function centralEntry(b: Uint8Array, at: number): { name: string; encrypted: boolean } {
  const flags = u16(b, at + 8);
  return { name: nameOf(b.subarray(at + 46, at + 46 + u16(b, at + 28)), flags), encrypted: (flags & ENCRYPTED) !== 0 };
}

/** A central directory entry at `at` as a zip tool writes one: a version and method it writes, a name of sane length. */
export function isZipCentral(b: Uint8Array, at: number): boolean {
  if (b.length < at + 46 || u32(b, at) !== CENTRAL) return false;
  const nameLength = u16(b, at + 28);
  return u16(b, at + 6) <= 63 && METHODS.has(u16(b, at + 10)) && nameLength > 0 && nameLength <= MAX_NAME;
}

/** An end record at `at` of a single-disk archive (disk numbers 0, or 0xFFFF for zip64). */
export const isZipEnd = (b: Uint8Array, at: number) =>
  b.length >= at + 22 && u32(b, at) === END && [0, 0xffff].includes(u16(b, at + 4)) && [0, 0xffff].includes(u16(b, at + 6));
