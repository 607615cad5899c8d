/**
 * SQLite databases: a row larger than what its page keeps (about a quarter of a page for a table,
 * less for an index) goes on in a chain of overflow pages, each headed by the next one's number, so
 * a value across the end of the row's part on its page, or across two overflow pages, is split in
 * the file by other rows and page numbers — an app's settings row holding a JSON blob, a cookie or
 * token store, rpmdb.sqlite. The database's bytes are read on as plain content under its own path,
 * and held up to MAX_DB; at its end each row that overflows is written whole, its payload joined
 * across its chain, to `app.db!(rows)`. Above MAX_DB the rows are not joined: only
 * what a page holds is read as before (a gap the report names, not a finding: the database's bytes
 * are all read). A row's `v10`/`v11` value — a keyring-less Chrome's encrypted cookie or password,
 * under a key of a fixed word (chrome-crypt.ts) — is written decrypted to `(rows)` too.
 */
import { startsWith, type Decoder, type DecodeEnv } from './types.js';
import { chromeDecrypt, mayHoldChromeValues } from './chrome-crypt.js';
import { heldPlain } from './held-image.js';
import { valuesOnward, type HeldValue } from './value-streams.js';

const MAGIC = [...Buffer.from('SQLite format 3\0')];
/** What is held to join rows: most databases in an image (an app's, rpmdb) are well below it. */
const MAX_DB = 64 << 20;

/** A varint of SQLite's (1–9 bytes, big-endian groups of seven bits, the ninth byte whole) at `at`: value and length. */
function varint(d: Buffer, at: number): [number, number] {
  let v = 0;
  for (let i = 0; i < 8; i++) {
    const b = d[at + i] ?? 0;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) return [v, i + 1];
  }
  return [v * 256 + (d[at + 8] ?? 0), 9];
}

/** The sizes of SQLite's serial types 0–9 (NULL, integers, a float, the constants 0 and 1). */
const FIXED = [0, 1, 2, 3, 4, 6, 8, 8, 0, 0];

/** A record's text and blob values (its blobs alone: `blobs`), or undefined when its header does not parse. */
export function recordFields(payload: Buffer, blobs = false): Buffer[] | undefined {
  const [headerSize, n] = varint(payload, 0);
  if (headerSize < n || headerSize > payload.length) return undefined;
  const values: Buffer[] = [];
  let body = headerSize;
  for (let at = n; at < headerSize;) {
    const [type, k] = varint(payload, at);
    at += k;
    const size = type < 10 ? FIXED[type]! : type >= 12 ? Math.floor((type - 12) / 2) : 0;
    if (body + size > payload.length) return undefined;
    if (type >= 12 && size && !(blobs && type % 2)) values.push(payload.subarray(body, body + size));
    body += size;
  }
  return values;
}

/**
 * A record's text and blob values, each followed by a line break — text, as most values are, so
 * that the router reads it as text (a record's header is binary, and bytes before text are tried as
 * brotli) — or the payload itself when its header does not parse.
 */
export function recordValues(payload: Buffer): Buffer {
  const values = recordFields(payload);
  return values ? Buffer.concat(values.flatMap((v) => [v, Buffer.from('\n')])) : payload;
}

/** A database's pages: their size, the bytes of each less its reserved tail, and page `n` (1-based) where it is held. */
export interface Pages {
  size: number;
  usable: number;
  count: number;
  page(n: number): Buffer | undefined;
}

/**
 * The payloads of page `p` (a table leaf, an index leaf or interior page) that go on in overflow pages, each joined
 * across its chain. Given `chains` (the whole database walked: each overflow page belongs to one chain), a page met a
 * second time — a loop, or two chains through one page — a next page past the database's end, or a chain that ends
 * before its payload does, ends the chain and is told to `chains.broken`: the walk stays linear in the database's size
 * however its pointers are damaged, and the reader names the rows it could not join.
 */
export function* overflowingCells(pages: Pages, p: number, chains?: { used: Set<number>; broken(why: string): void }): Generator<Buffer> {
  const { size, usable, count } = pages;
  const db = pages.page(p);
  if (!db || db.length < size) return;
  const hdr = p === 1 ? 100 : 0;
  const type = db[hdr];
  if (type !== 0x0d && type !== 0x0a && type !== 0x02) return; // table leaf, index leaf, index interior: payloads
  const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
  const maxLocal = type === 0x0d ? usable - 35 : Math.floor(((usable - 12) * 64) / 255) - 23;
  const cells = db.readUInt16BE(hdr + 3);
  const pointers = hdr + (type === 0x02 ? 12 : 8);
  for (let c = 0; c < cells && pointers + 2 * c + 2 <= size; c++) {
    let at = db.readUInt16BE(pointers + 2 * c);
    if (type === 0x02) at += 4;
    const [payload, n] = varint(db, at);
    at += n;
    if (type === 0x0d) at += varint(db, at)[1];
    if (payload <= maxLocal) continue;
    const k = minLocal + ((payload - minLocal) % (usable - 4));
    const local = k <= maxLocal ? k : minLocal;
    if (at + local + 4 > size) continue; // not a cell as the format writes one: a damaged page
    const parts = [db.subarray(at, at + local)];
    let left = payload - local;
    let next = db.readUInt32BE(at + local);
    // A chain is at most as long as the database; a loop, a page past the end or one not held ends it.
    for (let hops = 0; left > 0 && hops < count; hops++) {
      if (next < 1 || next > count) {
        chains?.broken(next ? `an overflow page past the database’s end (page ${next} of ${count}: cut short?)` : 'an overflow chain that ends before its row');
        break;
      }
      if (chains?.used.has(next)) {
        chains.broken(`overflow page ${next} met twice (a loop, or two rows’ chains through one page)`);
        break;
      }
      const o = pages.page(next);
      if (!o) break;
      chains?.used.add(next);
      const take = Math.min(left, usable - 4);
      parts.push(o.subarray(4, 4 + take));
      left -= take;
      next = o.readUInt32BE(0);
    }
    yield Buffer.concat(parts);
  }
}

/** The payloads of page `p`'s table-leaf cells that fit on it (those that do not are `overflowingCells`'). */
export function* localCells(pages: Pages, p: number): Generator<Buffer> {
  const { size, usable } = pages;
  const db = pages.page(p);
  if (!db || db.length < size) return;
  const hdr = p === 1 ? 100 : 0;
  if (db[hdr] !== 0x0d) return;
  const cells = db.readUInt16BE(hdr + 3);
  for (let c = 0; c < cells && hdr + 8 + 2 * c + 2 <= size; c++) {
    let at = db.readUInt16BE(hdr + 8 + 2 * c);
    const [payload, n] = varint(db, at);
    at += n;
    at += varint(db, at)[1];
    if (payload <= usable - 35 && at + payload <= size) yield db.subarray(at, at + payload);
  }
}

/** Every `v10`/`v11` value of the database's rows decrypted as a keyring-less Chrome encrypts it (chrome-crypt.ts). */
export function* chromeValues(db: Buffer): Generator<Buffer> {
  const g = geometry(db.readUInt16BE(16), db[20]!);
  if (!g || !mayHoldChromeValues(db)) return;
  const count = Math.floor(db.length / g.size);
  const pages: Pages = { ...g, count, page: (n) => db.subarray((n - 1) * g.size, n * g.size) };
  // Each overflow page walked once (a second walk of overflowingRows': what it could not follow it has named).
  const chains = { used: new Set<number>(), broken: () => undefined };
  for (let p = 1; p <= count; p++)
    for (const payload of [...localCells(pages, p), ...overflowingCells(pages, p, chains)])
      for (const v of recordFields(payload, true) ?? []) {
        const plain = v[0] === 0x76 ? chromeDecrypt(v) : undefined;
        if (plain) yield plain;
      }
}

/** The size of a page (a power of two from 512; 1 is 65536) and the bytes at its end kept for extensions, or undefined. */
export function geometry(sizeField: number, reserved: number): { size: number; usable: number } | undefined {
  const size = sizeField === 1 ? 65536 : sizeField;
  if (size < 512 || size > 65536 || size & (size - 1) || reserved > size - 480) return undefined;
  return { size, usable: size - reserved };
}

/**
 * Every TEXT and BLOB value of the database's table rows, each with its offset in the file where it lies there whole (a
 * row on its page, or the part of an overflowing row its page keeps): what `valuesOnward` tries as a magicless stream.
 */
export function* rowValues(db: Buffer): Generator<HeldValue> {
  const g = geometry(db.readUInt16BE(16), db[20]!);
  if (!g) return;
  const count = Math.floor(db.length / g.size);
  const pages: Pages = { ...g, count, page: (n) => db.subarray((n - 1) * g.size, n * g.size) };
  const chains = { used: new Set<number>(), broken: () => undefined };
  const within = (v: Buffer) => v.buffer === db.buffer && v.byteOffset >= db.byteOffset && v.byteOffset + v.length <= db.byteOffset + db.length;
  for (let p = 1; p <= count; p++)
    for (const payload of [...localCells(pages, p), ...overflowingCells(pages, p, chains)])
      for (const v of recordFields(payload) ?? []) yield { bytes: v, at: within(v) ? v.byteOffset - db.byteOffset : undefined };
}

/** Every payload of the database `db` that goes on in overflow pages, joined across its chain; `broken` told of each chain that could not be followed. */
export function* overflowingRows(db: Buffer, broken: (why: string) => void = () => undefined): Generator<Buffer> {
  const g = geometry(db.readUInt16BE(16), db[20]!);
  if (!g) return;
  const count = Math.floor(db.length / g.size);
  const pages: Pages = { ...g, count, page: (n) => db.subarray((n - 1) * g.size, n * g.size) };
  const chains = { used: new Set<number>(), broken };
  for (let p = 1; p <= count; p++) yield* overflowingCells(pages, p, chains);
}

export const sqlite: Decoder = {
  name: 'SQLite database',
  sniff: (h) => startsWith(h, MAGIC),
  open(env: DecodeEnv) {
    // The database's bytes read on as plain content under its own path, so that what a page holds is found, and named,
    // as before — its 16-byte magic string as zeros (it holds nothing of the rows), so that this is not claimed again.
    const pages = heldPlain(env, MAGIC.length, MAX_DB);
    const rows = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(rows)`);
    return {
      push: (bytes) => pages.push(bytes),
      async end() {
        const db = await pages.end();
        if (db && db.length >= 100 && !env.stopped) {
          const broken: string[] = [];
          for (const row of overflowingRows(db, (why) => void broken.push(why))) {
            const values = recordValues(row);
            if (!env.allow(values.length)) break;
            await rows.write(values);
          }
          if (broken.length && !env.stopped)
            env.limit(
              `a SQLite database with ${broken.length} row${broken.length > 1 ? 's' : ''} whose overflow pages could not be followed (the first: ${broken[0]}): not joined`,
            );
          for (const plain of chromeValues(db)) {
            if (!env.allow(plain.length + 1)) break;
            await rows.write(Buffer.concat([plain, Buffer.from('\n')]));
          }
          // A BLOB or TEXT value that is a magicless stream (brotli, raw deflate, raw LZMA2): decoded at its offset.
          await valuesOnward(env, rowValues(db));
        }
        await rows.end();
      },
    };
  },
};
