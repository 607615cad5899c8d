/**
 * The classify pass of the encoded runs' scanner (`runs-scan.ts`): which bytes of a chunk are characters of a family's
 * alphabet and where a run of at least `min` of them starts, as bit masks made sixteen bytes a step with WebAssembly
 * SIMD (`runs-classify.wat`). The scanner then goes from run to run by the masks' words — a word of 32 bytes read at
 * once — instead of probing the bytes with its table: in text, where nearly every probe lands in a word and walks it
 * both ways, that walk was the scanner's largest cost, once per family (base64's and three base85 families').
 *
 * A table with a character of 0x80 or more, or 0, cannot be classified this way (the nibble tables hold ASCII only):
 * its scanner reads the bytes as before. So does every scanner where WebAssembly is not there.
 *
 * The same module holds the other passes of the audit's searches: the text notations' candidates (`candidateMask`),
 * the embedded streams' magic numbers (`tripleCandidates`) and the matcher's root places (`places`, used by
 * `matcher-skip.ts` in an instance of its own).
 */
import { CLASSIFY_WASM } from './runs-classify-wasm.js';

export interface Exports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  members(input: number, words: number, out: number): void;
  runs(from: number, to: number, words: number, min: number): void;
  candidates(input: number, blocks: number, out: number): void;
  triples(input: number, blocks: number, out: number): void;
  places(input: number, count: number, last: number, out: number, base: number, le: number, tri: number): number;
}

/** The global WebAssembly (the project's TypeScript libraries do not declare it). */
const WebAssembly = (
  globalThis as unknown as {
    WebAssembly?: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: unknown } };
  }
).WebAssembly;

let compiled: Exports | null | undefined;
let module: object | null | undefined;

/** An instance of the module (its own memory), or null where it cannot be made. */
export function instance(): Exports | null {
  if (module === undefined) {
    try {
      if (!WebAssembly) throw new Error('no WebAssembly');
      module = new WebAssembly.Module(Buffer.from(CLASSIFY_WASM, 'base64'));
    } catch {
      module = null;
    }
  }
  return module && WebAssembly ? (new WebAssembly.Instance(module).exports as unknown as Exports) : null;
}

/** The module the passes here share, made at the first use (1 KiB: well under a millisecond), or null where it cannot be. */
function wasm(): Exports | null {
  if (compiled === undefined) compiled = instance();
  return compiled;
}

/** Where the input is in the module's memory (the nibble tables before it). */
const INPUT = 256;
/**
 * Chunks shorter than this are read byte by byte: the call and the copies cost more than they save on a short text of
 * few runs (four families over the bench's JS-like text in 600-byte pieces: 1.49 ms byte by byte, 1.91 classified; at
 * 1 KiB 1.07 and 1.20; from 2 KiB on the pass is ahead), though not on real text (Debian's CPAN.pm: ahead from 600 bytes).
 */
export const MIN_CLASSIFIED = 1024;
/** The bytes classified at a time (a multiple of 64): the module's memory holds one window, its next 64 bytes and masks. */
export const WINDOW = 65536;

/** A chunk's masks: bit j of word k of `members` is whether byte 32k + j is a character of the family (0 past the chunk's
 * end); bit p of `runs`, whether bytes p .. p + min - 1 all are (a run of at least `min` starts there). */
export interface Masks {
  members: Uint32Array;
  runs: Uint32Array;
}

/**
 * Masks given back (`release`), used again: a scanner holds its chunk's only while it reads the chunk. Made for each
 * chunk, they were two arrays of a quarter of the chunk's size per scanner and chunk, garbage at once (four scanners
 * for each file of a layer): +5-9 MiB of peak RSS on two of the bench's layers. At most as many are out as scans are
 * under way at once — one per level of nesting.
 */
const FREE: Masks[] = [];

/** Masks whose words are `words` at least. */
function masksOf(words: number): Masks {
  for (let k = FREE.length - 1; k >= 0; k--) {
    const m = FREE[k]!;
    if (m.members.length < words) continue;
    FREE.splice(k, 1);
    return m;
  }
  const size = Math.max(words, 2048);
  return { members: new Uint32Array(size), runs: new Uint32Array(size) };
}

/** Masks a scanner is done with. */
export function release(masks: Masks): void {
  FREE.push(masks);
}

const made = new WeakMap<Uint8Array, Map<number, Classifier>>();

/** The classify pass of a table and `min`, made once: a scanner is made for each content, four for a text's. */
export function classifierOf(table: Uint8Array, min: number): Classifier {
  let byMin = made.get(table);
  if (!byMin) made.set(table, (byMin = new Map()));
  let c = byMin.get(min);
  if (!c) byMin.set(min, (c = new Classifier(table, min)));
  return c;
}

/** One family's classify pass. */
export class Classifier {
  readonly #lo = new Uint8Array(16);
  readonly #hi = new Uint8Array(16);
  /** Whether this family's table can be classified here (ASCII only, `min` within a word, WebAssembly there). */
  readonly usable: boolean;

  constructor(
    readonly table: Uint8Array,
    readonly min: number,
  ) {
    let ascii = table[0] === 0;
    for (let c = 0; c < 256; c++) {
      if (!table[c]) continue;
      if (c >= 0x80) ascii = false;
      else {
        // A character is LO[c & 15] & HI[c >> 4] != 0: one bit per high nibble.
        this.#lo[c & 15]! |= 1 << (c >> 4);
        this.#hi[c >> 4] = 1 << (c >> 4);
      }
    }
    this.usable = ascii && min >= 2 && min <= 64 && wasm() !== null;
  }

  /**
   * The masks of `bytes` (give them back with `release`), or undefined when they were not classified (read them byte
   * by byte). A window of WINDOW bytes at a time, with the next 64 after it, so the module's memory stays small.
   */
  classify(bytes: Uint8Array): Masks | undefined {
    const n = bytes.length;
    if (!this.usable || n < MIN_CLASSIFIED) return undefined;
    const w = wasm()!;
    const masks = masksOf(((n + 63) >>> 6) * 2 + 2);
    for (let at = 0; at < n; at += WINDOW) {
      const length = Math.min(WINDOW + 64, n - at);
      const words = Math.ceil(length / 64);
      const membersAt = INPUT + words * 64;
      const runsAt = membersAt + (words + 1) * 8;
      const need = runsAt + (words + 1) * 8;
      if (w.memory.buffer.byteLength < need) w.memory.grow(Math.ceil((need - w.memory.buffer.byteLength) / 65536));
      const memory = new Uint8Array(w.memory.buffer);
      memory.set(this.#lo, 0);
      memory.set(this.#hi, 16);
      memory.set(bytes.subarray(at, at + length), INPUT);
      memory.fill(0, INPUT + length, membersAt);
      w.members(INPUT, words, membersAt);
      w.runs(membersAt, runsAt, words, this.min);
      // Copied out: a run routed while the chunk is scanned is scanned itself, and its classify pass uses the same memory.
      // A window before the last gives its WINDOW bytes' words; the last, all of its words and the zero word after them.
      const kept = at + WINDOW < n ? WINDOW >>> 5 : (words + 1) * 2;
      masks.members.set(new Uint32Array(w.memory.buffer, membersAt, kept), at >>> 5);
      masks.runs.set(new Uint32Array(w.memory.buffer, runsAt, kept), at >>> 5);
    }
    return masks;
  }
}

/** The most classes of pairs the candidates' pass tells apart: a bit each in its tables' bytes. */
const CLASSES = 8;

/** A class of pairs: first bytes, each before any of the second bytes. */
interface PairClass {
  firsts: number[];
  seconds: number[];
}

/**
 * The bytes `LO[c & 15] & HI[c >> 4]` holds when each of `bytes` sets its nibbles' bit (a superset of them), as the two
 * nibbles' sets: bit `c & 15` of `lo` and bit `c >> 4` of `hi` for each byte.
 */
interface Span {
  lo: number;
  hi: number;
}
const spanOf = (bytes: number[]): Span => {
  let [lo, hi] = [0, 0];
  for (const c of bytes) [lo, hi] = [lo | (1 << (c & 15)), hi | (1 << (c >> 4))];
  return { lo, hi };
};
const bitCount = (w: number): number => {
  let n = 0;
  for (; w !== 0; w &= w - 1) n++;
  return n;
};
/** The byte pairs of a sample and how often each stands in it. */
interface Bigrams {
  pairs: Int32Array;
  counts: Int32Array;
}
/**
 * The pairs a class lets through the pass, and how often they stand in `sample` (its byte pairs' counts). Nibble sets,
 * not sets of bytes: the merges' search tries every two classes at every step (a Set of 256 bytes made for each try
 * took 160 ms of every process's first text).
 */
function passed(k: PairClass, sample: Bigrams): { pairs: number; seen: number } {
  const [f, s] = [spanOf(k.firsts), spanOf(k.seconds)];
  let seen = 0;
  const { pairs, counts } = sample;
  for (let i = 0; i < pairs.length; i++) {
    const a = pairs[i]! >> 8;
    const b = pairs[i]! & 255;
    if ((f.lo >> (a & 15)) & (f.hi >> (a >> 4)) & (s.lo >> (b & 15)) & (s.hi >> (b >> 4)) & 1) seen += counts[i]!;
  }
  return { pairs: bitCount(f.lo) * bitCount(f.hi) * bitCount(s.lo) * bitCount(s.hi), seen };
}

/** Whether costs `a` come before `b` (the first that differs decides). */
const before = (a: number[], b: number[]): boolean => {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! < b[k]!;
  return false;
};

/**
 * The pairs' classes: one for each first byte (its second bytes); over CLASSES, the two whose merge lets through the
 * fewest more byte pairs of `sample` (common text: a JSON line's `",` is no `'s` of prose), then the fewest more pairs,
 * then whose second bytes differ least, merged — until CLASSES are left (a merged class passes each of its first bytes
 * before each of its second bytes).
 */
function pairClasses(pairs: ReadonlyArray<readonly [number, number]>, sample: Uint8Array): PairClass[] {
  const byFirst = new Map<number, Set<number>>();
  for (const [a, b] of pairs) byFirst.set(a, (byFirst.get(a) ?? new Set()).add(b));
  const classes: PairClass[] = [...byFirst].map(([a, seconds]) => ({ firsts: [a], seconds: [...seconds] }));
  const counted = new Map<number, number>();
  for (let i = 0; i + 1 < sample.length; i++) counted.set((sample[i]! << 8) | sample[i + 1]!, (counted.get((sample[i]! << 8) | sample[i + 1]!) ?? 0) + 1);
  const bigrams: Bigrams = { pairs: Int32Array.from(counted.keys()), counts: Int32Array.from(counted.values()) };
  // Each class's own figures, kept while it stands (a merge makes a new class).
  const own = new Map<PairClass, { pairs: number; seen: number }>();
  const ownOf = (k: PairClass) => own.get(k) ?? own.set(k, passed(k, bigrams)).get(k)!;
  while (classes.length > CLASSES) {
    let best = { i: 0, j: 1, cost: [Infinity] };
    for (let i = 0; i < classes.length; i++)
      for (let j = i + 1; j < classes.length; j++) {
        const [a, b] = [classes[i]!, classes[j]!];
        const seconds = [...new Set([...a.seconds, ...b.seconds])];
        const [m, x, y] = [passed({ firsts: [...a.firsts, ...b.firsts], seconds }, bigrams), ownOf(a), ownOf(b)];
        const cost = [m.seen - x.seen - y.seen, m.pairs - x.pairs - y.pairs, 2 * seconds.length - a.seconds.length - b.seconds.length];
        if (before(cost, best.cost)) best = { i, j, cost };
      }
    const [a, b] = [classes[best.i]!, classes[best.j]!];
    classes.splice(best.j, 1);
    classes[best.i] = { firsts: [...a.firsts, ...b.firsts], seconds: [...new Set([...a.seconds, ...b.seconds])] };
  }
  return classes;
}

/**
 * The tables of `candidateMask` for the one-byte searches' bytes `single` and the pair searches `pairs` (ASCII bytes;
 * 0 and bytes from 0x80 on cannot be held: undefined then). A pair's first byte and its second are told by classes
 * (`pairClasses`, fitted to `sample`), so a first byte passes before its own pairs' second bytes, not before every
 * pair's: with one set of first bytes and one of second bytes, `{` (of `{}`, `{+`) before a blank (of `" `) and `"`
 * before `,` (of `',`) were candidates — twice a line of the bench's JavaScript, once at every JSON line's end.
 */
export function candidateTables(single: Uint8Array, pairs: ReadonlyArray<readonly [number, number]>, sample: Uint8Array): Uint8Array | undefined {
  const t = new Uint8Array(96);
  for (let c = 0; c < 256; c++) {
    if (!single[c]) continue;
    if (c === 0 || c >= 0x80) return undefined;
    t[c & 15]! |= 1 << (c >> 4);
  }
  for (let h = 0; h < 8; h++) t[16 + h] = 1 << h;
  for (const [a, b] of pairs) if (a === 0 || a >= 0x80 || b === 0 || b >= 0x80) return undefined;
  pairClasses(pairs, sample).forEach(({ firsts, seconds }, k) => {
    for (const a of firsts) {
      t[32 + (a & 15)]! |= 1 << k;
      t[48 + (a >> 4)]! |= 1 << k;
    }
    for (const b of seconds) {
      t[64 + (b & 15)]! |= 1 << k;
      t[80 + (b >> 4)]! |= 1 << k;
    }
  });
  return t;
}

/**
 * The text notations' searches' candidates (`text-triggers.ts`), sixteen bytes a step: bit j of word k of the mask
 * given back (0 past the end) is set when byte 32k + j of `bytes` is in the one-byte set, or is a first byte of a class
 * of pairs and the byte after it one of the class's second bytes (a superset of the pairs searched for: each candidate
 * is checked after).
 * Undefined where WebAssembly is not there. The mask is the module's memory: read it before the module is called again.
 */
export function candidateMask(tables: Uint8Array, bytes: Uint8Array): Uint32Array | undefined {
  const w = wasm();
  if (!w) return undefined;
  const n = bytes.length;
  const blocks = Math.ceil(n / 32) * 2;
  const outAt = INPUT + blocks * 16 + 16;
  const need = outAt + blocks * 2 + 8;
  if (w.memory.buffer.byteLength < need) w.memory.grow(Math.ceil((need - w.memory.buffer.byteLength) / 65536));
  const memory = new Uint8Array(w.memory.buffer);
  memory.set(tables, 0);
  memory.set(bytes, INPUT);
  memory.fill(0, INPUT + n, outAt);
  w.candidates(INPUT, blocks, outAt);
  return new Uint32Array(w.memory.buffer, outAt, blocks >>> 1);
}

/** The lowest set bit's index of a word that has one. */
const lowest = (w: number) => 31 - Math.clz32(w & -w);

/**
 * `nextRun` (`runs-scan.ts`) read from the masks of the `n` bytes classified: from `from` on, the first segment of
 * characters at least `min` long (from `from`: one begun before is cut there) into `found`; else the segment that
 * reaches the end, when the last byte is a character; else `n` twice.
 */
export function nextRunClassified(
  c: Classifier,
  { runs, members }: Masks,
  bytes: Uint8Array,
  from: number,
  found: { start: number; end: number },
): { start: number; end: number } {
  const n = bytes.length;
  const { table } = c;
  if (from < n) {
    const words = (n + 31) >>> 5;
    let k = from >>> 5;
    let w = runs[k]! & (-1 << (from & 31));
    while (w === 0 && ++k < words) w = runs[k]!;
    if (w !== 0) {
      const start = (k << 5) + lowest(w);
      // Its end: the first byte that is no character from `min` on (the mask is 0 past `n`).
      let at = start + c.min;
      k = at >>> 5;
      let z = ~members[k]! & (-1 << (at & 31));
      while (z === 0) z = ~members[++k]!;
      at = (k << 5) + lowest(z);
      found.start = start;
      found.end = Math.min(at, n);
      return found;
    }
    if (table[bytes[n - 1]!]) {
      let start = n - 1;
      while (start > from && table[bytes[start - 1]!]) start--;
      found.start = start;
      found.end = n;
      return found;
    }
  }
  found.start = found.end = n;
  return found;
}

/**
 * A class of needles for `tripleTables`: the nibbles of the bytes that may stand first, second and third, as the tables
 * keep them — per place, a mask of the low nibbles and one of the high (a needle of two: every byte third).
 */
type TripleClass = readonly number[];
/** Every byte: all 16 nibbles, low and high. */
const ALL_NIBBLES = 0xffff;

/** The triples (a share of all 2^24) a class lets through the pass: at each place, its low nibbles × its high. */
const passedTriples = (k: TripleClass): number =>
  (bitCount(k[0]!) * bitCount(k[1]!) * bitCount(k[2]!) * bitCount(k[3]!) * bitCount(k[4]!) * bitCount(k[5]!)) / 2 ** 24;

/**
 * The tables of `tripleCandidates` for needles of two bytes or more: a class for each needle's first three bytes (a
 * needle of two: any third), merged two at a time — those whose merge lets the fewest more triples through — until
 * CLASSES are left. Random bytes pass where a class's first, second and third bytes all stand: on the embedded streams'
 * 26 magic numbers, about one place in 4,000 (1,069 in 4 MiB). Classes are nibble masks (a union is an OR), where
 * lists of bytes made into Sets at every pair tried took 44 ms of every audit's start (embedded.ts's tables).
 */
export function tripleTables(needles: ReadonlyArray<Uint8Array>): Uint8Array {
  const unique = new Map<string, TripleClass>();
  const nibbles = (c: number) => [1 << (c & 15), 1 << (c >> 4)];
  for (const n of needles) {
    if (n.length < 2) throw new Error('a needle of one byte has no triple');
    const k = [...nibbles(n[0]!), ...nibbles(n[1]!), ...(n.length > 2 ? nibbles(n[2]!) : [ALL_NIBBLES, ALL_NIBBLES])];
    unique.set(k.join(), k);
  }
  const classes = [...unique.values()];
  const union = (a: TripleClass, b: TripleClass): TripleClass => a.map((m, i) => m | b[i]!);
  while (classes.length > CLASSES) {
    let best = { i: 0, j: 1, cost: Infinity };
    for (let i = 0; i < classes.length; i++)
      for (let j = i + 1; j < classes.length; j++) {
        const cost = passedTriples(union(classes[i]!, classes[j]!)) - passedTriples(classes[i]!) - passedTriples(classes[j]!);
        if (cost < best.cost) best = { i, j, cost };
      }
    classes[best.i] = union(classes[best.i]!, classes[best.j]!);
    classes.splice(best.j, 1);
  }
  const t = new Uint8Array(96);
  classes.forEach((k, c) => {
    for (let i = 0; i < 3; i++)
      for (let x = 0; x < 16; x++) {
        if (k[2 * i]! & (1 << x)) t[32 * i + x]! |= 1 << c;
        if (k[2 * i + 1]! & (1 << x)) t[32 * i + 16 + x]! |= 1 << c;
      }
  });
  return t;
}

/** Where the triples' tables are in the module's memory. */
const TRIPLES_AT = 96;

/**
 * Into `out`, ascending, the places of `bytes` where a needle of `tripleTables` may start: where the classes of the byte,
 * the next and the one after share one (a superset of the needles' places: each is checked after; a needle of two bytes
 * at the last pair passes, the byte after it read as 0). Sixteen bytes a step, a window of WINDOW bytes at a time (the
 * module's memory stays small whatever the chunk). False where WebAssembly is not there (`out` untouched).
 */
export function tripleCandidates(tables: Uint8Array, bytes: Uint8Array, out: number[]): boolean {
  const w = wasm();
  if (!w) return false;
  const n = bytes.length;
  for (let at = 0; at < n; at += WINDOW) {
    const length = Math.min(WINDOW, n - at);
    const blocks = Math.ceil(length / 32) * 2;
    const outAt = INPUT + blocks * 16 + 16;
    const need = outAt + blocks * 2 + 8;
    if (w.memory.buffer.byteLength < need) w.memory.grow(Math.ceil((need - w.memory.buffer.byteLength) / 65536));
    const memory = new Uint8Array(w.memory.buffer);
    memory.set(tables, TRIPLES_AT);
    // The window and the two bytes after it (a needle's second and third), zeros past the content's end.
    const read = Math.min(length + 2, n - at);
    memory.set(bytes.subarray(at, at + read), INPUT);
    memory.fill(0, INPUT + read, outAt);
    w.triples(INPUT, blocks, outAt);
    const mask = new Uint32Array(w.memory.buffer, outAt, blocks >>> 1);
    for (let k = 0; k < mask.length; k++) {
      let m = mask[k]!;
      while (m !== 0) {
        const p = (k << 5) + lowest(m);
        m &= m - 1;
        if (p >= length) break;
        out.push(at + p);
      }
    }
  }
  return true;
}
