/**
 * WOFF2 web fonts (`wOF2`, what every site serves): a 48-byte header, a table directory of
 * variable-length entries (a flags byte, a tag unless a known one, UIntBase128 lengths), then every
 * table in one brotli stream of `totalCompressedSize` bytes with no magic number — found by no search
 * inside — then optional extended metadata (brotli'd XML) and private data. Decoded here: the tables
 * as one content, `font.woff2!` (a name table's license text or key, in Mac Roman and UTF-16BE,
 * read there as in any file), the metadata as `font.woff2!/metadata`. glyf and loca stay in their
 * transformed form: they hold outlines, not text. A font collection (flavor `ttcf`, a collection
 * directory after the tables') is decoded the same way once that directory is passed.
 */
import { brotliStream } from './native.js';
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const HEADER = 48;
/** The directory and collection directory are read from at most this much of the file's start. */
const MAX_HEAD = 256 * 1024;

interface Woff2Head {
  /** Where the brotli stream starts, and its length. */
  start: number;
  compressed: number;
  metaOffset: number;
  metaLength: number;
}

/** The header's fields where they are consistent: a length at least the header's, tables 1–4096. */
export function woff2Header(h: Uint8Array): { tables: number; compressed: number; length: number; collection: boolean } | undefined {
  if (!startsWith(h, [0x77, 0x4f, 0x46, 0x32]) || h.length < HEADER) return undefined;
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const length = v.getUint32(8);
  const tables = v.getUint16(12);
  const compressed = v.getUint32(20);
  if (v.getUint16(14) !== 0 || tables === 0 || tables > 4096 || length < HEADER + compressed || compressed === 0) return undefined;
  return { tables, compressed, length, collection: v.getUint32(4) === 0x74746366 };
}

/** A UIntBase128 at `i`: its value and the next index, or undefined (a leading zero, more than 5 bytes, past the end). */
function base128(b: Uint8Array, i: number): [number, number] | undefined {
  let v = 0;
  for (let k = 0; k < 5; k++) {
    if (i + k >= b.length || (k === 0 && b[i] === 0x80)) return undefined;
    const byte = b[i + k]!;
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) return v > 0xffffffff ? undefined : [v, i + k + 1];
  }
  return undefined;
}

/** Where the brotli stream starts: after the table directory (and a collection's directory); undefined until `h` holds it, null when it cannot be read. */
export function woff2Start(h: Uint8Array): Woff2Head | undefined | null {
  if (h.length < HEADER) return undefined;
  const head = woff2Header(h);
  if (!head) return null;
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
  let i = HEADER;
  for (let t = 0; t < head.tables; t++) {
    if (i >= h.length) return undefined;
    const flags = h[i++]!;
    let tag = flags & 0x3f;
    if (tag === 0x3f) {
      if (i + 4 > h.length) return undefined;
      tag = -1;
      i += 4;
    }
    const orig = base128(h, i);
    if (!orig) return h.length - i >= 5 ? null : undefined;
    i = orig[1];
    const version = flags >> 6;
    const glyfOrLoca = tag === 10 || tag === 11;
    if ((glyfOrLoca && version === 0) || (!glyfOrLoca && version !== 0)) {
      const t2 = base128(h, i);
      if (!t2) return h.length - i >= 5 ? null : undefined;
      i = t2[1];
    }
  }
  if (head.collection) return null;
  return { start: i, compressed: head.compressed, metaOffset: v.getUint32(28), metaLength: v.getUint32(32) };
}

/** One WOFF2 file as it streams: its head held until the directory is read, then the brotli stream, then its metadata. */
class Woff2 implements Decoding {
  #held: Buffer = Buffer.alloc(0);
  #head: Woff2Head | undefined;
  #at = 0;
  #tables: Decoding | undefined;
  #meta: Decoding | undefined;
  #failed = false;

  constructor(readonly env: DecodeEnv) {}

  async push(bytes: Uint8Array): Promise<void> {
    if (this.#failed || this.env.stopped) return;
    if (!this.#head) {
      this.#held = Buffer.concat([this.#held, bytes]);
      const head = woff2Start(this.#held);
      if (head === null || (head === undefined && this.#held.length > MAX_HEAD)) return this.#fail('a table directory that cannot be read');
      if (!head) return;
      this.#head = head;
      this.#tables = brotliStream(this.env);
      const all = this.#held;
      this.#held = Buffer.alloc(0);
      return this.#feed(all);
    }
    return this.#feed(bytes);
  }

  /** Feeds the part of `bytes` (at file offset #at) that is the brotli stream or the metadata. */
  async #feed(bytes: Uint8Array): Promise<void> {
    const h = this.#head!;
    const from = this.#at;
    this.#at += bytes.length;
    const part = (start: number, length: number) => bytes.subarray(Math.max(0, start - from), Math.max(0, Math.min(bytes.length, start + length - from)));
    const tables = part(h.start, h.compressed);
    if (tables.length) await this.#tables!.push(tables);
    if (!h.metaLength) return;
    const meta = part(h.metaOffset, h.metaLength);
    if (!meta.length) return;
    if (!this.#meta) {
      // The tables' stream ends where the metadata begins: its output all written before the metadata's.
      await this.#tables!.end();
      this.#tables = undefined;
      this.#meta = metadata(this.env);
    }
    await this.#meta.push(meta);
  }

  #fail(why: string): void {
    this.#failed = true;
    if (!this.env.stopped) this.env.limit(`a WOFF2 font with ${why}: its tables are not audited`);
  }

  async end(): Promise<void> {
    if (!this.#head && !this.#failed) this.#fail('a directory cut short');
    await this.#tables?.end();
    await this.#meta?.end();
  }
}

/** The extended metadata (XML, brotli too) as a member of its own. */
function metadata(env: DecodeEnv): Decoding {
  const sink = env.open('metadata');
  return brotliStream(Object.create(env, { open: { value: () => sink } }) as DecodeEnv);
}

export const woff2: Decoder = {
  name: 'WOFF2 font',
  sniff: (h) => woff2Header(h) !== undefined,
  open: (env) => new Woff2(env),
};
