/**
 * Kyoto Cabinet file databases (`KC\n\0`: `.kch`, kchashmgr, HashDB; `.kct`, kctreemgr, TreeDB — a B+ tree whose
 * pages are the records of a hash file of the same format) whose records are compressed (`-tc`, the TCOMPRESS
 * option): each record's value is raw deflate (the library's default compressor, ZLIB::RAW), which no search inside
 * finds (no header) — read as HashDB reads them: the header (the type at 8: 0x30 hash, 0x31 tree; the alignment power
 * at 9, the free block pool's power at 10, the options at 11, the bucket count at 16 and the file's size at 40, both
 * big-endian), the first record's offset computed as the library computes it (64 bytes of header, 6 bytes for each
 * free block slot and 2 widths and 2 bytes more when there are any, a width for each bucket — 4 bytes under TSMALL,
 * else 6 — rounded up to the alignment), then record after record — the padding's size (2 bytes big-endian, the
 * first byte 0xcc when under 256), the two chain offsets (a width each; one under TLINEAR), the key's and value's
 * sizes (big-endian base-128 varints), the key, the value, the padding — and free blocks (0xdd 0xdd, a width of size
 * in alignment units, 0xee 0xee) passed over. Each record is written as `key<TAB>value` on a line to one content
 * (`cache.kch!`): a tree's leaf pages decoded give its records' keys and values in order. The file's own bytes are read
 * on as plain, its header as zeros; held up to MAX_FILE. A larger file, a record that does not parse, or values that
 * do not inflate (a database tuned to LZO, LZMA or Arcfour: `#zcomp=`) are named. Claimed only with TCOMPRESS set: an
 * uncompressed database's records are in its plain bytes.
 */
import { inflateRawSync } from 'node:zlib';
import { heldPlain } from './held-image.js';
import { writeRecords } from './tokyo-cabinet.js';
import { startsWith, trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAGIC = [0x4b, 0x43, 0x0a, 0x00];
const HEADSIZ = 64;
const FBPWIDTH = 6;
const MAX_FILE = 64 << 20;
const MAX_VALUE = 64 << 20;
const TSMALL = 1 << 0;
const TLINEAR = 1 << 1;
const TCOMPRESS = 1 << 2;
const TYPES = new Set([0x30, 0x31]);

/** A record or a varint that does not parse (kyoto-dir.ts's records too). */
export class Bad extends Error {}

/** A Kyoto Cabinet varint (big-endian groups of 7 bits, the high bit set on all but the last) at `at`: [value, next]. */
export function kcVarint(b: Uint8Array, at: number): [number, number] {
  let v = 0;
  for (let n = 0; n < 8; n++) {
    if (at >= b.length) throw new Bad();
    const c = b[at++]!;
    v = v * 128 + (c & 0x7f);
    if (c < 0x80) return [v, at];
  }
  throw new Bad();
}

/** A big-endian number of `width` bytes at `at`. */
const fixnum = (b: Buffer, at: number, width: number) => {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + b[at + i]!;
  return v;
};

/** The header's fields, or undefined when `h` is no compressed Kyoto Cabinet hash or tree file. */
function header(h: Uint8Array) {
  if (!startsWith(h, MAGIC) || h.length < HEADSIZ || !TYPES.has(h[8]!)) return undefined;
  const apow = h[9]!;
  const fpow = h[10]!;
  const opts = h[11]!;
  if (apow > 15 || fpow > 20 || opts > 7 || !(opts & TCOMPRESS)) return undefined;
  const b = Buffer.from(h.buffer, h.byteOffset, h.length);
  const bnum = Number(b.readBigUInt64BE(16));
  const size = Number(b.readBigUInt64BE(40));
  if (bnum < 1 || bnum > 2 ** 40 || size < HEADSIZ) return undefined;
  const width = opts & TSMALL ? 4 : 6;
  const fbpnum = fpow > 0 ? 1 << fpow : 0;
  let roff = HEADSIZ + FBPWIDTH * fbpnum + (fbpnum > 0 ? width * 2 + 2 : 0) + width * bnum;
  const align = 1 << apow;
  if (roff % align) roff += align - (roff % align);
  if (roff > size) return undefined;
  return { apow, width, linear: Boolean(opts & TLINEAR), roff, size };
}

/** The records' keys and values, from the first record's offset to the file's end. */
function* records(d: Buffer, h: NonNullable<ReturnType<typeof header>>, end: number): Generator<[Buffer, Buffer]> {
  const { width, linear, apow } = h;
  for (let at = h.roff; at < end;) {
    const first = d[at]!;
    if (first === 0xdd) {
      if (at + 4 + width > end || d[at + 1] !== 0xdd || d[at + 2 + width] !== 0xee) throw new Bad();
      const size = fixnum(d, at + 2, width) * 2 ** apow;
      if (size < 4 + width) throw new Bad();
      at += size;
      continue;
    }
    if (at + 2 > end) throw new Bad();
    const psiz = first === 0xcc ? d[at + 1]! : first >= 0x80 || first === 0 ? -1 : d.readUInt16BE(at);
    if (psiz < 0) throw new Bad();
    const [ksiz, q] = kcVarint(d, at + 2 + (linear ? 1 : 2) * width);
    const [vsiz, r] = kcVarint(d, q);
    const p = r + ksiz + vsiz;
    if (p + psiz > end || vsiz > MAX_VALUE) throw new Bad();
    if (psiz > 0 && d[p] !== 0xee) throw new Bad();
    yield [d.subarray(r, r + ksiz), d.subarray(r + ksiz, p)];
    at = p + psiz;
  }
}

export const isKyotoCabinet = (h: Uint8Array): boolean => header(h) !== undefined;

export const kyotoCabinet: Decoder = {
  name: 'Kyoto Cabinet database',
  sniff: isKyotoCabinet,
  open(env: DecodeEnv): Decoding {
    const plain = heldPlain(env, HEADSIZ, MAX_FILE);
    return {
      push: (bytes) => plain.push(bytes),
      async end() {
        const d = await plain.end();
        if (env.stopped) return;
        if (!d) return env.limit(`a Kyoto Cabinet database over ${MAX_FILE >> 20} MiB: its compressed records are not decoded`);
        const h = header(d);
        if (!h) return env.limit('a Kyoto Cabinet database cut short: its compressed records are not decoded');
        const decode = (value: Buffer) => (value.length ? trial(() => inflateRawSync(value, { maxOutputLength: MAX_VALUE })) : value);
        const failed = await writeRecords(env, 'a Kyoto Cabinet database', records(d, h, Math.min(d.length, h.size)), decode, (e) => e instanceof Bad);
        if (failed) env.limit(`a Kyoto Cabinet database with ${failed} records that do not inflate (not raw deflate: LZO, LZMA or Arcfour?)`);
      },
    };
  },
};
