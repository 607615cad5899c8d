/**
 * MessagePack files: a map (or a run of maps: fluentd's buffer chunks, a cache's records) of str keys, its values
 * anything — a `bin` holding what an app compressed with brotli, raw deflate or raw LZMA2 (no magic number to find it
 * by). No magic either: told by structure — a map of one or more entries whose first key is a short str of printable
 * ASCII, and the first bytes parsing as MessagePack with no byte the format leaves unused. The file's bytes are read on
 * as plain content (text and streams with a magic number are found there as before); held up to MAX_FILE, it is parsed
 * whole and each str and bin value handed on to the magicless-stream trial (value-streams.ts `valuesOnward`), decoded
 * at its offset (`cache.msgpack@OFFSET!`). A file that stops parsing (cut, or damaged) is named.
 */
import { MIN_VALUE, parsedWhole, type HeldValue } from './value-streams.js';
import type { Decoder } from './types.js';

/** What is held to parse values: caches and buffer chunks are small; past it the file is read as plain only. */
export const MAX_FILE = 16 << 20;
/** Nesting deeper than this is not a file anyone writes: the parse stops there (an array of a million arrays). */
const MAX_DEPTH = 512;

/** The size of an item's head and the length of the bytes it carries (str, bin, ext), and how many items it holds (map, array). */
function head(b: Uint8Array, at: number): { size: number; bytes: number; items: number; raw: boolean } | undefined {
  const t = b[at];
  if (t === undefined) return undefined;
  const n = (k: number) => (at + k < b.length ? Buffer.from(b.buffer, b.byteOffset, b.length).readUIntBE(at + 1, k) : -1);
  if (t < 0x80 || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) return { size: 1, bytes: 0, items: 0, raw: false };
  if (t < 0x90) return { size: 1, bytes: 0, items: 2 * (t & 0x0f), raw: false };
  if (t < 0xa0) return { size: 1, bytes: 0, items: t & 0x0f, raw: false };
  if (t < 0xc0) return { size: 1, bytes: t & 0x1f, items: 0, raw: true };
  const fixed: Record<number, number> = { 0xca: 4, 0xcb: 8, 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8, 0xd0: 1, 0xd1: 2, 0xd2: 4, 0xd3: 8 };
  if (fixed[t]) return { size: 1 + fixed[t], bytes: 0, items: 0, raw: false };
  if (t >= 0xd4 && t <= 0xd8) return { size: 2, bytes: 1 << (t - 0xd4), items: 0, raw: false };
  const lengthed: Record<number, [number, number, boolean]> = {
    0xc4: [1, 0, true],
    0xc5: [2, 0, true],
    0xc6: [4, 0, true],
    0xd9: [1, 0, true],
    0xda: [2, 0, true],
    0xdb: [4, 0, true],
    0xc7: [1, 1, false],
    0xc8: [2, 1, false],
    0xc9: [4, 1, false],
  };
  const l = lengthed[t];
  if (l) return n(l[0]) < 0 ? undefined : { size: 1 + l[0] + l[1], bytes: n(l[0]), items: 0, raw: l[2] };
  const counted: Record<number, [number, number]> = { 0xdc: [2, 1], 0xdd: [4, 1], 0xde: [2, 2], 0xdf: [4, 2] };
  const c = counted[t];
  if (c) return n(c[0]) < 0 ? undefined : { size: 1 + c[0], bytes: 0, items: c[1] * n(c[0]), raw: false };
  return undefined; // 0xc1: never used
}

/**
 * Parses `b` as a run of MessagePack items from its start: where the parse stopped (b.length when whole), and every str
 * and bin with its offset, and where its last whole top-level item ended. A parse stops at a byte the format leaves unused, a length past the end, or MAX_DEPTH.
 */
export function parseMsgpack(b: Uint8Array): { end: number; whole: number; values: HeldValue[] } {
  const values: HeldValue[] = [];
  const left: number[] = [];
  let at = 0;
  let whole = 0;
  while (at < b.length) {
    const h = head(b, at);
    if (!h || at + h.size + h.bytes > b.length) break;
    if (h.raw && h.bytes >= MIN_VALUE) values.push({ bytes: b.subarray(at + h.size, at + h.size + h.bytes), at: at + h.size });
    at += h.size + h.bytes;
    if (left.length) left[left.length - 1]!--;
    if (h.items) {
      if (left.length >= MAX_DEPTH) break;
      left.push(h.items);
    }
    while (left.length && left.at(-1) === 0) left.pop();
    if (!left.length) whole = at;
  }
  return { end: at, whole, values };
}

/** A printable ASCII str of 1–64 bytes at `at` (fixstr or str8): the bytes it spans, or 0. */
function keyAt(h: Uint8Array, at: number): number {
  const t = h[at];
  const [len, from] = t !== undefined && t >= 0xa1 && t <= 0xbf ? [t & 0x1f, at + 1] : t === 0xd9 ? [h[at + 1] ?? 0, at + 2] : [0, 0];
  if (!len || len > 64 || from + len > h.length) return 0;
  for (let i = from; i < from + len; i++) if (h[i]! < 0x20 || h[i]! > 0x7e) return 0;
  return from + len - at;
}

/** Where the one item at `at` ends, or -1 when it does not parse within `b` (cut by its end, or an unused byte). */
function skipOne(b: Uint8Array, at: number): number {
  for (let left = 1; left > 0;) {
    const h = head(b, at);
    if (!h || h.items > b.length) return -1;
    at += h.size + h.bytes;
    if (at > b.length) return -1;
    left += h.items - 1;
  }
  return at;
}

/**
 * A map first (fixmap, map16 or map32 of one or more entries) whose keys in the head are short printable strs — four
 * characters at least among them, or the whole file in the head — and the head parsing with no unused byte. (One
 * printable key alone let 4 of 20,000 random heads through.)
 */
export function sniffMsgpack(h: Uint8Array): boolean {
  const t = h[0];
  const first = t !== undefined && t >= 0x81 && t <= 0x8f ? 1 : t === 0xde && (h[1] || h[2]) ? 3 : t === 0xdf && (h[1] || h[2] || h[3] || h[4]) ? 5 : 0;
  if (!first) return false;
  const { end } = parseMsgpack(h);
  if (!(end === h.length || (end > first && head(h, end) !== undefined))) return false;
  const entries = first === 1 ? t! & 0x0f : (head(h, 0)?.items ?? 0) / 2;
  let chars = 0;
  for (let at = first, n = 0; n < Math.min(8, entries) && at < h.length; n++) {
    const k = keyAt(h, at);
    if (!k) return false;
    chars += k - (h[at] === 0xd9 ? 2 : 1);
    at = skipOne(h, at + k);
    if (at < 0) break;
  }
  return chars >= 4 || end === h.length;
}

export const msgpack: Decoder = {
  name: 'MessagePack',
  sniff: sniffMsgpack,
  open: (env) => parsedWhole(env, 'MessagePack', 1, MAX_FILE, (file) => parseMsgpack(file)),
};
