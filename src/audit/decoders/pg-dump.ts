/**
 * pg_dump's custom format (`pg_dump -Fc`: `PGDMP`, then the version, the sizes of its integers and offsets and the
 * format byte 1): a header, a table of contents (one entry per object: its dump id, tag, description, SQL), then each
 * table's data as a block — its type (1 data, 3 large objects), its dump id, then the data in chunks, each an integer
 * length and that many bytes, up to a zero length. Compressed (the default: zlib; PostgreSQL 16 and later also lz4 and
 * zstd), a table's data is one stream cut into those chunks (pg_dump writes a chunk per 4 KiB of its output), so a
 * search inside finds the first chunk's stream and loses the rest at the next length. Read as pg_restore reads it: the
 * header and the table of contents walked by the archive's own version, then the blocks, each table's chunks joined
 * into one content under its entry (`app.dump!/public.settings`) that the router opens as the stream it is (zlib, lz4,
 * zstd, or the COPY text itself). The file's own bytes are read on as plain (the table of contents is SQL text), held up
 * to MAX_FILE; a larger archive, a version this reader does not know, or a table of contents or block that does not
 * parse is named.
 */
import { heldPlain } from './held-image.js';
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAGIC = [0x50, 0x47, 0x44, 0x4d, 0x50]; // PGDMP
const MAX_FILE = 64 << 20;
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

/** The data blocks: each a content of its chunks joined (`name`), until the archive's end. */
function* blocks(r: Reader, entries: Map<number, Entry>): Generator<[string, Buffer[]]> {
  while (r.at < r.b.length) {
    const type = r.byte();
    const dumpId = r.int();
    const name = entries.get(dumpId)?.name ?? `data-${dumpId}`;
    const chunks = (): Buffer[] => {
      const out: Buffer[] = [];
      for (let n = r.int(); n !== 0; n = r.int()) out.push(r.bytes(n));
      return out;
    };
    if (type === BLK_DATA) yield [name, chunks()];
    else if (type === BLK_BLOBS) for (let oid = r.int(); oid !== 0; oid = r.int()) yield [`${name}/${oid}`, chunks()];
    else throw new Cut();
  }
}

export const pgDumpCustom: Decoder = {
  name: 'pg_dump custom archive',
  sniff: (h) => startsWith(h, MAGIC) && h.length > 10 && h[5] === 1 && h[10] === 1,
  open(env: DecodeEnv): Decoding {
    const plain = heldPlain(env, MAGIC.length, MAX_FILE);
    return {
      push: (bytes) => plain.push(bytes),
      async end() {
        const file = await plain.end();
        if (env.stopped) return;
        if (!file) return env.limit(`a pg_dump archive over ${MAX_FILE >> 20} MiB: its tables' compressed data is not joined`);
        let toc;
        try {
          toc = readToc(file);
        } catch (e) {
          if (!(e instanceof Cut)) throw e;
          toc = 'a pg_dump archive whose table of contents is cut short';
        }
        if (typeof toc === 'string') return env.limit(`${toc}: its tables' data is not read`);
        try {
          for (const [name, chunks] of blocks(toc.r, toc.entries)) {
            const size = chunks.reduce((n, c) => n + c.length, 0);
            if (!size) continue;
            if (!env.allow(size)) return;
            const sink = env.open(name);
            for (const c of chunks) await sink.write(c);
            await sink.end();
          }
        } catch (e) {
          if (!(e instanceof Cut)) throw e;
          env.limit('a pg_dump archive whose data blocks are damaged or cut short: the rest is not read');
        }
      },
    };
  },
};
