/**
 * Whether a brotli stream that fills a byte string exactly may start it: the stream's window, then its first meta-block's
 * whole header read as brotli's decoder reads it (RFC 7932 §9.2, decode.c) — block-switch codes and the first block
 * count of each category, NPOSTFIX and NDIRECT, the context modes and both context maps, then every prefix code of the
 * meta-block — each complex code's lengths filling its code space exactly (HUFFMAN_SPACE), each simple code's symbols
 * inside their alphabet and none twice, every context-map run inside the map, and all of it inside the bytes (a stream
 * that fills them cannot read past their end). Metadata and uncompressed meta-blocks are stepped over to the next.
 *
 * The cheap gate of the whole-value trial (value-streams.ts): a value of random bytes (an id, a hash, a UUID) passes the
 * first-code check of `trial.ts`'s `brotliHeadHolds` one time in five, and each such trial made and failed a native
 * engine (~80 µs); this pure read fails all but a few in ten thousand before any engine is touched.
 */
import { BAD, Bits, canonical, decode, fail, PAST, type Code } from './prefix-code.js';

/** Brotli's VarLenUint8 plus one: a count of block types or of trees, 1-256. */
function varLen(r: Bits): number {
  if (r.read(1) === 0) return 1;
  const n = r.read(3);
  return n === 0 ? 2 : (1 << n) + 1 + r.read(n);
}

/** The order in which a complex code's code-length code lengths are written. */
const CL_ORDER = [1, 2, 3, 4, 0, 5, 17, 6, 16, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/** A prefix code over `alphabet` symbols (§3.4, §3.5), failing where brotli's decoder fails on it. */
function prefixCode(r: Bits, alphabet: number): Code {
  const hskip = r.read(2);
  if (hskip === 1) {
    const width = 32 - Math.clz32(alphabet - 1);
    const n = r.read(2) + 1;
    const symbols: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = r.read(width);
      if (v >= alphabet || symbols.includes(v)) fail();
      symbols.push(v);
    }
    if (n === 1) return { counts: new Uint16Array(16), symbols };
    const shape =
      n === 4 && r.read(1) === 1
        ? [1, 2, 3, 3]
        : [
            [1, 1],
            [1, 2, 2],
            [2, 2, 2, 2],
          ][n - 2]!;
    // Codes of one length are ordered by symbol (decode.c BrotliBuildSimpleHuffmanTable).
    const order = symbols.map((s, i) => [shape[i]!, s] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return canonical(
      order.map(([l]) => l),
      (i) => order[i]![1],
    );
  }
  const clLengths = new Uint8Array(18);
  let space = 32;
  let codes = 0;
  for (let i = hskip; i < 18 && space > 0; i++) {
    const l = r.read(1) === 0 ? (r.read(1) === 0 ? 0 : 3) : r.read(1) === 0 ? 4 : r.read(1) === 0 ? 2 : r.read(1) === 0 ? 1 : 5;
    clLengths[CL_ORDER[i]!] = l;
    if (l === 0) continue;
    space -= 32 >> l;
    codes++;
  }
  if (codes !== 1 && space !== 0) fail();
  return canonical(symbolLengths(r, canonical(clLengths), alphabet));
}

/** The code lengths of a complex code's symbols, read with its code-length code until they fill the space (decode.c ReadSymbolCodeLengths). */
function symbolLengths(r: Bits, cl: Code, alphabet: number): Uint8Array {
  const lengths = new Uint8Array(alphabet);
  let symbol = 0;
  let prev = 8;
  let repeat = 0;
  let repeatLen = 0;
  let space = 32768;
  while (symbol < alphabet && space > 0) {
    const c = decode(r, cl);
    if (c < 16) {
      if (c !== 0) {
        lengths[symbol] = c;
        prev = c;
        space -= 32768 >> c;
      }
      repeat = 0;
      symbol++;
      continue;
    }
    const extra = c === 16 ? 2 : 3;
    const len = c === 16 ? prev : 0;
    if (repeatLen !== len) {
      repeat = 0;
      repeatLen = len;
    }
    const old = repeat;
    if (repeat > 0) repeat = (repeat - 2) << extra;
    repeat += r.read(extra) + 3;
    const delta = repeat - old;
    if (symbol + delta > alphabet) fail();
    if (len) lengths.fill(len, symbol, symbol + delta);
    if (len) space -= delta * (32768 >> len);
    symbol += delta;
  }
  if (space !== 0) fail();
  return lengths;
}

/** Extra bits of the 26 block-count codes. */
const COUNT_EXTRA = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 7, 8, 9, 10, 11, 12, 13, 24];

/** A context map of `size` entries over `trees` trees (§7.3). */
function contextMap(r: Bits, size: number, trees: number): void {
  const rleMax = r.read(1) === 1 ? r.read(4) + 1 : 0;
  const code = prefixCode(r, trees + rleMax);
  for (let i = 0; i < size;) {
    const s = decode(r, code);
    if (s === 0 || s > rleMax) i++;
    else {
      i += (1 << s) + r.read(s);
      if (i > size) fail();
    }
  }
  r.read(1); // IMTF
}

/** A compressed meta-block's header, after its length and ISUNCOMPRESSED. */
function compressedHeader(r: Bits): void {
  const types: number[] = [];
  for (let k = 0; k < 3; k++) {
    const n = varLen(r);
    types.push(n);
    if (n < 2) continue;
    prefixCode(r, n + 2);
    const count = prefixCode(r, 26);
    r.read(COUNT_EXTRA[decode(r, count)]!);
  }
  const npostfix = r.read(2);
  const ndirect = r.read(4) << npostfix;
  r.read(2 * types[0]!);
  const treesL = varLen(r);
  if (treesL >= 2) contextMap(r, 64 * types[0]!, treesL);
  const treesD = varLen(r);
  if (treesD >= 2) contextMap(r, 4 * types[2]!, treesD);
  for (let i = 0; i < treesL; i++) prefixCode(r, 256);
  for (let i = 0; i < types[1]!; i++) prefixCode(r, 704);
  for (let i = 0; i < treesD; i++) prefixCode(r, 16 + ndirect + (48 << npostfix));
}

/** The window (WBITS) — any an encoder writes, not the large window — then meta-blocks up to the first compressed one, whose header is read whole. */
function stream(r: Bits): boolean {
  if (r.read(1) === 1 && r.read(3) === 0 && r.read(3) === 1) return false;
  let gave = false;
  for (let blocks = 0; blocks < 64; blocks++) {
    const last = r.read(1) === 1;
    if (last && r.read(1) === 1) return gave; // ISLASTEMPTY: the stream ends
    const nibbles = r.read(2);
    if (nibbles === 3) {
      if (last || r.read(1) === 1) return false;
      const skip = r.read(2);
      let len = 0;
      for (let i = 0; i < skip; i++) len |= r.read(8) << (8 * i);
      if (skip > 1 && len >>> (8 * (skip - 1)) === 0) return false;
      if (r.read((8 - (r.pos & 7)) & 7) !== 0) return false;
      r.pos += 8 * (skip ? len + 1 : 0);
      continue;
    }
    let mlen = 0;
    let nibble = 0;
    for (let i = 0; i < nibbles + 4; i++) mlen += (nibble = r.read(4)) * 2 ** (4 * i);
    if (nibbles > 0 && nibble === 0) return false;
    if (!last && r.read(1) === 1) {
      if (r.read((8 - (r.pos & 7)) & 7) !== 0) return false;
      r.pos += 8 * (mlen + 1);
      if (r.pos > 8 * r.b.length) return false;
      gave = true;
      continue;
    }
    compressedHeader(r);
    return true;
  }
  return true;
}

/** Whether a brotli stream filling `bytes` exactly may start them (its first compressed meta-block's header holds, inside them). */
export function brotliValueHeadHolds(bytes: Uint8Array): boolean {
  try {
    return stream(new Bits(bytes));
  } catch (e) {
    if (e === PAST || e === BAD) return false;
    throw e;
  }
}
