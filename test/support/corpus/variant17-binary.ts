/**
 * The seventeenth round's binary artifacts: values in the stores of data and document libraries and in installers whose
 * bytes pass through a coder no earlier round made — zarr arrays (numcodecs' Blosc: its default LZ4 after a byte
 * shuffle, BloscLZ, zstd after a bit shuffle) and a python-blosc buffer, HDF5 files PyTables and pandas' HDFStore write
 * through the Blosc, LZO and bzip2 filters, MATLAB v7.3-style .mat files (HDF5 after a 512-byte user block, shuffled
 * and deflated or LZF'd), WiredTiger tables (MongoDB's storage engine, snappy and zlib pages, the value across byte 64
 * of its page, where the page's uncompressed head ends), NSIS installers (zlib blocks, LZMA blocks, one solid LZMA
 * stream) and an ARJ archive (its default method 1); and, to be named, DjVu documents whose metadata or hidden text is BZZ-compressed. Each is made by the real
 * tool (numcodecs/zarr and python-blosc over c-blosc 1.21, PyTables, h5py over libhdf5, the `wt` tool over
 * libwiredtiger, makensis, arj, djvulibre); the value is placed as a data pipeline's export, a notebook's saved state, a
 * service's store or a release build places it.
 */
import { pyValue } from './variant-round.js';
import type { Variant } from './variant-text.js';

/** The 3,000 rows every array case writes: 64-byte strings, the value in row 1,500's JSON (python, after pyValue's prologue). */
const ROWS = `rows = [('user-%05d {"role":"reader"}' % i).encode() for i in range(3000)]
rows[1500] = ('{"api_token":"%s"}' % s).encode()`;

/** A zarr array of the rows in 512-row chunks (files 0 … 5 under data.zarr/), compressed by `comp` (numcodecs). */
const zarr = (comp: string) =>
  pyValue(`import zarr, numcodecs, numpy as np
${ROWS}
z = zarr.open(os.path.join(OUT, 'data.zarr'), mode='w', shape=(3000,), chunks=(512,), dtype='S64', compressor=${comp})
z[:] = np.array(rows, dtype='S64')`) + `\n! grep -rF "$S" "$OUT" > /dev/null`;

/** data.h5 by PyTables: the rows as a chunked array (512-row chunks) through the filter library `complib`. */
const pytables = (complib: string) =>
  pyValue(`import tables, numpy as np
${ROWS}
f = tables.open_file(os.path.join(OUT, 'data.h5'), 'w')
f.create_carray('/', 'config', obj=np.array(rows, dtype='S64'), filters=tables.Filters(complevel=5, complib='${complib}'), chunkshape=(512,))
f.close()`) + `\n! grep -F "$S" "$OUT/data.h5" > /dev/null`;

/** data.mat: a MATLAB v7.3-style file (HDF5 after a 512-byte user block), the rows in one dataset made by h5py with `opts`. */
const mat73 = (opts: string) =>
  pyValue(`import h5py, numpy as np
${ROWS}
with h5py.File(os.path.join(OUT, 'data.mat'), 'w', userblock_size=512) as f:
    f.create_dataset('config', data=np.array(rows, dtype='S64'), ${opts})`) + `\n! grep -F "$S" "$OUT/data.mat" > /dev/null`;

/**
 * A WiredTiger table made by `wt` with the block compressor `c`: the value's record first (its key sorts first), then
 * 3,000 user records — the value's JSON starts 27 bytes before the end of its page's uncompressed head.
 */
const wiredTiger = (c: string) => `X="extensions=[/usr/lib/x86_64-linux-gnu/libwiredtiger_${c}.so]"; mkdir -p "$OUT/db"
wt -C "create,$X" -h "$OUT/db" create -c "block_compressor=${c},key_format=S,value_format=S" table:cfg
(echo "WiredTiger Dump (WiredTiger Version 3.2.1)"; echo Format=print; echo Header; echo table:cfg
 echo "block_compressor=${c},key_format=S,value_format=S"; echo Data
 echo api; printf '{"api_token":"%s"}\\n' "$S"
 for i in $(seq 1 3000); do echo "user$i"; echo "{\\"id\\":$i,\\"role\\":\\"reader\\"}"; done) > dump.txt
wt -C "$X" -h "$OUT/db" load -f dump.txt > /dev/null && rm -f "$OUT/db/WiredTiger.lock"
! grep -rF "$S" "$OUT" > /dev/null`;

/** setup.exe: an NSIS installer (makensis, `SetCompressor` `compressor`) of etc/app.env, the value on its first line. */
const nsisInstaller = (compressor: string) => `mkdir -p etc && printf 'API_TOKEN=%s\\n' "$S" > etc/app.env && seq 1 3000 | sed 's/^/LINE_/' >> etc/app.env
printf 'SetCompressor ${compressor}\\nOutFile "%s/setup.exe"\\nSection\\nSetOutPath $INSTDIR\\nFile etc/app.env\\nSectionEnd\\n' "$OUT" > setup.nsi
makensis -V1 setup.nsi > /dev/null && ! grep -F "$S" "$OUT/setup.exe" > /dev/null`;

/** doc.djvu: one page (cjb2), then djvused's `set` of the value (set-ant: metadata; set-txt: a hidden text layer). */
const djvuDoc = (set: string, content: string) => `printf 'P1\\n8 8\\n%s\\n' "$(printf '0 %.0s' $(seq 1 64))" > p.pbm && cjb2 p.pbm "$OUT/doc.djvu"
printf '${content}\\n' "$S" > x.txt && djvused "$OUT/doc.djvu" -e "select 1; ${set} x.txt" -s && ! grep -F "$S" "$OUT/doc.djvu" > /dev/null`;

export const variant17Binary: Variant[] = [
  {
    id: 'zarr-blosc-default',
    name: "zarr.open(…, dtype='S64') with numcodecs' default compressor, Blosc(cname='lz4', shuffle=SHUFFLE): each chunk file a Blosc buffer, split and shuffled",
    realWorld: 'a zarr store (xarray, Dask, a feature or embedding store) written with the defaults and baked into a data or model-serving image',
    kind: 'token',
    script: zarr('numcodecs.Blosc()'),
    where: /zarr-blosc-default\/data\.zarr\/2/,
  },
  {
    id: 'zarr-blosclz',
    name: "numcodecs.Blosc(cname='blosclz'): Blosc's own FastLZ-derived coder after a byte shuffle",
    realWorld: "a zarr array written with Blosc's fastest coder (a checkpoint or a cache of intermediate results)",
    kind: 'token',
    script: zarr("numcodecs.Blosc(cname='blosclz')"),
    where: /zarr-blosclz\/data\.zarr\/2/,
  },
  {
    id: 'zarr-zstd-bitshuffle',
    name: "numcodecs.Blosc(cname='zstd', shuffle=BITSHUFFLE): each block bit-transposed (bit k of byte j of every row in one run), then zstd",
    realWorld: 'a zarr or N5-style store tuned for ratio (zstd with the bit shuffle), as climate and imaging pipelines write them',
    kind: 'token',
    script: zarr("numcodecs.Blosc(cname='zstd', shuffle=numcodecs.Blosc.BITSHUFFLE)"),
    where: /zarr-zstd-bitshuffle\/data\.zarr\/2/,
  },
  {
    id: 'blosc-pack',
    name: "python-blosc's blosc.compress(data, typesize=8, cname='lz4'): a Blosc buffer on its own, no magic number",
    realWorld: "a service's cached blob (Blosc-compressed by python-blosc, as joblib-style caches and pipelines do) kept in an image",
    kind: 'token',
    script:
      pyValue(`import blosc
data = ''.join('user-%05d role=reader\\n' % i if i != 1500 else 'api_token=%s\\n' % s for i in range(3000)).encode()
open(os.path.join(OUT, 'cache.blosc'), 'wb').write(blosc.compress(data, typesize=8, cname='lz4'))`) + `\n! grep -F "$S" "$OUT/cache.blosc" > /dev/null`,
    where: /blosc-pack\/cache\.blosc/,
  },
  {
    id: 'pytables-blosc',
    name: "PyTables Filters(complib='blosc'): an HDF5 dataset whose chunks pass through the Blosc filter (32001)",
    realWorld: "a pandas HDFStore or PyTables file (complib='blosc', the library's recommended setting) shipped with an analytics image",
    kind: 'token',
    script: pytables('blosc'),
    where: /pytables-blosc\/data\.h5!\(dataset@\d+\)/,
  },
  {
    id: 'pytables-blosc-zstd',
    name: "PyTables Filters(complib='blosc:zstd'): Blosc with zstd inside, through HDF5's filter 32001",
    realWorld: 'a PyTables/HDFStore archive tuned for size (blosc:zstd), kept in a data image',
    kind: 'token',
    script: pytables('blosc:zstd'),
    where: /pytables-blosc-zstd\/data\.h5!\(dataset@\d+\)/,
  },
  {
    id: 'pytables-lzo',
    name: "PyTables Filters(complib='lzo'): an HDF5 dataset whose chunks are LZO1X-compressed by PyTables' filter (305)",
    realWorld: "a PyTables file written with the LZO library (PyTables' fast option) in an analytics image",
    kind: 'token',
    script: pytables('lzo'),
    where: /pytables-lzo\/data\.h5!\(dataset@\d+\)/,
  },
  {
    id: 'pytables-bzip2',
    name: "PyTables Filters(complib='bzip2'): each chunk one bzip2 stream, through PyTables' filter 307",
    realWorld: "a PyTables/HDFStore file written with complib='bzip2' (the library's best-ratio setting) kept in an archive image",
    kind: 'token',
    script: pytables('bzip2'),
    where: /pytables-bzip2\/data\.h5!\(dataset@\d+\)/,
  },
  {
    id: 'mat73-shuffle-gzip',
    name: "h5py File(userblock_size=512), compression='gzip', shuffle=True: HDF5 after a 512-byte user block, as MATLAB's -v7.3 .mat files are laid out",
    realWorld: "a MATLAB -v7.3 .mat (or a Python-written one) with a model's settings, shipped in a scientific or MATLAB Runtime image",
    kind: 'token',
    script: mat73("compression='gzip', shuffle=True, chunks=(512,)"),
    where: /mat73-shuffle-gzip\/data\.mat!\(dataset@\d+\)/,
  },
  {
    id: 'mat73-lzf',
    name: "h5py File(userblock_size=512), compression='lzf': LZF'd chunks after a 512-byte user block",
    realWorld: 'a .mat-style HDF5 export with a user block (MATLAB v7.3 layout) written by a Python pipeline with LZF',
    kind: 'token',
    script: mat73("compression='lzf', chunks=(512,)"),
    where: /mat73-lzf\/data\.mat!\(dataset@\d+\)/,
  },
  {
    id: 'wiredtiger-snappy',
    name: 'wt create -c block_compressor=snappy, then wt load: WiredTiger pages whose bytes past 64 are snappy-compressed (the value across byte 64 of its page)',
    realWorld: 'a MongoDB data directory (WiredTiger, snappy by default) seeded into a demo or test image',
    kind: 'token',
    script: wiredTiger('snappy'),
    where: /wiredtiger-snappy\/db\/cfg\.wt/,
  },
  {
    id: 'wiredtiger-zlib',
    name: 'wt create -c block_compressor=zlib: WiredTiger pages whose bytes past 64 are a zlib stream (the value across byte 64 of its page)',
    realWorld: 'a MongoDB data directory configured with zlib block compression (storage.wiredTiger.collectionConfig.blockCompressor: zlib)',
    kind: 'token',
    script: wiredTiger('zlib'),
    where: /wiredtiger-zlib\/db\/cfg\.wt/,
  },
  {
    id: 'arj-default',
    name: "arj a with ARJ's default method 1: LZ77 under static Huffman codes in blocks (LHA's -lh7- coding), the value inside a member",
    realWorld: "a legacy archive (a DOS-era tool bundle, a vendor's firmware or data drop in ARJ) unpacked or kept in an image",
    kind: 'token',
    script: `mkdir -p etc && printf 'API_TOKEN=%s\\n' "$S" > etc/app.env && seq 1 3000 | sed 's/^/LINE_/' >> etc/app.env
arj a -y "$OUT/etc.arj" etc/app.env > /dev/null && ! grep -F "$S" "$OUT/etc.arj" > /dev/null`,
    where: /arj-default\/etc\.arj!\/etc\/app\.env/,
  },
  {
    id: 'nsis-zlib',
    name: "makensis with NSIS's default SetCompressor zlib: the installed files in raw-deflate blocks after the PE stub, each behind its length",
    realWorld:
      "a Windows installer (electron-builder's NSIS target, a cross-built release) made in a Linux CI image and left in it, a config with the service's token inside",
    kind: 'token',
    script: nsisInstaller('zlib'),
    where: /nsis-zlib\/setup\.exe!\(block \d+\)/,
  },
  {
    id: 'nsis-lzma',
    name: 'makensis SetCompressor lzma: each block its own LZMA stream (5 property bytes, no size)',
    realWorld: 'an NSIS installer built with LZMA (the size-conscious setting) kept beside a Linux build in an image',
    kind: 'token',
    script: nsisInstaller('lzma'),
    where: /nsis-lzma\/setup\.exe!\(block \d+\)\.lzma!/,
  },
  {
    id: 'nsis-lzma-solid',
    name: 'makensis SetCompressor /SOLID lzma: the script header and every file in one LZMA stream',
    realWorld: "an NSIS installer with NSIS's recommended /SOLID lzma (electron-builder's default compression) kept in an image",
    kind: 'token',
    script: nsisInstaller('/SOLID lzma'),
    where: /nsis-lzma-solid\/setup\.exe!\(solid\)\.lzma!/,
  },
];

/**
 * The round's findings at its start (the bundle of 66e13b4, built privately): all 16 artifacts were missed — the 4
 * Blosc buffers (zarr chunks, python-blosc), the 2 MATLAB-style files, the 2 WiredTiger tables and the 3 NSIS
 * installers in silence, the 4 PyTables files named, leaky and clean (a chunk filtered by blosc, filter 305 or bzip2,
 * not read), the ARJ archive named (method 1 not decoded), leaky and clean; the 2 DjVu documents passed in silence. Read since: blosc.ts (Blosc buffers, told by structure), hdf5-filters.ts
 * (filters 32001, 305, 307, 32004, 32015), hdf5.ts after a user block, wiredtiger.ts, nsis.ts, arj.ts.
 */
const GAPS = new Set<string>([]);

/** Every round-17 binary artifact the audit finds. */
export const variant17BinaryFound: Variant[] = variant17Binary.filter((a) => !GAPS.has(a.id));

/** The known gaps. */
export const variant17BinaryGaps: Variant[] = variant17Binary.filter((a) => GAPS.has(a.id));

/**
 * DjVu documents whose metadata or hidden text layer (BZZ-compressed: DjVu's Burrows-Wheeler coder, not read) holds the
 * value: named as not fully audited, leaky or clean. Passed in silence through the bundle of 66e13b4.
 */
export const variant17Named: Variant[] = [
  {
    id: 'djvu-metadata',
    name: 'djvused set-ant of a metadata block (Keywords holding the value): an ANTz chunk, BZZ-compressed',
    realWorld: 'a scanned document (DjVu) whose metadata a pipeline filled from its environment, shipped in a docs image',
    kind: 'token',
    script: djvuDoc('set-ant', '(metadata (Keywords \\"api_token=%s\\"))'),
    where: /djvu-metadata\/doc\.djvu/,
  },
  {
    id: 'djvu-text-layer',
    name: "djvused set-txt of a page's hidden text (an OCR layer holding the value): a TXTz chunk, BZZ-compressed",
    realWorld: 'an OCR’d scan (DjVu with a searchable text layer) of a page that showed a token, kept in an archive image',
    kind: 'token',
    script: djvuDoc('set-txt', '(page 0 0 8 8 (line 0 0 8 8 (word 0 0 8 8 \\"api_token=%s\\")))'),
    where: /djvu-text-layer\/doc\.djvu/,
  },
];
