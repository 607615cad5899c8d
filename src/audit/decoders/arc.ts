/**
 * SEA ARC archives (`.arc`: `arc a` of ARC 5.x, still packaged by distributions, and legacy vendor install bundles).
 * Each member: the mark 0x1A, a method byte (0 ends the archive), a 13-byte NUL-padded name, the packed size, a
 * DOS date and time, a CRC-16 and (methods 2 and up) the original size, all little-endian; then the packed bytes.
 * `arc a` packs each file by whichever of its methods comes out smallest: 2 stored, 3 packed (runs of a byte as
 * 0x90 and a count), 4 squeezed (Huffman over the packed bytes, the tree stored first), 8 crunched (the packed bytes
 * LZW-coded as compress 4.0 codes them: a first byte naming the widest code, 12; codes from 9 bits, 256 clearing
 * the table) and 9 squashed (LZW to 13 bits, no packing). No other decoder reads these, and none of them leaves text
 * whole but stored. Read here: the archive gathered up to MAX_IN bytes (a larger one is named), each member decoded
 * at the end into at most MAX_OUT bytes and written as a member of its own; a method not read, or a member that does
 * not decode to its size, is named.
 */
import { Lzw, LzwError } from './compress.js';
import { gathered } from './gathered.js';
import type { Decoder, DecodeEnv } from './types.js';
import { dosTime } from './zip-records.js';

const MAX_IN = 64 << 20;
const MAX_OUT = 64 << 20;
const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

interface Member {
  method: number;
  name: string;
  packed: number;
  size: number;
  /** Where its packed bytes start. */
  data: number;
}

/** The member header at `at`: undefined when it is not one (or is the end mark, method 0). */
export function arcMember(b: Uint8Array, at: number): Member | undefined {
  if (at + 2 > b.length || b[at] !== 0x1a || b[at + 1] === 0 || b[at + 1]! > 9) return undefined;
  const method = b[at + 1]!;
  const head = method === 1 ? 25 : 29;
  if (at + head > b.length) return undefined;
  let n = 0;
  while (n < 13 && b[at + 2 + n] !== 0) {
    const c = b[at + 2 + n]!;
    if (c < 0x21 || c > 0x7e || c === 0x2f || c === 0x5c) return undefined;
    n++;
  }
  if (n === 0 || n === 13) return undefined;
  // the name as strncpy leaves it: NUL-padded to 13 bytes
  for (let i = n; i < 13; i++) if (b[at + 2 + i] !== 0) return undefined;
  const packed = u32(b, at + 15);
  const size = method === 1 ? packed : u32(b, at + 25);
  const date = u16(b, at + 19);
  // a DOS date and time as zip's are checked (month 1–12, day 1–31, hours below 24, minutes below 60), not both zero
  if (date === 0 || !dosTime(u16(b, at + 21), date)) return undefined;
  // arc keeps a method's output only when it is no larger than the file (else it stores it)
  if ((method <= 2 && packed !== size) || packed > size || size > 0x7fffffff) return undefined;
  return { method, name: Buffer.from(b.subarray(at + 2, at + 2 + n)).toString('latin1'), packed, size, data: at + head };
}

/** ARC's packing reversed: 0x90 then a count repeats the byte before count−1 more times (count 0: a literal 0x90). */
export function unpackRuns(src: Uint8Array, max: number): Buffer {
  const out = Buffer.alloc(Math.min(max, Math.max(64, src.length * 4)));
  let o = 0;
  let last = 0;
  let grown = out;
  const put = (b: number) => {
    if (o >= grown.length) {
      if (grown.length >= max) throw new LzwError('more than the member holds');
      const next = Buffer.alloc(Math.min(max, grown.length * 2));
      grown.copy(next);
      grown = next;
    }
    grown[o++] = b;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c !== 0x90) put((last = c));
    else if (i + 1 < src.length) {
      const count = src[++i]!;
      if (count === 0) put((last = 0x90));
      else for (let k = 1; k < count; k++) put(last);
    }
  }
  return grown.subarray(0, o);
}

/** Squeezed: a node count, the nodes (two signed 16-bit children; −1−v a leaf of value v, 256 the end), then bits LSB first. */
function unsqueeze(src: Uint8Array, max: number): Buffer {
  if (src.length < 2) throw new LzwError('a squeezed member cut short');
  const nodes = u16(src, 0);
  if (nodes > 256 || 2 + nodes * 4 > src.length) throw new LzwError('a squeezed member whose tree cannot be read');
  const tree = new Int16Array(nodes * 2);
  for (let i = 0; i < nodes * 2; i++) tree[i] = (u16(src, 2 + i * 2) << 16) >> 16;
  const out: number[] = [];
  if (nodes === 0) return Buffer.alloc(0);
  for (let pos = (2 + nodes * 4) * 8, node = 0; pos < src.length * 8; pos++) {
    node = tree[node * 2 + ((src[pos >> 3]! >> (pos & 7)) & 1)]!;
    if (node >= nodes) throw new LzwError('a squeezed code past the tree');
    if (node < 0) {
      const v = -1 - node;
      if (v === 256) break;
      if (out.length >= max) throw new LzwError('more than the member holds');
      out.push(v);
      node = 0;
    }
  }
  return Buffer.from(out);
}

/** LZW as compress 4.0 codes it (block mode), widest code `bits`, at most `max` bytes out. */
function unlzw(src: Uint8Array, bits: number, max: number): Buffer {
  const lzw = new Lzw(0x80 | bits);
  lzw.feed(src);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const more = lzw.run();
    const piece = lzw.take();
    parts.push(piece);
    total += piece.length;
    if (total > max) throw new LzwError('more than the member holds');
    if (!more) break;
  }
  return Buffer.concat(parts);
}

/** A member's bytes decoded by its method; undefined for a method this does not read. Throws LzwError on damage. */
export function arcDecode(method: number, packed: Uint8Array, size: number): Buffer | undefined {
  const max = Math.min(MAX_OUT, size);
  /** The packed (0x90) bytes before runs are undone: a literal 0x90 takes two. */
  const runs = 2 * max + 64;
  if (method === 1 || method === 2) return Buffer.from(packed);
  if (method === 3) return unpackRuns(packed, max);
  if (method === 4) return unpackRuns(unsqueeze(packed, runs), max);
  if (method === 8) {
    if (packed[0] !== 12) throw new LzwError('a crunched member whose widest code is not 12 bits');
    return unpackRuns(unlzw(packed.subarray(1), 12, runs), max);
  }
  if (method === 9) return unlzw(packed, 13, max);
  return undefined;
}

const METHODS: Record<number, string> = { 5: 'crunched (ARC 4.0)', 6: 'crunched (ARC 4.1)', 7: 'crunched (ARC 4.6)' };

export const arc: Decoder = {
  name: 'ARC archive',
  sniff: (h) => {
    const m = arcMember(h, 0);
    if (!m) return false;
    const next = m.data + m.packed;
    // the next header (or the end mark) where the head shows it
    return next + 2 > h.length || (h[next] === 0x1a && (h[next + 1] === 0 || arcMember(h, next) !== undefined));
  },
  open(env: DecodeEnv) {
    return gathered(env, {
      skip: undefined,
      max: MAX_IN,
      over: (e, max) => e.limit(`an ARC archive over ${max} bytes, which the audit does not gather`),
      async read(b) {
        let at = 0;
        for (let m = arcMember(b, at); m && !env.stopped; m = arcMember(b, at)) {
          const packed = b.subarray(m.data, m.data + m.packed);
          at = m.data + m.packed;
          let out: Buffer | undefined;
          try {
            out = packed.length === m.packed ? arcDecode(m.method, packed, m.size) : undefined;
          } catch {
            out = undefined;
          }
          const path = `${env.path.endsWith('!') ? env.path : `${env.path}!`}/${m.name}`;
          if (!out) {
            env.limit(
              packed.length < m.packed
                ? 'an ARC member cut short'
                : METHODS[m.method]
                  ? `an ARC member ${METHODS[m.method]}, which the audit does not read`
                  : 'an ARC member that does not decode (damaged)',
              path,
            );
            continue;
          }
          if (out.length !== m.size) env.limit('an ARC member that does not decode to its size (damaged)', path);
          const sink = env.open(m.name);
          if (out.length && env.allow(out.length)) await sink.write(out);
          await sink.end();
        }
      },
    });
  },
};
