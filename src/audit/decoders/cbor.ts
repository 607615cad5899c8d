/**
 * CBOR files (RFC 8949: cbor2.dumps, a COSE or WebAuthn store, a device's config blob): a map of text keys, its values
 * anything — a byte string holding what an app compressed with brotli, raw deflate or raw LZMA2 (no magic number to find
 * it by). Told by structure: the self-describe tag or none, then a map whose first key is a short printable text string,
 * the first bytes parsing as CBOR with no reserved additional information. The file's bytes are read on as plain content
 * (text and streams with a magic number are found there as before); held up to MAX_FILE, it is parsed whole and each
 * byte and text string (each chunk of an indefinite one) handed on to the magicless-stream trial (value-streams.ts
 * `valuesOnward`), decoded at its offset (`cfg.cbor@OFFSET!`). A file that stops parsing (cut or damaged) is named.
 */
import { MIN_VALUE, parsedWhole, type HeldValue } from './value-streams.js';
import type { Decoder } from './types.js';

export const MAX_FILE = 16 << 20;
const MAX_DEPTH = 512;
/** An indefinite-length container's count: ended by a break (0xff), not counted down. */
const OPEN = -1;

/** The head at `at`: its major type, its argument (a count or length; OPEN when indefinite), and the head's size; undefined when reserved or cut. */
function headAt(b: Uint8Array, at: number): { major: number; arg: number; size: number } | undefined {
  const first = b[at];
  if (first === undefined) return undefined;
  const major = first >> 5;
  const info = first & 0x1f;
  if (info < 24) return { major, arg: info, size: 1 };
  if (info === 31) return major >= 2 && major <= 5 ? { major, arg: OPEN, size: 1 } : undefined;
  if (info > 27) return undefined;
  const k = 1 << (info - 24);
  if (at + 1 + k > b.length) return undefined;
  const v = Buffer.from(b.buffer, b.byteOffset, b.length);
  const arg = k === 8 ? Number(v.readBigUInt64BE(at + 1)) : v.readUIntBE(at + 1, k);
  return { major, arg, size: 1 + k };
}

/**
 * Parses `b` as a run of CBOR items from its start: where the parse stopped (b.length when whole), where its last whole
 * top-level item ended, and every byte and text string (or chunk) with its offset. From `from`; `one`: the first item only.
 */
export function parseCbor(b: Uint8Array, from = 0, one = false): { end: number; whole: number; values: HeldValue[] } {
  const values: HeldValue[] = [];
  const left: number[] = [];
  let at = from;
  let whole = 0;
  while (at < b.length) {
    if (b[at] === 0xff) {
      if (left.at(-1) !== OPEN) break;
      at++;
      left.pop();
    } else {
      const h = headAt(b, at);
      if (!h || (h.major === 7 && h.size === 1 && h.arg >= 24 && h.arg < 32)) break;
      at += h.size;
      if (h.major === 6) continue; // a tag: the item after it stands in its place
      if ((h.major === 2 || h.major === 3) && h.arg !== OPEN) {
        if (at + h.arg > b.length) break;
        if (h.arg >= MIN_VALUE) values.push({ bytes: b.subarray(at, at + h.arg), at });
        at += h.arg;
      }
      const top = left.at(-1);
      if (top !== undefined && top !== OPEN) left[left.length - 1] = top - 1;
      const items = h.arg === OPEN ? OPEN : h.major === 4 ? h.arg : h.major === 5 ? 2 * h.arg : 0;
      if (items) {
        if (left.length >= MAX_DEPTH || items > b.length) break;
        left.push(items);
      }
    }
    while (left.length && left.at(-1) === 0) left.pop();
    if (!left.length) whole = at;
    if (one && !left.length) break;
  }
  return { end: at, whole, values };
}

/** A short printable text string at `at` (length in the head, 1–64): its size, or 0. */
function keyAt(h: Uint8Array, at: number): number {
  const t = h[at];
  const [len, from] = t !== undefined && t >= 0x61 && t <= 0x77 ? [t - 0x60, at + 1] : t === 0x78 ? [h[at + 1] ?? 0, at + 2] : [0, 0];
  if (!len || len > 64 || from + len > h.length) return 0;
  for (let i = from; i < from + len; i++) if (h[i]! < 0x20 || h[i]! > 0x7e) return 0;
  return from + len - at;
}

/**
 * The self-describe tag (0xd9d9f7) or none, a map of one or more entries (or indefinite) whose keys in the head are short
 * printable text strings — four characters at least among them, or the whole file in the head — the head parsing.
 */
export function sniffCbor(h: Uint8Array): boolean {
  const tag = h[0] === 0xd9 && h[1] === 0xd9 && h[2] === 0xf7 ? 3 : 0;
  const t = h[tag];
  const first =
    t === undefined ? 0 : t >= 0xa1 && t <= 0xb7 ? 1 : t === 0xb8 && h[tag + 1] ? 2 : t === 0xb9 && (h[tag + 1] || h[tag + 2]) ? 3 : t === 0xbf ? 1 : 0;
  if (!first) return false;
  const { end } = parseCbor(h);
  if (!(end === h.length || (end > tag + first && headAt(h, end) !== undefined))) return false;
  const entries = t === 0xbf ? 8 : (headAt(h, tag)?.arg ?? 0);
  let chars = 0;
  for (let at = tag + first, n = 0; n < Math.min(8, entries) && at < h.length && h[at] !== 0xff; n++) {
    const k = keyAt(h, at);
    if (!k) return false;
    chars += k - (h[at] === 0x78 ? 2 : 1);
    const value = parseCbor(h, at + k, true);
    if (value.whole <= at + k) break;
    at = value.whole;
  }
  return chars >= 4 || end === h.length;
}

export const cbor: Decoder = {
  name: 'CBOR',
  sniff: sniffCbor,
  open: (env) => parsedWhole(env, 'CBOR', 1, MAX_FILE, (file) => parseCbor(file)),
};
