/**
 * The twenty-third round's binary artifacts, hunted among the files a real image holds (python3 of the distribution and
 * its snappy, lz4, msgpack, cbor2, lmdb and h5py modules): a value compressed by the app and kept whole in a container —
 * a bytes constant of a Python module compiled to `.pyc` (py_compile) or a `marshal.dump`, holding brotli, raw deflate
 * or raw LZMA2 (serialized-deflate.ts: Python's marshal told by its header, its bytes' length marks read); a raw snappy
 * block or an LZ4 block (sized, or alone) as an SQLite BLOB, a MessagePack or CBOR bin, an LMDB value, an HDF5
 * attribute (value-streams-blocks.ts, through the whole-value trial). The block formats copy what they saw before: the
 * value's head is written first as an id, so the whole value is never literal in the file (as any record that repeats a
 * key's prefix). `r23Gaps`: made alike and still silent.
 */
import { hidden, streams } from './r21-binary.js';
import { pyValue } from './variant-round.js';
import type { Variant } from './variant-text.js';

/** `streams` and `text` starting with the value's first 14 characters as an id, so a block compressor copies the value's head. */
const blocks = `${streams(3000)}import snappy, lz4.block
text = ('id=' + s[:14] + '\\n').encode() + text
`;

/** A module compiled by py_compile whose constant DATA is `expr` of the text (the source removed, as a wheel's image ships only .pyc). */
const pycConst = (expr: string) =>
  pyValue(`${streams(3000)}import py_compile
src = os.path.join(OUT, 'settings.py')
open(src, 'w').write('NAME = "settings"\\nDATA = %r\\nIDS = list(range(20))\\n' % (${expr},))
py_compile.compile(src, cfile=src + 'c', doraise=True)
os.remove(src)`).concat(hidden('settings.pyc'));

const sqliteBlob = (expr: string) =>
  pyValue(`${blocks}import sqlite3
db = sqlite3.connect(os.path.join(OUT, 'app.db'))
db.execute('create table cache (k text primary key, v blob)')
for i in range(40): db.execute('insert into cache values (?, ?)', ('row%d' % i, os.urandom(24)))
db.execute('insert into cache values (?, ?)', ('settings', ${expr}))
db.commit(); db.close()`).concat(hidden('app.db'));

export const r23Binary: Variant[] = [
  {
    id: 'pyc-const-brotli',
    name: 'a .pyc (py_compile) whose bytes constant is brotli',
    realWorld: "a generated settings module shipping its payload compressed, only the .pyc in the image (a wheel's compileall)",
    kind: 'token',
    script: pycConst('brotli.compress(text)'),
    where: /pyc-const-brotli\/settings\.pyc@\d+!/,
  },
  {
    id: 'pyc-const-deflate-raw',
    name: 'a .pyc whose bytes constant is raw deflate',
    realWorld: 'the same module, its payload from zlib.compressobj(wbits=-15)',
    kind: 'token',
    script: pycConst('deflate_raw(text)'),
    where: /pyc-const-deflate-raw\/settings\.pyc@\d+!/,
  },
  {
    id: 'pyc-const-lzma-raw',
    name: 'a .pyc whose bytes constant is raw LZMA2',
    realWorld: 'the same module, its payload from lzma.compress(format=FORMAT_RAW)',
    kind: 'token',
    script: pycConst('lzma_raw(text)'),
    where: /pyc-const-lzma-raw\/settings\.pyc@\d+!/,
  },
  {
    id: 'marshal-dict-brotli',
    name: 'a marshal.dump of a dict whose bytes value is brotli',
    realWorld: "a tool's cache written with marshal (faster than pickle), one entry compressed",
    kind: 'token',
    script: pyValue(`${streams(3000)}import marshal
marshal.dump({'name': 'settings', 'data': brotli.compress(text), 'ids': list(range(20))}, open(os.path.join(OUT, 'cache.marshal'), 'wb'))`).concat(
      hidden('cache.marshal'),
    ),
    where: /marshal-dict-brotli\/cache\.marshal@\d+!/,
  },
  {
    id: 'sqlite-snappy',
    name: 'an SQLite BLOB of a raw snappy block (python-snappy snappy.compress)',
    realWorld: "an app's cache table whose values are snappy-compressed (as Go's snappy.Encode or Java's Snappy.compress write)",
    kind: 'token',
    script: sqliteBlob('snappy.compress(text)'),
    where: /sqlite-snappy\/app\.db!\(value \d+\)/,
  },
  {
    id: 'sqlite-lz4-block',
    name: 'an SQLite BLOB of an LZ4 block with its size first (lz4.block.compress)',
    realWorld: 'the same cache, compressed with python-lz4 (its default store_size)',
    kind: 'token',
    script: sqliteBlob('lz4.block.compress(text)'),
    where: /sqlite-lz4-block\/app\.db!\(value \d+\)/,
  },
  {
    id: 'msgpack-lz4-block-alone',
    name: 'a MessagePack bin of an LZ4 block alone (store_size=False)',
    realWorld: "a record whose payload is LZ4_compress_default's output (Java's LZ4Compressor), the size kept elsewhere",
    kind: 'token',
    script: pyValue(`${blocks}import msgpack
open(os.path.join(OUT, 'cache.msgpack'), 'wb').write(msgpack.packb({'name': 'settings', 'size': len(text), 'data': lz4.block.compress(text, store_size=False)}, use_bin_type=True))`).concat(
      hidden('cache.msgpack'),
    ),
    where: /msgpack-lz4-block-alone\/cache\.msgpack@\d+!/,
  },
  {
    id: 'cbor-snappy',
    name: 'a CBOR map (cbor2) whose byte string is a raw snappy block',
    realWorld: 'a CBOR-encoded cache entry of a Go or Rust service, its body snappy-compressed',
    kind: 'token',
    script: pyValue(`${blocks}import cbor2
open(os.path.join(OUT, 'entry.cbor'), 'wb').write(cbor2.dumps({'name': 'settings', 'body': snappy.compress(text), 'ids': list(range(20))}))`).concat(
      hidden('entry.cbor'),
    ),
    where: /cbor-snappy\/entry\.cbor@\d+!/,
  },
  {
    id: 'lmdb-snappy',
    name: 'an LMDB value (py-lmdb) of a raw snappy block',
    realWorld: 'a key-value store of snappy-compressed records',
    kind: 'token',
    script: pyValue(`${blocks}import lmdb
env = lmdb.open(os.path.join(OUT, 'kv'), map_size=1 << 24)
with env.begin(write=True) as t:
    for i in range(30): t.put(b'k%03d' % i, os.urandom(32))
    t.put(b'settings', snappy.compress(text))
env.close()
os.remove(os.path.join(OUT, 'kv', 'lock.mdb'))`).concat(hidden('kv/data.mdb')),
    where: /lmdb-snappy\/kv\/data\.mdb@\d+!/,
  },
  {
    id: 'hdf5-attr-lz4-block',
    name: 'an HDF5 attribute (h5py, opaque np.void) of an LZ4 block with its size',
    realWorld: "a model file's config attribute compressed with python-lz4",
    kind: 'token',
    script: pyValue(`${blocks}import h5py, numpy as np
f = h5py.File(os.path.join(OUT, 'model.h5'), 'w')
f.create_dataset('weights', data=np.arange(500, dtype='f4'))
f.attrs['config'] = np.void(lz4.block.compress(text))
f.close()`).concat(hidden('model.h5')),
    where: /hdf5-attr-lz4-block\/model\.h5@\d+!/,
  },
];

/**
 * Made alike by the real library, and still silent: an HDF5 attribute of variable-length bytes lives in the file's
 * global heap, which hdf5-attributes.ts does not follow (only an attribute's own data is handed on).
 */
export const r23Gaps: Variant[] = [
  {
    id: 'hdf5-vlen-attr-brotli',
    name: 'an HDF5 attribute of a variable-length uint8 sequence (global heap) holding brotli',
    realWorld: "h5py storing compressed bytes as a vlen attribute (vlen_dtype(uint8)), an app's config",
    kind: 'token',
    script: pyValue(`${streams(3000)}import h5py, numpy as np
f = h5py.File(os.path.join(OUT, 'model.h5'), 'w')
a = np.empty(1, dtype=object); a[0] = np.frombuffer(brotli.compress(text), dtype=np.uint8)
f.attrs.create('config', a, dtype=h5py.vlen_dtype(np.dtype('uint8')))
f.close()`).concat(hidden('model.h5')),
    where: /hdf5-vlen-attr-brotli\/model\.h5/,
  },
];
