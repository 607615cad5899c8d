/**
 * A compiled Python module is told by its header: the magic, then — Python 3.7 on (PEP 552) — 4 bytes of flags; before
 * 3.7 (2.7, 3.0-3.6: the .pyc files of CentOS 7, Ubuntu 18.04 and python:2.7 images) the same 4 bytes are the source's
 * mtime, whatever the clock read when the .py was written. The property: every mtime a pre-3.7 header can hold (0 to
 * 2^32-1) is a .pyc, while a 3.7+ header still needs flags 0-3. The nearest real-world case beside it: a module compiled
 * by this machine's python3 (its code object as `marshal` writes it), its constant raw deflate of the value, under a
 * 2.7/3.2/3.6 header written at 2023-11-14 22:13:31 — missed before (bytes 4-7 were read as flags), found after; the
 * 3.11 .pyc py_compile writes is found both ways.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pythonMarshal } from './serialized-marshal.js';
import { auditFiles, SECRET } from './testing.js';

const PY = '/usr/bin/python3';
/** A module compiled by python3 whose constant DATA is the value's text raw-deflated, as marshal writes its code object. */
const code = (): Buffer =>
  execFileSync(PY, [
    '-c',
    `import marshal, sys, zlib
c = zlib.compressobj(6, zlib.DEFLATED, -15)
d = c.compress(("token = ${SECRET}\\n" + ",".join(map(str, range(400)))).encode()) + c.flush()
sys.stdout.buffer.write(marshal.dumps(compile("DATA = " + repr(d) + "\\n", "/srv/app/settings.py", "exec")))`,
  ]);

/** A .pyc header of `magic` (2.4–2.7: 62061, 62131, 62161, 62211; 3.2: 3180; 3.6: 3379) with the source's mtime, and its size from 3.3 on. */
function header(magic: number, mtime: number): Buffer {
  const h = Buffer.alloc(magic >= 3190 && magic < 4000 ? 12 : 8);
  h.writeUInt16LE(magic, 0);
  h.write('\r\n', 2, 'latin1');
  h.writeUInt32LE(mtime, 4);
  if (h.length === 12) h.writeUInt32LE(4096, 8);
  return h;
}

describe('a compiled Python module, whatever the clock read when its source was written', () => {
  it('every mtime of a 2.7-3.6 header is a .pyc; a 3.7+ header still needs its flags 0-3', () => {
    const body = code();
    for (const magic of [62061, 62131, 62161, 62211, 3180, 3379])
      for (const mtime of [0, 3, 4, 255, 256, 1_700_000_011, 2 ** 31, 2 ** 32 - 1])
        expect(pythonMarshal(Buffer.concat([header(magic, mtime), body])), `magic ${magic}, mtime ${mtime}`).toBe(true);
    const flags = (f: number) => Buffer.concat([header(3495, f), Buffer.alloc(4), body]);
    expect([0, 1, 2, 3].map((f) => pythonMarshal(flags(f)))).toEqual([true, true, true, true]);
    expect([4, 256, 1_700_000_011].map((f) => pythonMarshal(flags(f)))).toEqual([false, false, false]);
  });

  it('a constant of raw deflate in a 2.6, 2.7, 3.2 or 3.6 .pyc written at 22:13:31 is read (and in the 3.11 one py_compile writes)', async () => {
    const body = code();
    const magic311 = execFileSync(PY, ['-c', 'import importlib.util, sys; sys.stdout.buffer.write(importlib.util.MAGIC_NUMBER)']);
    const files = {
      'usr/lib/python2.7/app/settings.pyc': Buffer.concat([header(62211, 1_700_000_011), body]),
      'usr/lib/python2.6/app/settings.pyc': Buffer.concat([header(62161, 1_700_000_011), body]),
      'usr/lib/python3.2/app/settings.pyc': Buffer.concat([header(3180, 1_700_000_011), body]),
      'usr/lib/python3.6/app/__pycache__/settings.cpython-36.pyc': Buffer.concat([header(3379, 1_700_000_011), body]),
      'usr/lib/python3.11/app/__pycache__/settings.cpython-311.pyc': Buffer.concat([magic311, Buffer.alloc(12), body]),
    };
    const found = await auditFiles(files);
    const leaked = [...new Set(found.filter((f) => f.severity === 'leak').map((f) => f.path.match(/python[\d.]+/)![0]))].sort();
    expect(leaked).toEqual(['python2.6', 'python2.7', 'python3.11', 'python3.2', 'python3.6']);
  }, 60_000);
});
