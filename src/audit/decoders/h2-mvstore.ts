/**
 * H2 database files (`*.mv.db`: the MVStore of an embedded H2 — Keycloak's dev database, Spring Boot demos, CI
 * tools — shipped in a Java service's image). The file: two header blocks of text (`H:2,block:…,blockSize:1000,…,
 * format:2,…`), then chunks on 4 KiB blocks, each opening with a text header (`chunk:1,block:2,len:1,…,pages:4,…`,
 * padded, ended by a line feed) followed by its pages back to back. A page: its length (4 bytes, big-endian), a check
 * (2), varints (format 2: the page's number, the map, the key count; format 1: the map, the key count), a type byte
 * (bit 0 a node, bit 1 compressed, bit 2 with Deflate rather than LZF), a node's children (a position of 8 bytes and
 * a count varint each), then the keys and values — when compressed, a varint (the size gained) and the compressed
 * bytes: LZF (H2's CompressLZF, liblzf's format, whose control bytes cut text every 32 bytes) or Deflate. A database
 * opened with `COMPRESS=TRUE` keeps its rows only so. Read here: the file gathered up to MAX_IN bytes (a larger one
 * is named), each chunk's compressed pages inflated exactly to their size and written to `path!(pages)`; the file's
 * own bytes are read on as plain content under its path (less its first line, so that it is not claimed again).
 */
import { inflateRawSync, inflateSync } from 'node:zlib';
import { lzfDecompress } from './redis-rdb.js';
import { gathered } from './gathered.js';
import { trial, TOO_LARGE, type Decoder, type DecodeEnv } from './types.js';

const MAX_IN = 64 << 20;
const BLOCK = 4096;
const NL = Buffer.from('\n');
const u32be = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/** The text fields of a header line (`k:v,…`), values hexadecimal as H2 writes them. */
function fields(line: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of line.trim().split(',')) {
    const i = part.indexOf(':');
    if (i > 0) m.set(part.slice(0, i), part.slice(i + 1));
  }
  return m;
}

/** The store's format (1 or 2) from its file header: `H:2,` then `blockSize:1000` and `format:1|2` on the same line. */
export function mvStoreFormat(h: Uint8Array): number | undefined {
  if (h.length < 16 || h[0] !== 0x48 || h[1] !== 0x3a || h[2] !== 0x32 || h[3] !== 0x2c) return undefined;
  const end = h.indexOf(0x0a);
  const line = Buffer.from(h.subarray(0, end < 0 ? h.length : end))
    .toString('latin1')
    .trimEnd();
  if (!/^H:2(,[a-zA-Z]+:[0-9a-f]+)+$/.test(line)) return undefined;
  const f = fields(line);
  const format = f.get('format');
  return f.get('blockSize') === '1000' && (format === '1' || format === '2') ? Number(format) : undefined;
}

/** A varint (7 bits a byte, least significant first) at `at`: [value, next], or undefined. */
function varint(b: Uint8Array, at: number): [number, number] | undefined {
  let v = 0;
  for (let shift = 0; shift < 35 && at < b.length; shift += 7) {
    const x = b[at++]!;
    v += (x & 0x7f) * 2 ** shift;
    if (!(x & 0x80)) return [v, at];
  }
  return undefined;
}

/** What a page gives: its keys and values decoded; 'plain' (not compressed); or 'broken' (compressed, does not decode exactly). */
export type PageContent = Uint8Array | 'plain' | 'broken';

/** H2's check of a page's place (DataUtils.getCheckValue): its chunk, its offset in the chunk and its length, folded to 16 bits. */
const checkValue = (x: number) => ((x >>> 16) ^ x) & 0xffff;
export const pageCheck = (chunk: number, offset: number, length: number) => checkValue(chunk) ^ checkValue(offset) ^ checkValue(length);

/** LZF's most: a back reference of 264 bytes from 3 bytes. A page claiming more than that of its bytes is damaged. */
const LZF_MOST = 88;

/** A page's keys and values decoded: 'plain' when it is not compressed, 'broken' when it does not decode exactly. */
export function pageContent(b: Uint8Array, at: number, length: number, format: number): PageContent {
  const end = at + length;
  let p = at + 6;
  const n: number[] = [];
  for (let i = 0; i < (format === 2 ? 3 : 2); i++) {
    const r = varint(b, p);
    if (!r || r[1] >= end) return 'broken';
    n.push(r[0]);
    p = r[1];
  }
  const keys = n.at(-1)!;
  const type = b[p++]!;
  if (type & 0xf0) return 'broken';
  if (!(type & 2)) return 'plain';
  if (type & 1) {
    // a node: its children's positions, then their counts
    p += (keys + 1) * 8;
    for (let i = 0; i <= keys && p < end; i++) {
      const r = varint(b, p);
      if (!r) return 'broken';
      p = r[1];
    }
  }
  const gained = varint(b, p);
  if (!gained || gained[1] >= end) return 'broken';
  const packed = b.subarray(gained[1], end);
  const size = packed.length + gained[0];
  // The size is the page's word, not a buffer to allocate: past what LZF or Deflate can make of the bytes, damaged.
  if (size > packed.length * (type & 4 ? 1032 : LZF_MOST) + 64) return 'broken';
  if (!(type & 4)) return lzfDecompress(packed, size) ?? 'broken';
  const out = trial(() => (packed[0] === 0x78 ? inflateSync : inflateRawSync)(packed, { maxOutputLength: size }));
  return out === undefined || out === TOO_LARGE || out.length !== size ? 'broken' : out;
}

/**
 * Each compressed page of each chunk of a store, decoded; what stops the walk or does not decode named through `say`:
 * a chunk cut short, a page whose length leaves its chunk or whose check (its chunk, offset and length) does not hold —
 * the pages after it in the chunk not read —, a compressed page that does not decode, the chunk the file header names
 * (the newest) not found.
 */
export function* mvStorePages(file: Uint8Array, format: number, say: (what: string) => void = () => undefined): Generator<Uint8Array> {
  const header = fields(Buffer.from(file.subarray(0, Math.max(0, file.indexOf(0x0a)))).toString('latin1'));
  const newest = parseInt(header.get('block') ?? '', 16);
  let seen = false;
  for (let block = 2 * BLOCK; block + 6 <= file.length; block += BLOCK) {
    if (Buffer.from(file.subarray(block, block + 6)).toString('latin1') !== 'chunk:') continue;
    const nl = file.indexOf(0x0a, block);
    if (nl < 0 || nl - block > 1024) continue;
    const f = fields(Buffer.from(file.subarray(block, nl)).toString('latin1'));
    const [id, len, pages] = ['chunk', 'len', 'pages'].map((k) => parseInt(f.get(k) ?? '', 16)) as [number, number, number];
    if (!(len > 0) || !(pages > 0) || !(id >= 0)) {
      say('an H2 database with a chunk header that does not read: its pages not read');
      continue;
    }
    seen ||= newest * BLOCK >= block && newest * BLOCK < block + len * BLOCK;
    if (block + len * BLOCK > file.length) say('an H2 database cut short (a chunk past its end): its pages past there not read');
    const chunkEnd = Math.min(file.length, block + len * BLOCK);
    let at = nl + 1;
    for (let i = 0; i < pages; i++) {
      const length = at + 7 <= chunkEnd ? u32be(file, at) : 0;
      if (length < 7 || at + length > chunkEnd || ((file[at + 4]! << 8) | file[at + 5]!) !== pageCheck(id, at - block, length)) {
        say('an H2 database with a page whose length or check does not hold (damaged): the pages after it in its chunk not read');
        break;
      }
      const content = pageContent(file, at, length, format);
      if (content === 'broken') say('an H2 database with a compressed page that does not decode (damaged)');
      else if (content !== 'plain') yield content;
      at += length;
    }
    block += (len - 1) * BLOCK;
  }
  if (!seen) say('an H2 database whose newest chunk (named by its file header) is not found: its pages not read');
}

export const h2MvStore: Decoder = {
  name: 'H2 MVStore',
  sniff: (h) => mvStoreFormat(h) !== undefined,
  open(env: DecodeEnv) {
    return gathered(env, {
      skip: 64,
      max: MAX_IN,
      over: (e, max) => e.limit(`an H2 database over ${max} bytes, whose compressed pages the audit does not gather`),
      async read(file) {
        const out = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(pages)`);
        const named = new Set<string>();
        const say = (what: string) => void (named.has(what) || (named.add(what), env.limit(what)));
        for (const page of mvStorePages(file, mvStoreFormat(file) ?? 2, say)) {
          if (env.stopped || !env.allow(page.length + 1)) break;
          await out.write(Buffer.concat([page, NL]));
        }
        await out.end();
      },
    });
  },
};
