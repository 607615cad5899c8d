/**
 * zisofs files (ISO 9660 with Rock Ridge's ZF entry: compressed live and installer ISOs that
 * xorriso `--zisofs` and `mkzftree` make; Linux reads them in place). A file is cut into blocks of
 * 32, 64 or 128 KiB (zisofs2: up to 1 MiB), each a zlib stream of its own, after a header and a
 * table of block pointers; the search inside finds each block's stream on its own, so a value
 * across two blocks is cut. A zisofs file is found by its header's magic wherever it starts (inside
 * an ISO image, whose own layout the audit does not walk: `embedded.ts`) or at the start of content,
 * and read as one stream: its blocks inflated in order and joined (a pointer equal to the next: a
 * block of zeros). A pointer before the table's end or back from the one before, a block larger
 * than a block can be compressed, or a block that does not inflate to its size ends it, named
 * (when found inside other bytes, only once it gave something: a chance header is not a finding).
 */
import { inflateSync } from 'node:zlib';
import { startsWith, trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const V1 = [0x37, 0xe4, 0x53, 0x96, 0xc9, 0xdb, 0xd6, 0x07];
/** The most a block pointer table is let hold (a 2 GiB file's in 32 KiB blocks, zisofs2's pointers). */
const MAX_TABLE = 1 << 19;
const V2 = [0xef, 0x22, 0x55, 0xa1, 0xbc, 0x1b, 0x95, 0xa0];

interface Header {
  /** Header bytes before the pointer table. */
  length: number;
  /** Bytes per block pointer (4, zisofs2: 8). */
  width: number;
  size: number;
  blockLog: number;
}

/**
 * A zisofs header at `at`: version 1 (the magic, the file's size, a header of 16 bytes, blocks of 2^15–2^17, two zero
 * bytes) or zisofs2 with zlib (version 0, a header of 24 bytes, algorithm 1, blocks of 2^15–2^20, a 64-bit size, four zero bytes).
 */
export function zisofsHeader(h: Uint8Array, at = 0): Header | undefined {
  if (startsWith(h, V1, at) && h.length >= at + 16) {
    const v = new DataView(h.buffer, h.byteOffset + at, 16);
    const log = h[at + 13]!;
    if (h[at + 12] !== 4 || log < 15 || log > 17 || v.getUint16(14) !== 0) return undefined;
    return { length: 16, width: 4, size: v.getUint32(8, true), blockLog: log };
  }
  if (startsWith(h, V2, at) && h.length >= at + 24) {
    const v = new DataView(h.buffer, h.byteOffset + at, 24);
    const log = h[at + 11]!;
    if (h[at + 8] !== 0 || h[at + 9] !== 6 || h[at + 10] !== 1 || log < 15 || log > 20 || v.getUint32(16, true) >= 64 || v.getUint32(20) !== 0)
      return undefined;
    return { length: 24, width: 8, size: Number(v.getBigUint64(12, true)), blockLog: log };
  }
  return undefined;
}

export const isZisofs = (h: Uint8Array, at = 0) => zisofsHeader(h, at) !== undefined;

/** The table's pointers, in order from the table's end and no block larger than deflate can make of a block: or why not. */
function pointers(table: Buffer, h: Header, blocks: number): number[] | string {
  const out: number[] = [];
  const most = (1 << h.blockLog) + (1 << (h.blockLog - 4)) + 64;
  for (let i = 0; i <= blocks; i++) {
    const p = h.width === 4 ? table.readUInt32LE(4 * i) : Number(table.readBigUInt64LE(8 * i));
    const before = i ? out[i - 1]! : h.length + table.length;
    if (p < before || (i && p - before > most)) return `block pointer ${i} at ${p}, ${i ? 'after' : 'before'} ${before}`;
    out.push(p);
  }
  return out;
}

/** One zisofs file, fed from its header on; its blocks inflated, in order, to the content's sink. */
export function zisofsStream(env: DecodeEnv): Decoding & { readonly finished: boolean } {
  const sink = env.open();
  let buf = Buffer.alloc(0);
  /** Bytes of the file before `buf`. */
  let consumed = 0;
  let header: Header | undefined;
  let ptrs: number[] | undefined;
  let block = 0;
  let done = false;
  let failed = false;
  const fail = (why: string) => {
    failed = true;
    env.limit(`a damaged zisofs file (${why}): the rest is not audited`);
  };
  const take = (n: number) => {
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    consumed += n;
    return out;
  };
  /** The header and the table, once they are all here. */
  const start = (): boolean => {
    header ??= zisofsHeader(buf);
    if (!header) return false;
    const blocks = Math.ceil(header.size / 2 ** header.blockLog);
    const tableEnd = header.length + (blocks + 1) * header.width;
    if (tableEnd > MAX_TABLE) {
      fail(`a table of ${blocks + 1} block pointers`);
      return true;
    }
    if (buf.length < tableEnd) return false;
    take(header.length);
    const p = pointers(take(tableEnd - header.length), header, blocks);
    if (typeof p === 'string') fail(p);
    else ptrs = p;
    return true;
  };
  const drain = async () => {
    if (!ptrs && !start()) return;
    while (ptrs && !failed && !done && !env.stopped) {
      if (block === ptrs.length - 1) return void (done = true);
      const end = ptrs[block + 1]!;
      if (consumed + buf.length < end) return;
      const from = consumed;
      const data = take(end - from).subarray(ptrs[block]! - from);
      const bs = 2 ** header!.blockLog;
      const want = Math.min(bs, header!.size - block * bs);
      const out = data.length ? trial(() => inflateSync(data, { maxOutputLength: bs })) : Buffer.alloc(want);
      if (!(out instanceof Buffer) || out.length !== want) return fail(`block ${block} does not inflate to ${want} bytes`);
      block++;
      if (!env.allow(out.length)) return;
      await sink.write(out);
    }
  };
  return {
    get finished() {
      return done || failed;
    },
    async push(bytes) {
      if (done || failed || env.stopped) return;
      buf = buf.length ? Buffer.concat([buf, bytes]) : Buffer.from(bytes);
      await drain();
    },
    async end() {
      if (!done && !failed && !env.stopped) fail(ptrs ? `it ends in block ${block}` : 'it ends in its header');
      await sink.end();
    },
  };
}

export const zisofs: Decoder = {
  name: 'zisofs',
  sniff: (h) => isZisofs(h),
  open: zisofsStream,
};
