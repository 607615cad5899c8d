/**
 * Cap'n Proto messages in the packed encoding (`capnp encode --packed`, `writePackedMessage`: what services write to
 * disk and sockets to save space): each 8-byte word behind a tag byte whose bits say which of its bytes are not zero
 * (those follow; zero bytes are dropped), a tag of 0 followed by a count of further zero words, a tag of 0xFF by its
 * 8 bytes and a count of words copied as they are. A Text field's bytes are cut by a tag every 8 bytes, or by a count:
 * not in the file as one run. No magic number: told by structure (`STRUCTURE_ONLY`) — the first word unpacks to a
 * segment table (a segment count below 64, a first segment of at most 2^20 words), the second to a root struct pointer (offset 0)
 * that fits that segment, and the head is not text; then the whole content must unpack into messages whose
 * segment tables account for every word, or the claim was a chance and nothing is said. The file is gathered (at most
 * 64 MiB), its plain read written on beside; the unpacked messages are written at `file!`.
 */
import { gathered } from './gathered.js';
import type { Decoder } from './types.js';

const MAX_WORDS = 1 << 20;

/** Unpacks packed words from `src` (up to `maxWords`): the bytes, and whether the input ended exactly after a word. */
function unpack(src: Uint8Array, maxWords: number): { out: Uint8Array; whole: boolean; full?: boolean } {
  let out = new Uint8Array(Math.min(maxWords * 8, Math.max(64, src.length * 2)));
  let i = 0;
  let o = 0;
  const cut = () => ({ out: out.subarray(0, o), whole: false });
  const full = () => ({ out: out.subarray(0, o), whole: false, full: true });
  /** Room for `n` more bytes (the buffer doubled as needed), false past `maxWords`. */
  const room = (n: number) => {
    if (o + n > maxWords * 8) return false;
    if (o + n > out.length) {
      const grown = new Uint8Array(Math.min(maxWords * 8, Math.max(out.length * 2, o + n)));
      grown.set(out.subarray(0, o));
      out = grown;
    }
    return true;
  };
  while (i < src.length) {
    const tag = src[i++]!;
    if (!room(8)) return full();
    for (let b = 0; b < 8; b++) {
      if (!(tag & (1 << b))) out[o + b] = 0;
      else if (i < src.length) out[o + b] = src[i++]!;
      else return cut();
    }
    o += 8;
    if (tag !== 0 && tag !== 0xff) continue;
    if (i >= src.length) return cut();
    const n = src[i++]!;
    if (!room(n * 8)) return full();
    if (tag === 0) out.fill(0, o, o + n * 8);
    else {
      if (i + n * 8 > src.length) return cut();
      out.set(src.subarray(i, i + n * 8), o);
      i += n * 8;
    }
    o += n * 8;
  }
  return { out: out.subarray(0, o), whole: true };
}

const u32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** The words of one message's segment table at `at` of `u` and the message's whole length in bytes; -1 when it is not one. */
function messageLength(u: Uint8Array, at: number): number {
  if (at + 8 > u.length) return -1;
  const count = u32(u, at) + 1;
  if (count > 64) return -1;
  const table = Math.ceil((4 * (count + 1)) / 8) * 8;
  if (at + table > u.length) return -1;
  let words = 0;
  for (let k = 0; k < count; k++) words += u32(u, at + 4 + 4 * k);
  return words === 0 || words > MAX_WORDS * 64 ? -1 : table + words * 8;
}

/** Whether the head's first two words unpack to a segment table and a root pointer that fits the first segment. */
export function isCapnpPacked(h: Uint8Array): boolean {
  if (h.length < 8) return false;
  // One segment (a count of 0: the first 4 bytes zero) whose size's low byte is set (the tag's bits 0-3 clear, bit 4
  // set; a blanked first byte, the plain read's, is a space: bit 5 alone, not claimed again).
  if ((h[0]! & 0x1f) !== 0x10) return false;
  // Text is not packed Cap'n Proto: its tag bytes and counts are mostly control bytes.
  let printable = 0;
  const n = Math.min(h.length, 64);
  for (let i = 0; i < n; i++) if ((h[i]! >= 0x20 && h[i]! < 0x7f) || h[i] === 0x0a || h[i] === 0x0d || h[i] === 0x09) printable++;
  if (printable === n) return false;
  const { out } = unpack(h.subarray(0, 64), 2);
  if (out.length < 16) return false;
  const count = u32(out, 0) + 1;
  const first = u32(out, 4);
  if (count > 64 || first === 0 || first > MAX_WORDS || (count === 1 && out[0] !== 0)) return false;
  if (count > 1) return false;
  // The root pointer: a struct pointer with offset 0 (a builder lays the root struct right after it) whose data and
  // pointer words fit the segment.
  const lo = u32(out, 8);
  const size = (out[12]! | (out[13]! << 8)) + (out[14]! | (out[15]! << 8));
  return lo === 0 && size > 0 && 1 + size <= first;
}

export const capnpPacked: Decoder = {
  name: "packed Cap'n Proto message",
  sniff: isCapnpPacked,
  open: (env) =>
    gathered(env, {
      skip: 1,
      // A file the sniff claimed (a segment table and a root pointer that fits it) too large to gather: said, as a
      // message that unpacks past the bound is — its Text fields are cut by tag bytes, not in its plain read as one run.
      over: (e, max) => e.limit(`a packed Cap'n Proto message over ${max} bytes, which the audit does not gather`),
      read: async (file) => {
        const { out, whole, full } = unpack(file, 8 * MAX_WORDS);
        if (full) return env.limit(`a packed Cap'n Proto file that unpacks past ${64 * MAX_WORDS} bytes, which the audit does not read`);
        if (!whole) return;
        // Every word accounted for by the messages' segment tables, or a chance claim: nothing said.
        for (let at = 0; at < out.length;) {
          const len = messageLength(out, at);
          if (len < 0 || at + len > out.length) return;
          at += len;
        }
        if (!env.allow(out.length)) return;
        const sink = env.open();
        await sink.write(out);
        await sink.end();
      },
    }),
};
