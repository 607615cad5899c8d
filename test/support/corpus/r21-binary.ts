/**
 * The twenty-first round's binary artifacts: a value an app compressed with a magicless stream — brotli, raw deflate,
 * raw LZMA2 (no zlib or gzip header, no xz container, nothing to find it by) — kept as one VALUE of a structured
 * container: an SQLite BLOB (Python's sqlite3, and the sqlite3 shell's readfile()), a MessagePack `bin` (one map, and a
 * stream of records), an LMDB value (in a leaf page, and in overflow pages of its own). Each is made by the real
 * library or tool (python3 of the distribution with its brotli, msgpack and lmdb modules; sqlite3 3.40; brotli 1.0).
 * `r21Gaps`: made alike and still silent (hunted this round, listed as known gaps).
 */
import { pyValue } from './variant-round.js';
import type { Variant } from './variant-text.js';

/** The file's bytes must not hold the value (it is compressed), and the file must be there. */
export const hidden = (file: string) => `\ntest -s "$OUT/${file}" && ! grep -rF "$S" "$OUT/${file}" > /dev/null`;

/** Python defining `text` (the value behind `token=`, then `rows` numbers) and the three magicless compressors. */
export const streams = (rows: number) => `import brotli, lzma, zlib
text = ('token=' + s + '\\n' + ' '.join(map(str, range(${rows})))).encode()
def deflate_raw(b):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush()
def lzma_raw(b):
    return lzma.compress(b, format=lzma.FORMAT_RAW, filters=[{'id': lzma.FILTER_LZMA2}])
`;

/** An SQLite database (Python's sqlite3) with 40 rows of filler and one whose BLOB is `expr` of the text. */
const sqliteBlob = (expr: string, rows: number) =>
  pyValue(`${streams(rows)}import sqlite3
db = sqlite3.connect(os.path.join(OUT, 'app.db'))
db.execute('create table cache (k text primary key, v blob)')
for i in range(40): db.execute('insert into cache values (?, ?)', ('row%d' % i, os.urandom(24)))
db.execute('insert into cache values (?, ?)', ('settings', ${expr}))
db.commit(); db.close()`);

const msgpackMap = (expr: string) =>
  pyValue(`${streams(3000)}import msgpack
open(os.path.join(OUT, 'cache.msgpack'), 'wb').write(msgpack.packb({'name': 'settings', 'version': 3, 'data': ${expr}, 'ids': list(range(20))}, use_bin_type=True))`);

const lmdbValue = (expr: string, rows: number) =>
  pyValue(`${streams(rows)}import lmdb
env = lmdb.open(os.path.join(OUT, 'kv'), map_size=1 << 24)
with env.begin(write=True) as t:
    for i in range(30): t.put(b'k%03d' % i, os.urandom(32))
    t.put(b'settings', ${expr})
env.close()
os.remove(os.path.join(OUT, 'kv', 'lock.mdb'))`);

export const r21Binary: Variant[] = [
  {
    id: 'sqlite-blob-brotli',
    name: "an SQLite BLOB of brotli.compress(text and 8,000 hex digits), overflowing its page (Python's sqlite3)",
    realWorld: "an app's settings cache in SQLite, its payload compressed with brotli before it is stored",
    kind: 'token',
    script: `${sqliteBlob('brotli.compress(text + os.urandom(4000).hex().encode())', 3000)}${hidden('app.db')}`,
    where: /sqlite-blob-brotli\/app\.db!\(value \d+\)/,
  },
  {
    id: 'sqlite-blob-brotli-small',
    name: 'an SQLite BLOB of brotli, small enough to stay on its page',
    realWorld: 'a token store keeping each short record brotli-compressed',
    kind: 'token',
    script: `${sqliteBlob('brotli.compress(text)', 60)}${hidden('app.db')}`,
    where: /sqlite-blob-brotli-small\/app\.db@\d+!/,
  },
  {
    id: 'sqlite-blob-deflate-raw',
    name: 'an SQLite BLOB of raw deflate (zlib.compressobj(wbits=-15))',
    realWorld: 'the same with raw deflate (a .NET DeflateStream or Java Deflater(nowrap) writing the row)',
    kind: 'token',
    script: `${sqliteBlob('deflate_raw(text)', 3000)}${hidden('app.db')}`,
    where: /sqlite-blob-deflate-raw\/app\.db(@\d+|!\(value \d+\))!?/,
  },
  {
    id: 'sqlite-blob-lzma-raw',
    name: 'an SQLite BLOB of raw LZMA2 (lzma.FORMAT_RAW)',
    realWorld: 'the same with raw LZMA2',
    kind: 'token',
    script: `${sqliteBlob('lzma_raw(text)', 3000)}${hidden('app.db')}`,
    where: /sqlite-blob-lzma-raw\/app\.db(@\d+|!\(value \d+\))!?/,
  },
  {
    id: 'sqlite-shell-readfile-brotli',
    name: "the sqlite3 shell's readfile() of a `brotli` CLI file (a 16 MiB window), as a BLOB",
    realWorld: 'a build step loading a compressed asset into an app database with the sqlite3 shell',
    kind: 'token',
    script: `{ printf 'API_TOKEN=%s\\n' "$S"; seq 1 200 | sed 's/^/row /'; } > in.txt && brotli -c in.txt > in.br && sqlite3 "$OUT/assets.db" "create table a (name text, body blob); insert into a values ('cfg', readfile('in.br'));"${hidden('assets.db')}`,
    where: /sqlite-shell-readfile-brotli\/assets\.db@\d+!/,
  },
  {
    id: 'msgpack-bin-brotli',
    name: 'a MessagePack map holding brotli.compress(text) as `bin` (msgpack.packb, use_bin_type)',
    realWorld: "a Python worker's cache file of its settings, packed with msgpack and compressed with brotli",
    kind: 'token',
    script: `${msgpackMap('brotli.compress(text)')}${hidden('cache.msgpack')}`,
    where: /msgpack-bin-brotli\/cache\.msgpack@\d+!/,
  },
  {
    id: 'msgpack-bin-deflate-raw',
    name: 'a MessagePack map holding raw deflate as `bin`',
    realWorld: 'the same with raw deflate',
    kind: 'token',
    script: `${msgpackMap('deflate_raw(text)')}${hidden('cache.msgpack')}`,
    where: /msgpack-bin-deflate-raw\/cache\.msgpack@\d+!/,
  },
  {
    id: 'msgpack-stream-lzma-raw',
    name: 'a stream of MessagePack records (msgpack.Packer, one after another), one `bin` raw LZMA2',
    realWorld: 'a fluentd-style buffer chunk of records, one carrying a payload compressed with raw LZMA2',
    kind: 'token',
    script: pyValue(`${streams(3000)}import msgpack
p = msgpack.Packer(use_bin_type=True)
with open(os.path.join(OUT, 'buffer.log'), 'wb') as f:
    for i in range(5): f.write(p.pack({'seq': i, 'msg': 'event %d' % i}))
    f.write(p.pack({'seq': 5, 'payload': lzma_raw(text)}))
    for i in range(6, 9): f.write(p.pack({'seq': i, 'msg': 'event %d' % i}))`).concat(hidden('buffer.log')),
    where: /msgpack-stream-lzma-raw\/buffer\.log@\d+!/,
  },
  {
    id: 'lmdb-deflate-raw',
    name: 'an LMDB value of raw deflate in overflow pages (py-lmdb)',
    realWorld: "an app's LMDB store (data.mdb) keeping a large settings value raw-deflated",
    kind: 'token',
    script: `${lmdbValue('deflate_raw(text)', 3000)}${hidden('kv/data.mdb')}`,
    where: /lmdb-deflate-raw\/kv\/data\.mdb@\d+!/,
  },
  {
    id: 'lmdb-brotli-leaf',
    name: 'an LMDB value of brotli small enough for its leaf page',
    realWorld: 'the same, a short record brotli-compressed',
    kind: 'token',
    script: `${lmdbValue('brotli.compress(text)', 60)}${hidden('kv/data.mdb')}`,
    where: /lmdb-brotli-leaf\/kv\/data\.mdb@\d+!/,
  },
  {
    id: 'lmdb-lzma-raw',
    name: 'an LMDB value of raw LZMA2',
    realWorld: 'the same with raw LZMA2',
    kind: 'token',
    script: `${lmdbValue('lzma_raw(text)', 3000)}${hidden('kv/data.mdb')}`,
    where: /lmdb-lzma-raw\/kv\/data\.mdb@\d+!/,
  },
  {
    id: 'sqlite-wal-brotli',
    name: 'an SQLite write-ahead log (journal_mode=wal) whose last transaction wrote a BLOB of brotli',
    realWorld: "a service's data directory copied while it ran: app.db and app.db-wal, the newest row only in the log",
    kind: 'token',
    script: pyValue(`${streams(60)}import sqlite3, shutil
db = sqlite3.connect('w.db')
db.execute('pragma journal_mode=wal')
db.execute('create table cache (k text, v blob)')
db.commit()
db.execute('insert into cache values (?, ?)', ('settings', brotli.compress(text)))
db.commit()
shutil.copy('w.db-wal', os.path.join(OUT, 'app.db-wal'))
db.close()`).concat(hidden('app.db-wal')),
    where: /sqlite-wal-brotli\/app\.db-wal@\d+!/,
  },
  {
    id: 'cbor-bstr-brotli',
    name: 'a CBOR map holding brotli.compress(text) as a byte string (cbor2.dumps)',
    realWorld: "a device's or service's config blob in CBOR, its payload brotli-compressed",
    kind: 'token',
    script: pyValue(`${streams(3000)}import cbor2
open(os.path.join(OUT, 'cfg.cbor'), 'wb').write(cbor2.dumps({'name': 'settings', 'v': 2, 'data': brotli.compress(text), 'tags': ['a', 'b']}))`).concat(
      hidden('cfg.cbor'),
    ),
    where: /cbor-bstr-brotli\/cfg\.cbor@\d+!/,
  },
  {
    id: 'cbor-bstr-deflate-raw',
    name: 'a CBOR map (self-described, tag 55799) holding raw deflate as a byte string',
    realWorld: 'the same with raw deflate, the file tagged as CBOR',
    kind: 'token',
    script: pyValue(`${streams(3000)}import cbor2
open(os.path.join(OUT, 'cfg.cbor'), 'wb').write(cbor2.dumps(cbor2.CBORTag(55799, {'name': 'settings', 'data': deflate_raw(text)})))`).concat(
      hidden('cfg.cbor'),
    ),
    where: /cbor-bstr-deflate-raw\/cfg\.cbor@\d+!/,
  },
  {
    id: 'bson-binary-brotli',
    name: 'BSON documents (bson.encode, one after another as mongodump writes a collection) one holding brotli as Binary',
    realWorld: "a mongodump collection.bson seeded into a demo image, a document's field compressed by the app",
    kind: 'token',
    script: pyValue(`${streams(3000)}import bson
with open(os.path.join(OUT, 'settings.bson'), 'wb') as f:
    for i in range(3): f.write(bson.encode({'_id': i, 'name': 'row %d' % i}))
    f.write(bson.encode({'_id': 3, 'name': 'settings', 'data': bson.Binary(brotli.compress(text))}))`).concat(hidden('settings.bson')),
    where: /bson-binary-brotli\/settings\.bson@\d+!/,
  },
  {
    id: 'bson-binary-lzma-raw',
    name: 'a BSON document holding raw LZMA2 as Binary (bson.encode)',
    realWorld: 'the same with raw LZMA2',
    kind: 'token',
    script: pyValue(`${streams(3000)}import bson
open(os.path.join(OUT, 'doc.bson'), 'wb').write(bson.encode({'name': 'settings', 'data': bson.Binary(lzma_raw(text)), 'n': 1.5}))`).concat(hidden('doc.bson')),
    where: /bson-binary-lzma-raw\/doc\.bson@\d+!/,
  },
  {
    id: 'leveldb-deflate-raw',
    name: 'a LevelDB value of raw deflate (plyvel; in the write-ahead .log)',
    realWorld: "an app's LevelDB (Chrome's Local Storage, a node app's level store) holding a raw-deflated value",
    kind: 'token',
    script: pyValue(`${streams(3000)}import plyvel
db = plyvel.DB(os.path.join(OUT, 'ldb'), create_if_missing=True)
db.put(b'settings', deflate_raw(text))
db.close()`).concat(hidden('ldb')),
    where: /leveldb-deflate-raw\/ldb\/\d{6}\.log!\(value \d+\)/,
  },
  {
    id: 'leveldb-compacted-brotli',
    name: 'a LevelDB value of brotli, compacted into a table (plyvel compact_range: a snappy data block of a .ldb)',
    realWorld: 'the same store after compaction (a Chrome or Electron profile, a node level store)',
    kind: 'token',
    script: pyValue(`${streams(3000)}import plyvel
db = plyvel.DB(os.path.join(OUT, 'ldb'), create_if_missing=True)
db.put(b'settings', brotli.compress(text))
for i in range(2000): db.put(b'k%d' % i, os.urandom(40))
db.compact_range()
db.close()`).concat(hidden('ldb')),
    where: /leveldb-compacted-brotli\/ldb\/\d{6}\.ldb!\(value \d+\)/,
  },
];

/**
 * Made alike by the real libraries, and still silent: protobuf has no structure to tell a message by. (Round 21's Avro,
 * shelve and HDF5-attribute gaps are read since s61: audit-variants-22-binary's artifacts.)
 */
export const r21Gaps: Variant[] = [
  {
    id: 'protobuf-bytes-brotli',
    name: 'a protobuf message (google.protobuf BytesValue) whose bytes field is brotli',
    realWorld: 'a gRPC service caching a response message to disk, its payload field brotli-compressed',
    kind: 'token',
    script: pyValue(`${streams(3000)}from google.protobuf import wrappers_pb2
open(os.path.join(OUT, 'resp.pb'), 'wb').write(wrappers_pb2.BytesValue(value=brotli.compress(text)).SerializeToString())`).concat(hidden('resp.pb')),
    where: /protobuf-bytes-brotli\/resp\.pb/,
  },
];
