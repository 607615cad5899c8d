/**
 * Tokyo Cabinet hash databases (`ToKyO CaBiNeT\n`, type 0: `.tch`, tchmgr, the TC library's tchdb) whose records are
 * compressed (`tchmgr create -td`, HDBTDEFLATE): each record's value is raw deflate, which no search inside finds (no
 * header) — read as tchdb reads them: the header (big-endian: the alignment power at 34, the options at 36, the first
 * record's offset at 64, the file's size at 56), then record after record from the first — a magic byte 0xc8, the
 * hash, the two chain offsets (4 bytes each, 8 under HDBTLARGE), the padding's size, the key's and value's sizes (TC's
 * varints: a byte above 0x7f a continuation holding 0xff less its seven bits), the key, the value, the padding — and
 * free blocks (0xb0, a 4-byte size) passed over. Each record is written as `key<TAB>value` on a line to one content
 * (`cache.tch!`). The file's own bytes are read on as plain, its magic as zeros; held up to MAX_FILE. A larger file, a
 * record that does not parse or a value that does not decode is named. Records compressed by TC's own BWT coder
 * (HDBTTCBS, `tchmgr create -tt`) are decoded by tcbs.ts; bzip2'd records (HDBTBZIP) carry their stream's magic and
 * are found by the search inside. A B+ tree database (`.tcb`, tcbmgr, type 1 at 32) is the same hash file whose
 * records are its leaf and inner pages (keys the pages' ids), each compressed whole: a leaf page decoded holds its
 * records' keys and values in order; a table database (`.tct`, tctmgr, type 3) the same file whose records are its
 * rows (each row's column names and values, NUL-separated, compressed whole).
 */
import { inflateRawSync } from 'node:zlib';
import { heldPlain } from './held-image.js';
import { tcbsDecode } from './tcbs.js';
import { startsWith, trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAGIC = [...Buffer.from('ToKyO CaBiNeT\n')];
const MAX_FILE = 64 << 20;
const MAX_VALUE = 64 << 20;
const LARGE = 1 << 0;
const DEFLATE = 1 << 1;
const TCBS = 1 << 3;

class Bad extends Error {}

/** TC's varint at `at`: [value, next]. */
function tcVarint(b: Buffer, at: number): [number, number] {
  let v = 0;
  for (let base = 1; at < b.length && base < 2 ** 35; base *= 128) {
    const c = b[at++]!;
    if (c < 0x80) return [v + c * base, at];
    v += base * (0xff - c);
  }
  throw new Bad();
}

/** The records' keys and values, from the first record's offset to the file's end. */
function* records(d: Buffer, first: number, end: number, large: boolean): Generator<[Buffer, Buffer]> {
  const link = large ? 8 : 4;
  for (let at = first; at < end;) {
    if (d[at] === 0xb0) {
      if (at + 5 > end) throw new Bad();
      const size = d.readUInt32BE(at + 1);
      if (size < 5) throw new Bad();
      at += size;
      continue;
    }
    if (d[at] !== 0xc8) throw new Bad();
    let p = at + 2 + 2 * link;
    if (p + 2 > end) throw new Bad();
    const pad = d.readUInt16BE(p);
    const [ksiz, q] = tcVarint(d, p + 2);
    const [vsiz, r] = tcVarint(d, q);
    p = r + ksiz + vsiz;
    if (p + pad > end || vsiz > MAX_VALUE) throw new Bad();
    yield [d.subarray(r, r + ksiz), d.subarray(r + ksiz, p)];
    at = p + pad;
  }
}

/**
 * A cabinet database's records (Tokyo's, Kyoto's) on lines of their own, `key<TAB>value`, each value through `decode`
 * (anything but a Buffer: a value that does not decode, counted). Records that stop parsing (`isBad`) end it, named as
 * `what` whose records do not parse. Gives the count of values that did not decode, for the caller to name.
 */
export async function writeRecords(
  env: DecodeEnv,
  what: string,
  records: Iterable<[Buffer, Buffer]>,
  decode: (value: Buffer) => unknown,
  isBad: (e: unknown) => boolean,
): Promise<number> {
  const sink = env.open();
  let failed = 0;
  try {
    for (const [key, value] of records) {
      const out = decode(value);
      if (!(out instanceof Buffer)) {
        failed++;
        continue;
      }
      const line = Buffer.concat([key, Buffer.from('\t'), out, Buffer.from('\n')]);
      if (!env.allow(line.length)) break;
      await sink.write(line);
    }
  } catch (e) {
    if (!isBad(e)) throw e;
    env.limit(`${what} whose records do not parse: the rest are not decoded`);
  }
  await sink.end();
  return failed;
}

export const tokyoCabinet: Decoder = {
  name: 'Tokyo Cabinet hash database',
  // Type 0 a hash database, 1 a B+ tree one (tcbmgr, `.tcb`: its pages are the records of the same hash file), 3 a table
  // one (tctmgr, `.tct`: each row's columns one record) — each compressed with the same option. (2, a fixed-length
  // database, has no compression.)
  sniff: (h) => startsWith(h, MAGIC) && h.length > 36 && (h[32] === 0 || h[32] === 1 || h[32] === 3) && Boolean(h[36]! & (DEFLATE | TCBS)),
  open(env: DecodeEnv): Decoding {
    const plain = heldPlain(env, MAGIC.length, MAX_FILE);
    return {
      push: (bytes) => plain.push(bytes),
      async end() {
        const d = await plain.end();
        if (env.stopped) return;
        if (!d) return env.limit(`a Tokyo Cabinet database over ${MAX_FILE >> 20} MiB: its compressed records are not decoded`);
        if (d.length < 256) return env.limit('a Tokyo Cabinet database cut short: its compressed records are not decoded');
        const opts = d[36]!;
        const declared = Number(d.readBigUInt64BE(56));
        const size = Math.min(d.length, declared);
        const first = Number(d.readBigUInt64BE(64));
        // The header's file size is the file's (tchmgr writes it so): one that differs is a cut file or a damaged header,
        // and records past it, or before a first record past the end, would not be read.
        if (declared !== d.length || first >= size)
          env.limit(
            `a Tokyo Cabinet database whose header says ${declared} bytes, records from ${first}, in a file of ${d.length} (cut or damaged): not fully audited`,
          );
        const decode = (value: Buffer) => (opts & TCBS ? tcbsDecode(value, MAX_VALUE) : trial(() => inflateRawSync(value, { maxOutputLength: MAX_VALUE })));
        const failed = await writeRecords(env, 'a Tokyo Cabinet database', records(d, first, size, Boolean(opts & LARGE)), decode, (e) => e instanceof Bad);
        if (failed) env.limit(`a Tokyo Cabinet database with ${failed} records that do not decode`);
      },
    };
  },
};
