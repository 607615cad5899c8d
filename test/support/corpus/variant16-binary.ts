/**
 * The sixteenth round's binary artifacts: values inside files a data or storage library writes, where a filter or a
 * dictionary stands between the value and the file's bytes — HDF5 datasets (h5py, the way data pipelines, Keras and
 * netCDF-4 write them) whose chunks pass through a filter pipeline (h5py's LZF, gzip after a byte shuffle, a shuffle
 * and a Fletcher-32 checksum with no compression; in the newest file format one chunk, a fixed array, an extensible
 * array, in pages and super blocks), RocksDB tables compressed with zstd or zlib and a dictionary trained per table (`compression_max_dict_bytes`),
 * the dictionary kept in the table's own meta block, and a 7z archive of executables made with 7-Zip's ultra preset,
 * which filters them with BCJ2. Each is made by the real tool (h5py over libhdf5, RocksDB's `ldb`, gcc and 7-Zip); the
 * value is placed as an export job, a service's state store or a build places it.
 */
import { pyValue } from './variant-round.js';
import type { Variant } from './variant-text.js';

/**
 * data.h5: 3,000 rows of fixed-length strings (64 bytes), the value in row 1,500's JSON, one dataset written by h5py
 * with `opts` (a Python argument list) and the file's format `libver`.
 */
const h5 = (opts: string, libver = 'earliest') =>
  pyValue(`import h5py, numpy as np
rows = [('user-%05d {"role":"reader"}' % i).encode() for i in range(3000)]
rows[1500] = ('{"api_token":"%s"}' % s).encode()
with h5py.File(os.path.join(OUT, 'data.h5'), 'w', libver='${libver}') as f:
    f.create_dataset('config', data=np.array(rows, dtype='S64'), ${opts})`) + `\n! grep -F "$S" "$OUT/data.h5" > /dev/null`;

/** A RocksDB database made by `ldb load` (3,000 records, then the value's) and compacted, with the options `opts`. */
const rocksdb = (
  opts: string,
) => `(for i in $(seq 1 3000); do echo "user:$i ==> {\\"id\\":$i,\\"role\\":\\"reader\\"}"; done; echo "config:api ==> {\\"api_token\\":\\"$S\\"}") > in.txt
ldb --db="$OUT/db" --create_if_missing ${opts} load < in.txt > /dev/null && ldb --db="$OUT/db" ${opts} compact > /dev/null
! grep -rF "$S" "$OUT" > /dev/null`;

export const variant16Binary: Variant[] = [
  {
    id: 'h5-lzf',
    name: "h5py create_dataset(compression='lzf'): a dataset of strings in 512-row chunks, each LZF'd by h5py's own filter",
    realWorld: "a data pipeline's HDF5 export (h5py's fast LZF filter) baked into a model-serving or analytics image",
    kind: 'token',
    script: h5("compression='lzf', chunks=(512,)"),
    where: /h5-lzf\/data\.h5/,
  },
  {
    id: 'h5-gzip-shuffle',
    name: "h5py create_dataset(compression='gzip', shuffle=True): each chunk's bytes shuffled (byte j of every row first), then deflated",
    realWorld: 'an HDF5 or netCDF-4 file written with the shuffle+deflate pair data libraries recommend, shipped in an image',
    kind: 'token',
    script: h5("compression='gzip', shuffle=True, chunks=(512,)"),
    where: /h5-gzip-shuffle\/data\.h5/,
  },
  {
    id: 'h5-shuffle-fletcher32',
    name: 'h5py create_dataset(shuffle=True, fletcher32=True): shuffled and checksummed, not compressed',
    realWorld: 'an HDF5 dataset written with checksums on (fletcher32) and the shuffle filter, as archival data pipelines set them',
    kind: 'token',
    script: h5('shuffle=True, fletcher32=True, chunks=(512,)'),
    where: /h5-shuffle-fletcher32\/data\.h5/,
  },
  {
    id: 'h5-latest-single',
    name: "h5py File(libver='latest'), compression='lzf', shuffle=True, one chunk: a version-2 object header and a layout whose only chunk is its index",
    realWorld: "an HDF5 file written with the newest file format (h5py's libver='latest', as SWMR writers need) holding a configuration table",
    kind: 'token',
    script: h5("compression='lzf', shuffle=True, chunks=(3000,)", 'latest'),
    where: /h5-latest-single\/data\.h5/,
  },
  {
    id: 'h5-latest-fixed-array',
    name: "h5py File(libver='latest'), gzip and shuffle in 512-row chunks: the chunks indexed by a fixed array",
    realWorld: "an HDF5 file written by h5py with libver='latest' (as SWMR writers and newer netCDF/HDF5 tools do)",
    kind: 'token',
    script: h5("compression='gzip', shuffle=True, chunks=(512,)", 'latest'),
    where: /h5-latest-fixed-array\/data\.h5/,
  },
  {
    id: 'h5-latest-extensible',
    name: "h5py File(libver='latest'), maxshape=(None,): a resizable dataset, its chunks indexed by an extensible array",
    realWorld: 'an append-only HDF5 log or time series (a resizable dataset) written with the newest file format',
    kind: 'token',
    script: h5("compression='gzip', shuffle=True, chunks=(512,), maxshape=(None,)", 'latest'),
    where: /h5-latest-extensible\/data\.h5/,
  },
  {
    id: 'h5-latest-paged',
    name: "h5py File(libver='latest'), gzip and shuffle in 2-row chunks: 1,500 chunks, their fixed array in pages",
    realWorld: "an HDF5 file of many small chunks written by h5py with libver='latest' (as SWMR writers and newer HDF5 tools do)",
    kind: 'token',
    script: h5("compression='gzip', shuffle=True, chunks=(2,)", 'latest'),
    where: /h5-latest-paged\/data\.h5/,
  },
  {
    id: 'h5-latest-super-blocks',
    name: "h5py File(libver='latest'), maxshape=(None,), 2-row chunks: a resizable dataset whose extensible array has super blocks",
    realWorld: 'an append-only HDF5 log or time series (a resizable dataset in small chunks) written with the newest file format',
    kind: 'token',
    script: h5("compression='gzip', shuffle=True, chunks=(2,), maxshape=(None,)", 'latest'),
    where: /h5-latest-super-blocks\/data\.h5/,
  },
  {
    id: '7z-bcj2-ultra',
    name: "7zz a -mx=9 of a directory of executables: 7-Zip's ultra preset filters x86 executables with BCJ2 (four streams: code, calls, jumps, a range coder)",
    realWorld: "a release's binaries packed with `7z a -mx=9 tools.7z bin/` and unpacked (or kept) in an image, one built with the service's token compiled in",
    kind: 'token',
    script: `printf '#include <stdio.h>\\nstatic const char *token = "API_TOKEN=%s";\\nint main(int c, char **v) { if (c > 1 && v[1][0] == 116) puts(token); return 0; }\\n' "$S" > svc.c
mkdir -p bin && gcc -O2 -o bin/svc svc.c && grep -F "$S" bin/svc > /dev/null && cp /usr/bin/true /usr/bin/ls bin/
7zz a -bd -bso0 -mx=9 "$OUT/tools.7z" bin && 7zz l -slt "$OUT/tools.7z" | grep 'Method = .*BCJ2' > /dev/null && ! grep -F "$S" "$OUT/tools.7z" > /dev/null`,
    where: /7z-bcj2-ultra\/tools\.7z!\/bin\/svc/,
  },
  {
    id: 'rocksdb-zstd-dict',
    name: 'ldb --compression_type=zstd --compression_max_dict_bytes=16384: a RocksDB table whose blocks were compressed with a dictionary trained at compaction',
    realWorld: "a service's RocksDB state store (Kafka Streams, a TiKV/CockroachDB-style store) tuned with zstd dictionaries, copied into an image",
    kind: 'token',
    script: rocksdb('--compression_type=zstd --compression_max_dict_bytes=16384'),
    where: /rocksdb-zstd-dict\/db\/\d+\.sst/,
  },
  {
    id: 'rocksdb-zlib-dict',
    name: "ldb --compression_type=zlib --compression_max_dict_bytes=16384: raw deflate blocks primed with the table's trained dictionary",
    realWorld: 'a RocksDB store configured with zlib and a compression dictionary (a MyRocks or Ceph-style tuning), kept in an image',
    kind: 'token',
    script: rocksdb('--compression_type=zlib --compression_max_dict_bytes=16384'),
    where: /rocksdb-zlib-dict\/db\/\d+\.sst/,
  },
];

/**
 * An HDF5 dataset with two unlimited dimensions, its chunks indexed by a version-2 B-tree in the newest file format:
 * not read, named as not fully audited, leaky or clean.
 */
export const variant16Named: Variant[] = [
  {
    id: 'h5-latest-two-unlimited',
    name: "h5py File(libver='latest'), maxshape=(None, None): a grid resizable in both dimensions, its chunks indexed by a version-2 B-tree",
    realWorld: 'an HDF5 table or matrix that grows in rows and columns (a feature store, a sensor grid) written with the newest file format',
    kind: 'token',
    script: pyValue(`import h5py, numpy as np
rows = np.array([[('r%05d-%d' % (i, j)).encode() for j in range(4)] for i in range(3000)], dtype='S64')
rows[1500, 2] = ('{"api_token":"%s"}' % s).encode()
with h5py.File(os.path.join(OUT, 'grid.h5'), 'w', libver='latest') as f:
    f.create_dataset('grid', data=rows, chunks=(64, 2), maxshape=(None, None), compression='gzip', shuffle=True)`),
    where: /h5-latest-two-unlimited\/grid\.h5/,
  },
];

/**
 * The round's findings at its start (the shipped bundle's source at 1f5ef53, built privately): all 11 artifacts were
 * missed (the 8 HDF5 files in silence; the 2 RocksDB tables and the BCJ2 archive named, leaky and clean alike), and the
 * named HDF5 file passed in silence too. Read since: hdf5.ts (object headers, filter
 * pipelines; version-1 B-trees, single chunks, fixed and extensible arrays; deflate, shuffle, Fletcher-32, LZF) and sst.ts's
 * compression dictionary (the metaindex's `rocksdb.compression_dict`, for zstd, zlib and LZ4 blocks; before, the
 * table's first block was named as not decoding, leaky or clean), bcj2.ts (7-Zip's BCJ2 graph, named before).
 */
const GAPS = new Set<string>([]);

/** Every round-16 binary artifact the audit finds. */
export const variant16BinaryFound: Variant[] = variant16Binary.filter((a) => !GAPS.has(a.id));

/** The known gaps. */
export const variant16BinaryGaps: Variant[] = variant16Binary.filter((a) => GAPS.has(a.id));
