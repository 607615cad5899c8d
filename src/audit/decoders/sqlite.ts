/**
 * SQLite databases: a row larger than what its page keeps (about a quarter of a page for a table,
 * less for an index) goes on in a chain of overflow pages, each headed by the next one's number, so
 * a value across the end of the row's part on its page, or across two overflow pages, is split in
 * the file by other rows and page numbers — an app's settings row holding a JSON blob, a cookie or
 * token store, rpmdb.sqlite. The database's bytes are read on as plain content under its own path,
 * and held up to MAX_DB; at its end each row that overflows is written whole, its payload joined
 * across its chain, to `app.db!(rows)`. Above MAX_DB the rows are not joined: only
 * what a page holds is read as before (a gap the report names, not a finding: the database's bytes
 * are all read).
 */
import { startsWith, type Decoder, type DecodeEnv } from './types.js';

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

/**
 * A record's text and blob values, each followed by a line break — text, as most values are, so
 * that the router reads it as text (a record's header is binary, and bytes before text are tried as
 * brotli) — or the payload itself when its header does not parse.
 */
export function recordValues(payload: Buffer): Buffer {
  const [headerSize, n] = varint(payload, 0);
  if (headerSize < n || headerSize > payload.length) return payload;
  const values: Buffer[] = [];
  let body = headerSize;
  for (let at = n; at < headerSize;) {
    const [type, k] = varint(payload, at);
    at += k;
    const size = type < 10 ? FIXED[type]! : type >= 12 ? Math.floor((type - 12) / 2) : 0;
    if (body + size > payload.length) return payload;
    if (type >= 12 && size) values.push(payload.subarray(body, body + size), Buffer.from('\n'));
    body += size;
  }
  return Buffer.concat(values);
}

/** Every payload of the database `db` that goes on in overflow pages, joined across its chain. */
export function* overflowingRows(db: Buffer): Generator<Buffer> {
  const size = db.readUInt16BE(16) === 1 ? 65536 : db.readUInt16BE(16);
  if (size < 512 || size & (size - 1)) return;
  const usable = size - db[20]!;
  const pages = Math.floor(db.length / size);
  const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
  for (let p = 1; p <= pages; p++) {
    const base = (p - 1) * size;
    const hdr = base + (p === 1 ? 100 : 0);
    const type = db[hdr];
    if (type !== 0x0d && type !== 0x0a && type !== 0x02) continue; // table leaf, index leaf, index interior: payloads
    const maxLocal = type === 0x0d ? usable - 35 : Math.floor(((usable - 12) * 64) / 255) - 23;
    const cells = db.readUInt16BE(hdr + 3);
    const pointers = hdr + (type === 0x02 ? 12 : 8);
    for (let c = 0; c < cells && pointers + 2 * c + 2 <= base + size; c++) {
      let at = base + db.readUInt16BE(pointers + 2 * c);
      if (type === 0x02) at += 4;
      const [payload, n] = varint(db, at);
      at += n;
      if (type === 0x0d) at += varint(db, at)[1];
      if (payload <= maxLocal) continue;
      const k = minLocal + ((payload - minLocal) % (usable - 4));
      const local = k <= maxLocal ? k : minLocal;
      if (at + local + 4 > base + size) continue; // not a cell as the format writes one: a damaged page
      const parts = [db.subarray(at, at + local)];
      let left = payload - local;
      let next = db.readUInt32BE(at + local);
      // A chain is at most as long as the database; a loop or a page past the end ends it.
      for (let hops = 0; left > 0 && next >= 1 && next <= pages && hops < pages; hops++) {
        const o = (next - 1) * size;
        const take = Math.min(left, usable - 4);
        parts.push(db.subarray(o + 4, o + 4 + take));
        left -= take;
        next = db.readUInt32BE(o);
      }
      yield Buffer.concat(parts);
    }
  }
}

export const sqlite: Decoder = {
  name: 'SQLite database',
  sniff: (h) => startsWith(h, MAGIC),
  open(env: DecodeEnv) {
    // The database's bytes read on as plain content under its own path, so that what a page holds is found, and named,
    // as before — less its 16-byte magic string, which holds nothing of the rows, so that this is not claimed again.
    const pages = env.openAt(env.path);
    const rows = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(rows)`);
    let held: Buffer[] | undefined = [];
    let size = 0;
    return {
      async push(bytes) {
        if (env.stopped) return;
        const skip = Math.max(0, Math.min(bytes.length, MAGIC.length - size));
        size += bytes.length;
        if (held && size <= MAX_DB) held.push(Buffer.from(bytes));
        else held = undefined;
        if (skip < bytes.length && env.allow(bytes.length - skip)) await pages.write(bytes.subarray(skip));
      },
      async end() {
        await pages.end();
        const db = held && Buffer.concat(held);
        held = undefined;
        if (db && db.length >= 100 && !env.stopped) {
          for (const row of overflowingRows(db)) {
            const values = recordValues(row);
            if (!env.allow(values.length)) break;
            await rows.write(values);
          }
        }
        await rows.end();
      },
    };
  },
};
