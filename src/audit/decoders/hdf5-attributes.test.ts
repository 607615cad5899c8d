// Property: an HDF5 attribute (h5py) whose value an app compressed with a magicless stream — brotli, raw deflate, raw
// LZMA2 — as an opaque np.void or an array of uint8, on the file or on a dataset, in version-1 object headers (h5py's
// default) and version-2 ones (libver='latest'), has that value decoded (hdf5-attributes.ts, handed to value-streams.ts
// `valuesOnward`); its clean twin (random bytes in the same place) gives nothing but the file's bytes; damaged copies
// end without a throw or a hang. Fails before: hdf5.ts read only the chunked datasets (round 21's `hdf5-attr-brotli`
// gap). Nearest real-world variant: a Keras model file whose `training_config` attribute the app compressed.
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { hdf5 } from './hdf5.js';
import { holds, pyHas, pyMade, STREAMS, TEXT } from './values-onward.testing.js';

const made = (expr: string, libver: string, how: 'void' | 'uint8' | 'dataset') =>
  pyMade(
    `import h5py, numpy as np
f = h5py.File('m', 'w', libver='${libver}')
f.attrs['version'] = 3
ds = f.create_dataset('w', data=np.arange(100))
v = ${expr}
${how === 'void' ? "f.attrs['config'] = np.void(v)" : how === 'uint8' ? "f.attrs['config'] = np.frombuffer(v, dtype=np.uint8)" : "ds.attrs['config'] = np.void(v)"}
f.attrs['name'] = 'model'
f.close()`,
    'm',
  );

describe.runIf(pyHas('h5py', 'brotli'))('HDF5 attributes handed on to the magicless-stream trial', { timeout: 60_000 }, () => {
  it.each(
    STREAMS.flatMap((expr) =>
      (['earliest', 'latest'] as const).flatMap((libver) => (['void', 'uint8', 'dataset'] as const).map((how) => ({ expr, libver, how }))),
    ),
  )('$expr as $how, libver $libver: decoded; the clean twin gives nothing more', async ({ expr, libver, how }) => {
    const file = made(expr, libver, how);
    expect(file.includes(TEXT)).toBe(false);
    const { out, limits } = await decodeWith(hdf5, file);
    expect({ found: out.includes(TEXT), limits }).toEqual({ found: true, limits: [] });
    const twin = await decodeWith(hdf5, made('os.urandom(3000)', libver, how));
    expect({ found: twin.out.includes('token='), limits: twin.limits }).toEqual({ found: false, limits: [] });
  });

  it('damaged copies end, none throws', async () => {
    await expect(holds(hdf5, made(STREAMS[0]!, 'latest', 'void'), [])).resolves.toBeUndefined();
  });
});
