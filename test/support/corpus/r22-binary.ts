/**
 * The twenty-second round's binary artifacts: a value an app compressed with a magicless stream (brotli, raw deflate,
 * raw LZMA2), kept as one VALUE of a structured container that hands each value on — an Avro record's bytes field, map
 * value or fixed-free union branch (python3-avro, null and deflate codecs), an HDF5 attribute (h5py: opaque np.void or a
 * uint8 array, on the file or a dataset, version-1 and version-2 object headers, where the attribute sits in a
 * continuation block), a pickle in Python's shelve (dbm.ndbm: a Berkeley DB hash, the pickle on an overflow page of its
 * own). Each made by the real library (python3 of the distribution). `r22Gaps`: made alike and still silent.
 */
import { hidden, streams } from './r21-binary.js';
import { pyValue } from './variant-round.js';
import type { Variant } from './variant-text.js';

const SCHEMA = `{"type":"record","name":"Event","namespace":"app","fields":[{"name":"id","type":{"type":"fixed","name":"Id","size":16}},{"name":"k","type":"string"},{"name":"attrs","type":{"type":"map","values":"bytes"}},{"name":"v","type":["null","bytes"]}]}`;

/** An Avro data file of 40 events, one holding `expr` as `field` ('v': the union's bytes; 'attrs': a map value). */
const avroFile = (expr: string, codec: string, field: 'v' | 'attrs') =>
  pyValue(`${streams(3000)}import avro.schema, avro.datafile, avro.io
sch = avro.schema.parse('${SCHEMA}')
w = avro.datafile.DataFileWriter(open(os.path.join(OUT, 'events.avro'), 'wb'), avro.io.DatumWriter(), sch, codec='${codec}')
for i in range(40): w.append({'id': os.urandom(16), 'k': 'e%d' % i, 'attrs': {'n': os.urandom(20)}, 'v': os.urandom(24) if i % 2 else None})
w.append({'id': os.urandom(16), 'k': 'settings', 'attrs': {'cfg': ${field === 'attrs' ? expr : "b'x'"}}, 'v': ${field === 'v' ? expr : 'None'}})
w.close()`).concat(hidden('events.avro'));

const h5File = (expr: string, libver: string, on: string) =>
  pyValue(`${streams(3000)}import h5py, numpy as np
f = h5py.File(os.path.join(OUT, 'model.h5'), 'w', libver='${libver}')
f.attrs['version'] = 2
ds = f.create_dataset('weights', data=np.arange(500, dtype='f4'))
${on}
f.close()`).concat(hidden('model.h5'));

const shelveFile = (expr: string) =>
  pyValue(`${streams(3000)}import shelve
d = shelve.open(os.path.join(OUT, 'cache'))
for i in range(20): d['k%d' % i] = os.urandom(30)
d['settings'] = ${expr}
d.close()`).concat(hidden('cache.db'));

export const r22Binary: Variant[] = [
  {
    id: 'avro-bytes-brotli',
    name: 'an Avro data file (python3-avro, null codec) whose union bytes field is brotli',
    realWorld: 'a Kafka Connect or Spark export in Avro, a bytes column compressed by the producer',
    kind: 'token',
    script: avroFile('brotli.compress(text)', 'null', 'v'),
    where: /avro-bytes-brotli\/events\.avro@\d+!/,
  },
  {
    id: 'avro-deflate-codec-lzma-raw',
    name: 'an Avro data file of the deflate codec whose union bytes field is raw LZMA2 (inside the decoded block)',
    realWorld: 'the same file written with codec=deflate (the default of many pipelines)',
    kind: 'token',
    script: avroFile('lzma_raw(text)', 'deflate', 'v'),
    where: /avro-deflate-codec-lzma-raw\/events\.avro!\(value \d+\)/,
  },
  {
    id: 'avro-map-deflate-raw',
    name: 'an Avro map<bytes> value of raw deflate',
    realWorld: "a record's headers or attributes map, one value compressed by the app",
    kind: 'token',
    script: avroFile('deflate_raw(text)', 'null', 'attrs'),
    where: /avro-map-deflate-raw\/events\.avro@\d+!/,
  },
  {
    id: 'hdf5-attr-brotli',
    name: 'an HDF5 file attribute (h5py, opaque np.void) holding brotli, in a v1 header continuation block',
    realWorld: "a model file's metadata attribute (its training config) compressed by the app",
    kind: 'token',
    script: h5File('', 'earliest', "f.attrs['config'] = np.void(brotli.compress(text))"),
    where: /hdf5-attr-brotli\/model\.h5@\d+!/,
  },
  {
    id: 'hdf5-dataset-attr-deflate-latest',
    name: "an HDF5 dataset's attribute (uint8 array of raw deflate), libver='latest' (version-2 headers)",
    realWorld: "a dataset's provenance attribute, the file written with h5py's newest format",
    kind: 'token',
    script: h5File('', 'latest', "ds.attrs['provenance'] = np.frombuffer(deflate_raw(text), dtype=np.uint8)"),
    where: /hdf5-dataset-attr-deflate-latest\/model\.h5@\d+!/,
  },
  {
    id: 'shelve-brotli',
    name: "Python's shelve (dbm.ndbm: a Berkeley DB hash) of a pickle holding brotli, on one overflow page",
    realWorld: 'a Python tool caching its settings with shelve, compressed with brotli',
    kind: 'token',
    script: shelveFile('brotli.compress(text)'),
    where: /shelve-brotli\/cache\.db@\d+!/,
  },
  {
    id: 'shelve-lzma-raw',
    name: 'the same shelve, its pickle holding raw LZMA2',
    realWorld: 'the same with raw LZMA2',
    kind: 'token',
    script: shelveFile('lzma_raw(text)'),
    where: /shelve-lzma-raw\/cache\.db@\d+!/,
  },
];

/**
 * Made alike by the real libraries, and still silent: protobuf has no structure to tell a message by (a reader would
 * claim arbitrary bytes); a shelve item small enough for its hash page is not handed on (only overflow items are).
 */
export const r22Gaps: Variant[] = [
  {
    id: 'protobuf-bytes-brotli',
    name: 'a protobuf message (google.protobuf BytesValue) whose bytes field is brotli',
    realWorld: 'a gRPC service caching a response message to disk, its payload field brotli-compressed',
    kind: 'token',
    script: pyValue(`${streams(3000)}from google.protobuf import wrappers_pb2
open(os.path.join(OUT, 'resp.pb'), 'wb').write(wrappers_pb2.BytesValue(value=brotli.compress(text)).SerializeToString())`).concat(hidden('resp.pb')),
    where: /protobuf-bytes-brotli\/resp\.pb/,
  },
  {
    id: 'shelve-small-brotli',
    name: 'a shelve of a short pickle holding brotli, on its hash page (not an overflow page)',
    realWorld: 'a shelve of many small compressed records',
    kind: 'token',
    script: pyValue(`${streams(200)}import shelve
d = shelve.open(os.path.join(OUT, 'cache'))
d['settings'] = brotli.compress(text)
d.close()`).concat(hidden('cache.db')),
    where: /shelve-small-brotli\/cache\.db/,
  },
];
