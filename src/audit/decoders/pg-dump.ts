/**
 * pg_dump's custom format (`pg_dump -Fc`: `PGDMP`, then the version, the sizes of its integers and offsets and the
 * format byte 1): a header, a table of contents (one entry per object: its dump id, tag, description, SQL), then each
 * table's data as a block — its type (1 data, 3 large objects), its dump id, then the data in chunks, each an integer
 * length and that many bytes, up to a zero length. Compressed (the default: zlib; PostgreSQL 16 and later also lz4 and
 * zstd), a table's data is one stream cut into those chunks (pg_dump writes a chunk per 4 KiB of its output), so a
 * search inside finds the first chunk's stream and loses the rest at the next length. Read as pg_restore reads it: the
 * header and the table of contents walked by the archive's own version, then the blocks, each table's chunks joined
 * into one content under its entry (`app.dump!/public.settings`) that the router opens as the stream it is (zlib, lz4,
 * zstd, or the COPY text itself), each chunk written as it streams: only the header and table of contents are held
 * (up to MAX_TOC, re-read as bytes arrive) and an integer a push cut. The file's own bytes are read on as plain (the
 * table of contents is SQL text), its magic as zeros; a version this reader does not know, a table of contents or block
 * that does not parse are named.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding, type Sink } from './types.js';

const MAGIC = [0x50, 0x47, 0x44, 0x4d, 0x50]; // PGDMP
/** The archive versions this reader knows (pg_backup_archiver.h's K_VERS_1_10 to K_VERS_1_16: PostgreSQL 9.0 to 17). */
const V = (min: number) => (1 << 16) | (min << 8);
const OLDEST = V(10);
const NEWEST = V(16);
/** Block types: a table's data, a set of large objects. */
const BLK_DATA = 1;
const BLK_BLOBS = 3;

class Cut extends Error {}

/** A reader of the archive's integers (a sign byte, then `intSize` bytes, least significant first), strings and offsets. */
class Reader {
  at = 0;
  constructor(
    readonly b: Buffer,
    public intSize = 4,
    public offSize = 8,
  ) {}

  byte(): number {
    if (this.at >= this.b.length) throw new Cut();
    return this.b[this.at++]!;
  }

  int(): number {
    const sign = this.byte();
    let v = 0;
    for (let i = 0; i < this.intSize; i++) v += this.byte() * 2 ** (8 * i);
    return sign ? -v : v;
  }

  /** A string: its length (-1: none), then its bytes. */
  str(): string | undefined {
    const n = this.int();
    if (n < 0) return undefined;
    if (this.at + n > this.b.length) throw new Cut();
    const s = this.b.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }

  bytes(n: number): Buffer {
    if (n < 0 || this.at + n > this.b.length) throw new Cut();
    this.at += n;
    return this.b.subarray(this.at - n, this.at);
  }
}

interface Entry {
  dumpId: number;
  name: string;
}

/** The header and the table of contents (custom format only): the entries by dump id, the reader placed at the first data block. */
export function readToc(file: Buffer): { entries: Map<number, Entry>; r: Reader } | string {
  const r = new Reader(file);
  r.at = MAGIC.length;
  const version = (r.byte() << 16) | (r.byte() << 8) | r.byte();
  if (version < OLDEST || version > NEWEST) return `a pg_dump archive of version ${version >> 16}.${(version >> 8) & 0xff} (this reader knows 1.10 to 1.16)`;
  r.intSize = r.byte();
  r.offSize = r.byte();
  if (r.intSize < 1 || r.intSize > 8 || r.offSize < 1 || r.offSize > 8) return 'a pg_dump archive whose integer sizes are not sane';
  if (r.byte() !== 1) return 'a pg_dump archive not in the custom format';
  if (version >= V(15))
    r.byte(); // the compression algorithm
  else r.int(); // the compression level
  for (let i = 0; i < 7; i++) r.int(); // the creation time
  r.str(); // the database's name
  r.str(); // the server's version
  r.str(); // pg_dump's version
  const count = r.int();
  if (count < 0 || count > file.length) return 'a pg_dump archive whose table of contents does not parse';
  const entries = new Map<number, Entry>();
  for (let i = 0; i < count; i++) {
    const dumpId = r.int();
    r.int(); // hadDumper
    r.str(); // the catalog's table oid
    r.str(); // the object's oid
    const tag = r.str() ?? '';
    r.str(); // desc
    r.int(); // section
    r.str(); // defn
    r.str(); // dropStmt
    r.str(); // copyStmt
    const namespace = r.str();
    r.str(); // tablespace
    if (version >= V(14)) r.str(); // table access method
    if (version >= V(16)) r.int(); // relkind
    r.str(); // owner
    r.str(); // withOids ('false')
    while (r.str() !== undefined); // the dependencies' dump ids, up to a null string
    r.bytes(1 + r.offSize); // the data's offset: a flag, then offSize bytes
    entries.set(dumpId, { dumpId, name: (namespace ? `${namespace}.${tag}` : tag).replace(/[/\0]/g, '_') || String(dumpId) });
  }
  return { entries, r };
}

/** The most the header and table of contents may take before the first data block (a schema of thousands of objects is a few MiB). */
const MAX_TOC = 64 << 20;

/**
 * The data blocks as they stream: a block's type and dump id, then its chunks — each an integer length and that many
 * bytes, written straight to the table's content — up to a zero length (for large objects, an oid before each object's
 * chunks, up to a zero oid). Only an integer cut by a push is held.
 */
class Blocks {
  #held: number[] = [];
  /** What the next bytes are: a block's type, an integer (`want`), or `left` bytes of a chunk. */
  #state: 'type' | 'int' | 'data' = 'type';
  #want: 'dumpId' | 'length' | 'oid' = 'dumpId';
  #type = 0;
  #name = '';
  #table = '';
  #left = 0;
  #sink: Sink | undefined;
  broken = false;

  constructor(
    readonly env: DecodeEnv,
    readonly entries: Map<number, Entry>,
    readonly intSize: number,
  ) {}

  async push(b: Buffer): Promise<void> {
    for (let i = 0; i < b.length && !this.broken && !this.env.stopped;) {
      if (this.#state === 'data') {
        const n = Math.min(this.#left, b.length - i);
        if (this.env.allow(n)) await this.#sink?.write(b.subarray(i, i + n));
        i += n;
        this.#left -= n;
        if (!this.#left) this.#int('length');
        continue;
      }
      if (this.#state === 'type') {
        this.#type = b[i++]!;
        if (this.#type !== BLK_DATA && this.#type !== BLK_BLOBS) return this.#fail();
        this.#int('dumpId');
        continue;
      }
      this.#held.push(b[i++]!);
      if (this.#held.length === 1 + this.intSize) await this.#gotInt(this.#value());
    }
  }

  async end(): Promise<void> {
    await this.#close();
    if (!this.broken && (this.#state !== 'type' || this.#held.length)) this.#fail();
  }

  #int(want: 'dumpId' | 'length' | 'oid'): void {
    this.#state = 'int';
    this.#want = want;
    this.#held = [];
  }

  #value(): number {
    let v = 0;
    for (let k = 0; k < this.intSize; k++) v += this.#held[1 + k]! * 2 ** (8 * k);
    return this.#held[0] ? -v : v;
  }

  async #gotInt(v: number): Promise<void> {
    this.#held = [];
    if (this.#want === 'dumpId') {
      this.#table = this.entries.get(v)?.name ?? `data-${v}`;
      if (this.#type === BLK_BLOBS) return this.#int('oid');
      this.#name = this.#table;
      return this.#int('length');
    }
    if (this.#want === 'oid') {
      if (v === 0) {
        this.#state = 'type';
        return;
      }
      this.#name = `${this.#table}/${v}`;
      return this.#int('length');
    }
    if (v < 0) return this.#fail();
    if (v === 0) {
      await this.#close();
      if (this.#type === BLK_BLOBS) return this.#int('oid');
      this.#state = 'type';
      return;
    }
    this.#sink ??= this.env.open(this.#name);
    this.#state = 'data';
    this.#left = v;
  }

  async #close(): Promise<void> {
    const sink = this.#sink;
    this.#sink = undefined;
    await sink?.end();
  }

  #fail(): void {
    this.broken = true;
    this.env.limit('a pg_dump archive whose data blocks are damaged or cut short: the rest is not read');
  }
}

export const pgDumpCustom: Decoder = {
  name: 'pg_dump custom archive',
  sniff: (h) => startsWith(h, MAGIC) && h.length > 10 && h[5] === 1 && h[10] === 1,
  open(env: DecodeEnv): Decoding {
    const plain = env.openAt(env.path);
    /** The bytes before the table of contents parsed, kept in pieces; tried again once they have doubled (a large schema's table of contents is parsed a few times, not once a push). */
    let head: Buffer[] | undefined = [];
    let size = 0;
    let tryAt = 0;
    let seen = 0;
    let blocks: Blocks | undefined;

    /** Parses the table of contents from what is held (`last`: no more will come); starts the blocks once it parses. */
    async function tryToc(last: boolean): Promise<void> {
      if (!head || (!last && size < tryAt)) return;
      tryAt = Math.max(2 * size, 4096);
      const bytes = Buffer.concat(head);
      head = [bytes];
      let toc;
      try {
        toc = readToc(bytes);
      } catch (e) {
        if (!(e instanceof Cut)) throw e;
        if (last) env.limit("a pg_dump archive whose table of contents is cut short: its tables' data is not read");
        else if (size > MAX_TOC) {
          head = undefined;
          env.limit(`a pg_dump archive whose table of contents takes more than ${MAX_TOC >> 20} MiB: its tables' data is not read`);
        }
        return;
      }
      head = undefined;
      if (typeof toc === 'string') return env.limit(`${toc}: its tables' data is not read`);
      blocks = new Blocks(env, toc.entries, toc.r.intSize);
      await blocks.push(bytes.subarray(toc.r.at));
    }

    return {
      async push(bytes) {
        if (env.stopped) return;
        const blank = Math.max(0, Math.min(bytes.length, MAGIC.length - seen));
        seen += bytes.length;
        if (env.allow(bytes.length)) await plain.write(blank ? Buffer.concat([Buffer.alloc(blank), bytes.subarray(blank)]) : bytes);
        if (blocks) return blocks.broken ? undefined : blocks.push(Buffer.from(bytes));
        if (!head) return;
        head.push(Buffer.from(bytes));
        size += bytes.length;
        await tryToc(false);
      },
      async end() {
        await plain.end();
        if (env.stopped) return;
        if (!blocks) await tryToc(true);
        if (blocks) await blocks.end();
      },
    };
  },
};
