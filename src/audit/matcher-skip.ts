/**
 * The automaton's root skips, found ahead of its walk (`Automaton.scanner`): a block of a chunk is
 * first read for the places where the root cannot skip the byte, and the walk, at the root, goes
 * straight to the next of them. The pairs' table (`rootSkips`) is read a word at a time: one 32-bit
 * load for four bytes, the table indexed little-endian so a word's low half is the pair at its
 * first byte. Where a pair goes on with a pattern, three bytes decide: if the byte, the next and
 * the one after begin no pattern (a filter of the patterns' first three bytes) and none of them is
 * a stop, the state after the three is the one after the last two alone, and the byte is skipped
 * too. On the bench's layers (20 values in all their forms) that leaves a third of the bytes the
 * walk stepped through, and the word loads halve the pair loop's cost. A block of PLACES_MIN bytes or more is read by
 * the same loop in WebAssembly (`runs-classify.wat`'s `places`, an instance of its own): a byte a step, without the
 * bounds checks, the pairs' table and the triples' in its memory.
 */
import { instance, type Exports } from './decoders/runs-classify.js';

/** The bytes a block holds: the places found ahead of the walk are kept per block, not per chunk. */
export const BLOCK = 8192;

/** Whether a word's first byte is its low byte (a big-endian host reads the pairs a byte at a time). */
const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** 2,048 words of bits by the hash of a pattern's first three bytes, then by byte: 1 never a stop, 2 no stop at the root. */
export const NO_TRIPLES = new Int32Array(2048 + 256);

function tripleHash(b0: number, b1: number, b2: number): number {
  return Math.imul((b0 << 16) | (b1 << 8) | b2, 0x9e3779b1) >>> 16;
}

/** The triples' filter of the patterns' first three bytes (a pattern shorter than 3: none, no byte is skipped by it). */
export function triples(patterns: ReadonlyArray<{ bytes: Uint8Array }>, stops: Uint8Array): Int32Array {
  if (patterns.some((p) => p.bytes.length < 3)) return NO_TRIPLES;
  const t = new Int32Array(2048 + 256);
  for (const { bytes: p } of patterns) {
    const h = tripleHash(p[0]!, p[1]!, p[2]!);
    t[h >>> 5]! |= 1 << (h & 31);
  }
  for (let b = 0; b < 256; b++) t[2048 + b] = (stops[b] === 0 ? 1 : 0) | ((stops[b]! & 2) === 0 ? 2 : 0);
  return t;
}

/**
 * Whether the root may skip the byte at `j` though its pair goes on with a pattern: the three bytes
 * from it begin none (so the state after them is the one after the last two from the root), the
 * first is no stop at the root and the others none at all (each is read, skipped or not, in a state
 * of its own: a stop would be told with another).
 */
function tripleSkips(t: Int32Array, chunk: Uint8Array, j: number, last: number): boolean {
  if (j + 2 > last) return false;
  const b0 = chunk[j]!;
  const b1 = chunk[j + 1]!;
  const b2 = chunk[j + 2]!;
  if ((t[2048 + b0]! & 2) === 0 || (t[2048 + b1]! & t[2048 + b2]! & 1) === 0) return false;
  const h = tripleHash(b0, b1, b2);
  return ((t[h >>> 5]! >>> (h & 31)) & 1) === 0;
}

const swapped = new WeakMap<Uint8Array, Uint8Array>();

/** The pairs' table indexed by next byte × byte: a little-endian word's low 16 bits index it. */
export function littleEndian(skip: Uint8Array): Uint8Array {
  let le = swapped.get(skip);
  if (le) return le;
  le = new Uint8Array(65536);
  for (let x = 0; x < 65536; x++) le[((x & 255) << 8) | (x >>> 8)] = skip[x]!;
  swapped.set(skip, le);
  return le;
}

let lastBuffer: ArrayBufferLike | undefined;
let lastWords: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

/** The whole of `chunk`'s buffer as 32-bit words (the last kept: chunks come from one buffer at a time). */
function wordsOf(chunk: Uint8Array): Uint32Array {
  if (chunk.buffer !== lastBuffer) {
    lastBuffer = chunk.buffer;
    lastWords = new Uint32Array(chunk.buffer, 0, Math.floor(chunk.buffer.byteLength / 4));
  }
  return lastWords;
}

export interface RootSkips {
  /** By byte × next byte, 1 where the root skips the byte (`Automaton.#skipTold`). */
  skip: Uint8Array;
  /** `skip` indexed by next byte × byte. */
  le: Uint8Array;
  /** The triples' filter (`triples`). */
  tri: Int32Array;
  /** Bytes that leave the root or are stopped at there: the chunk's last byte, whose next is unknown, is skipped only if not. */
  starts: Uint8Array;
}

/** Blocks shorter than this are read in JavaScript (a config field's scan: a call and a copy cost more). */
const PLACES_MIN = 256;
/** The module's memory: the tables of SLOTS scanners' skips (the pairs', the triples'), then a block and its places. */
const SLOT = 65536 + 9216;
const SLOTS = 4;
const INPUT = SLOT * SLOTS;
const OUTPUT = INPUT + BLOCK + 64;

/** The places' module, or null where WebAssembly is not; the skips in its slots, last used last. */
let placer: Exports | null | undefined;
const loaded: Array<{ le: Uint8Array; tri: Int32Array; at: number }> = [];

/** Where `s`'s tables are in the module's memory, copied there if they are not (into the slot used longest ago). */
function slotOf(m: Exports, s: RootSkips): number {
  for (let k = loaded.length - 1; k >= 0; k--) {
    const slot = loaded[k]!;
    if (slot.le !== s.le || slot.tri !== s.tri) continue;
    if (k !== loaded.length - 1) loaded.push(...loaded.splice(k, 1));
    return slot.at;
  }
  const at = loaded.length < SLOTS ? loaded.length * SLOT : loaded.shift()!.at;
  const memory = new Uint8Array(m.memory.buffer);
  memory.set(s.le, at);
  memory.set(new Uint8Array(s.tri.buffer, s.tri.byteOffset, s.tri.byteLength), at + 65536);
  loaded.push({ le: s.le, tri: s.tri, at });
  return at;
}

/**
 * Into `c`, in order, the places in [from, to) of `chunk` where the root cannot skip the byte,
 * then `to`: the count before it.
 */
export function rootPlaces(s: RootSkips, chunk: Uint8Array, from: number, to: number, c: Int32Array): number {
  if (to - from < PLACES_MIN || to - from > BLOCK) return rootPlacesRead(s, chunk, from, to, c);
  if (placer === undefined) {
    placer = instance();
    if (placer && placer.memory.buffer.byteLength < OUTPUT + 4 * (BLOCK + 1))
      placer.memory.grow(Math.ceil((OUTPUT + 4 * (BLOCK + 1) - placer.memory.buffer.byteLength) / 65536));
  }
  if (!placer) return rootPlacesRead(s, chunk, from, to, c);
  const at = slotOf(placer, s);
  const last = chunk.length - 1;
  // The block and the two bytes after it (a pair's second, a triple's third) where the chunk has them.
  new Uint8Array(placer.memory.buffer).set(chunk.subarray(from, Math.min(chunk.length, to + 2)), INPUT);
  let n = placer.places(INPUT, Math.min(to, last) - from, last - from, OUTPUT, from, at, at + 65536);
  c.set(new Int32Array(placer.memory.buffer, OUTPUT, n));
  if (to === chunk.length && to > from && s.starts[chunk[last]!] !== 0) c[n++] = last;
  c[n] = to;
  return n;
}

/** `rootPlaces` read in JavaScript, a word at a time (a short block, a host without WebAssembly; tests). */
export function rootPlacesRead(s: RootSkips, chunk: Uint8Array, from: number, to: number, c: Int32Array): number {
  const { skip, le, tri } = s;
  const last = chunk.length - 1;
  const pairsTo = Math.min(to, last);
  let n = 0;
  const p = chunk.byteOffset;
  let j = from;
  // Word indices as 32-bit integers: a chunk of a buffer past 2 GiB (none the audit makes) is read a byte at a time.
  if (LITTLE && p + chunk.length < 0x7fffffff) {
    for (; j < pairsTo && ((p + j) & 3) !== 0; j++) if (skip[(chunk[j]! << 8) | chunk[j + 1]!] === 0 && !tripleSkips(tri, chunk, j, last)) c[n++] = j;
    // Whole words while the next word (its first byte: the pair at the word's last byte) is in the chunk and the word in [from, to).
    if (j + 7 <= last && j + 4 <= to) {
      const words = wordsOf(chunk);
      let k = (p + j) >>> 2;
      const end = Math.min((p + last - 7) >>> 2, (p + to - 4) >>> 2);
      let w = words[k]!;
      // Two words a step while the second's next is in range: one test of eight pairs, the loop's own cost halved.
      for (; k + 1 <= end; k += 2) {
        const w2 = words[k + 1]!;
        const w3 = words[k + 2]!;
        const s0 = le[w & 0xffff]!;
        const s1 = le[(w >>> 8) & 0xffff]!;
        const s2 = le[w >>> 16]!;
        const s3 = le[(w >>> 24) | ((w2 & 0xff) << 8)]!;
        const s4 = le[w2 & 0xffff]!;
        const s5 = le[(w2 >>> 8) & 0xffff]!;
        const s6 = le[w2 >>> 16]!;
        const s7 = le[(w2 >>> 24) | ((w3 & 0xff) << 8)]!;
        if ((s0 & s1 & s2 & s3 & s4 & s5 & s6 & s7) === 0) {
          // The eight pairs' bits (1: not skipped), each then tried by its triple at one call site (inlined whatever the caller's size).
          let m = (s0 ^ 1) | ((s1 ^ 1) << 1) | ((s2 ^ 1) << 2) | ((s3 ^ 1) << 3) | ((s4 ^ 1) << 4) | ((s5 ^ 1) << 5) | ((s6 ^ 1) << 6) | ((s7 ^ 1) << 7);
          const at = (k << 2) - p;
          while (m !== 0) {
            const q = 31 - Math.clz32(m & -m);
            m &= m - 1;
            if (!tripleSkips(tri, chunk, at + q, last)) c[n++] = at + q;
          }
        }
        w = w3;
      }
      for (; k <= end; k++) {
        const w2 = words[k + 1]!;
        const s0 = le[w & 0xffff]!;
        const s1 = le[(w >>> 8) & 0xffff]!;
        const s2 = le[w >>> 16]!;
        const s3 = le[(w >>> 24) | ((w2 & 0xff) << 8)]!;
        if ((s0 & s1 & s2 & s3) === 0) {
          const at = (k << 2) - p;
          if (s0 === 0 && !tripleSkips(tri, chunk, at, last)) c[n++] = at;
          if (s1 === 0 && !tripleSkips(tri, chunk, at + 1, last)) c[n++] = at + 1;
          if (s2 === 0 && !tripleSkips(tri, chunk, at + 2, last)) c[n++] = at + 2;
          if (s3 === 0 && !tripleSkips(tri, chunk, at + 3, last)) c[n++] = at + 3;
        }
        w = w2;
      }
      j = (k << 2) - p;
    }
  }
  for (; j < pairsTo; j++) if (skip[(chunk[j]! << 8) | chunk[j + 1]!] === 0 && !tripleSkips(tri, chunk, j, last)) c[n++] = j;
  if (to === chunk.length && to > from && s.starts[chunk[last]!] !== 0) c[n++] = last;
  c[n] = to;
  return n;
}
