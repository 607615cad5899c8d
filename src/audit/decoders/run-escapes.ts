/**
 * Encoded runs written through a text escape: base64 or hex inside a JSON string whose writer
 * escapes `+` as `\u002B` (System.Text.Json) or `/` as `\/` (PHP), inside XML with `&#43;`, inside
 * a URL with `%2B` and `%3D`. Before runs are looked for, each escape that makes a character of an
 * encoding's alphabet (or its `=` padding) is read as that character, so the run is whole again;
 * so is an escaped line break (`\n`, `\r\n`, `&#10;`, `&#xD;&#xA;`, `%0A`): base64 wrapped at 76
 * (Python's encodebytes, MIME, .NET's InsertLineBreaks) inside a JSON or XML string is one run. A hex literal's
 * `0x` (`0x4B00…`, SQL Server's varbinary of UTF-16) is left out: the run is hex, not base64.
 * Only the bytes that may begin an escape are looked at (Buffer.indexOf, native); a chunk with
 * none of them is passed on as it is.
 */
import { HEX } from '../escape-decoders.js';

/** Characters of base64, base64url, hex and base32, and the `=` padding. */
const RUN = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=') RUN[c.charCodeAt(0)] = 1;
/** The longest escape read here (`&#x0002B;` with a few leading zeros, `\u002B`). */
export const LONGEST = 12;
const TRIGGERS = [0x5c, 0x26, 0x25];

const hexAt = (b: Uint8Array, at: number, n: number): number => {
  if (at + n > b.length) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const h = HEX[b[at + k]!]!;
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
};

/** The escape at `at`: the character it makes and its length, or undefined (not one, or not a run's character). */
function escapeAt(b: Uint8Array, at: number): { byte: number; length: number } | undefined {
  const t = b[at];
  let byte = -1;
  let length = 0;
  if (t === 0x25) [byte, length] = [hexAt(b, at + 1, 2), 3];
  else if (t === 0x5c) {
    const k = b[at + 1];
    if (k === 0x75) [byte, length] = [hexAt(b, at + 2, 4), 6];
    else if (k === 0x78) [byte, length] = [hexAt(b, at + 2, 2), 4];
    else if (k === 0x2f) [byte, length] = [0x2f, 2];
    else if (k === 0x6e || k === 0x72) [byte, length] = [k === 0x6e ? 0x0a : 0x0d, 2];
  } else if (t === 0x26 && b[at + 1] === 0x23) {
    const hex = b[at + 2] === 0x78 || b[at + 2] === 0x58;
    let v = 0;
    let j = at + (hex ? 3 : 2);
    for (; j < b.length && j < at + LONGEST; j++) {
      const d = hex ? HEX[b[j]!]! : b[j]! >= 0x30 && b[j]! <= 0x39 ? b[j]! - 0x30 : -1;
      if (d < 0) break;
      v = v * (hex ? 16 : 10) + d;
    }
    if (b[j] === 0x3b && j > at + (hex ? 3 : 2)) [byte, length] = [v, j + 1 - at];
  }
  return byte >= 0 && byte < 256 && (RUN[byte] || byte === 0x0a || byte === 0x0d) ? { byte, length } : undefined;
}

/**
 * The two bytes each escape read here begins with, searched for natively: a run's characters are
 * 0x2B–0x7A, so a percent escape of one begins `%2`…`%7` (a `%` alone is met by chance every few
 * hundred bytes of binary content).
 */
const NEEDLES = ['%0', '%2', '%3', '%4', '%5', '%6', '%7', '\\u', '\\x', '\\/', '\\n', '\\r', '&#'];
/** A hex literal's prefix: searched whole (natively), not by its `0`, a digit text is full of. */
const LITERALS = [Buffer.from('0x'), Buffer.from('0X')];
/** The needles by their two bytes, and their first bytes: one native search per first byte (three, not thirteen passes over a chunk). */
const NEEDLE_PAIR = new Uint8Array(65536);
for (const n of NEEDLES) NEEDLE_PAIR[(n.charCodeAt(0) << 8) | n.charCodeAt(1)] = 1;
const NEEDLE_LEADS = [...new Set(NEEDLES.map((n) => n.charCodeAt(0)))];
/** Whitespace a wrapped run's lines are broken and indented with: it does not end a run's stretch. */
const SPACE = new Uint8Array(256);
for (const c of '\r\n\t ') SPACE[c.charCodeAt(0)] = 1;
/** Bytes of a stretch looked at either side of an escape: far enough to see a run's MIN_SHORT characters. */
const REACH = 64;

/**
 * Whether the escape at `at` sits in a stretch of at least `need` run
 * characters (escaped ones counted, whitespace and escaped line breaks passed over) — the shortest run that is routed; the
 * stretch before it counted back to `stop` (where the previous escape that joins it ended, whose
 * own stretch is `carried`). A stretch cut by the chunk's start or end may be longer: it counts.
 */
function inRun(b: Uint8Array, at: number, escape: { byte: number; length: number }, stop: number, carried: number, need: number): boolean {
  const { length } = escape;
  let n: number = RUN[escape.byte]!;
  let j = at - 1;
  for (; j >= Math.max(stop, at - REACH) && (RUN[b[j]!] || SPACE[b[j]!]); j--) n += RUN[b[j]!]!;
  if (j < 0) return true;
  if (j < stop) n += carried;
  for (j = at + length; j < b.length && j < at + length + REACH && n < need;) {
    if (RUN[b[j]!]) n++;
    else if (!SPACE[b[j]!]) {
      const e = escapeAt(b, j);
      if (!e) break;
      n += RUN[e.byte]!;
      j += e.length;
      continue;
    }
    j++;
  }
  return n >= need || j >= b.length;
}

/**
 * Whether the `0x` at `at` begins a hex literal of at least `need` digits (or one the chunk's end cuts): no run character
 * before it, and only hex digits after it up to its end.
 */
function hexLiteral(b: Uint8Array, at: number, need: number): boolean {
  if ((at > 0 && RUN[b[at - 1]!]) || at + 2 >= b.length) return false;
  let j = at + 2;
  while (j < b.length && HEX[b[j]!]! >= 0) j++;
  return j === b.length || (j - at - 2 >= need && !RUN[b[j]!]);
}

/**
 * `bytes` with each escape of a run's character read as that character (the same buffer when none
 * is): only escapes inside a stretch of run characters long enough to be routed (`need`) — in
 * binary content a `%4A` or `\/` met by chance is left as it is, and the chunk is not copied.
 */
export function unescapeRuns(bytes: Uint8Array, need: number): Uint8Array {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const at: number[] = [];
  for (const lead of NEEDLE_LEADS)
    for (let i = buf.indexOf(lead); i >= 0 && i + 1 < buf.length; i = buf.indexOf(lead, i + 1)) if (NEEDLE_PAIR[(lead << 8) | buf[i + 1]!]) at.push(i);
  for (const literal of LITERALS) for (let i = buf.indexOf(literal); i >= 0; i = buf.indexOf(literal, i + 2)) at.push(i);
  if (!at.length) return bytes;
  at.sort((x, y) => x - y);
  let out: Buffer | undefined;
  let w = 0;
  let r = 0;
  /** Where the last escape that counted ended, and the stretch of run characters up to it. */
  let end = -1;
  let carried = 0;
  for (const i of at) {
    if (i < r) continue;
    if (buf[i] === 0x30) {
      // A hex literal's `0x` (SQL Server's and MySQL's 0x…, Python's hex()): its `x` made the run base64's, and a hex run
      // of UTF-16 or of binary bytes, which no form of a value matches, was decoded as base64. Left out before a run.
      if (!hexLiteral(buf, i, need)) continue;
      out ??= Buffer.allocUnsafe(buf.length);
      w += buf.copy(out, w, r, i);
      r = i + 2;
      end = -1;
      continue;
    }
    const e = escapeAt(buf, i);
    if (!e || !inRun(buf, i, e, end, carried, need)) continue;
    // The stretch up to this escape, for the next one: what joins it before, this escape, and the previous stretch.
    let n: number = RUN[e.byte]!;
    let j = i - 1;
    for (; j >= Math.max(end, i - REACH) && (RUN[buf[j]!] || SPACE[buf[j]!]); j--) n += RUN[buf[j]!]!;
    // A stretch cut by the chunk's start may be longer (inRun lets it count): so may the next escape's that it joins —
    // `\/\/hgYMmUr"` held back at a chunk's end had its second `\/` left as it was, and the run lost its last 8 characters.
    carried = j < 0 ? need : n + (j < end ? carried : 0);
    end = i + e.length;
    out ??= Buffer.allocUnsafe(buf.length);
    w += buf.copy(out, w, r, i);
    out[w++] = e.byte;
    r = i + e.length;
  }
  if (!out) return bytes;
  w += buf.copy(out, w, r);
  return out.subarray(0, w);
}

/** Where to cut `bytes` so that no escape is cut: before a trigger in its last LONGEST bytes, or its end. */
export function safeEnd(bytes: Uint8Array): number {
  for (let i = Math.max(0, bytes.length - LONGEST); i < bytes.length; i++) if (TRIGGERS.includes(bytes[i]!)) return i;
  return bytes.length;
}
