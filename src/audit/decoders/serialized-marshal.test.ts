// Property: a bytes constant of a Python module compiled by py_compile (.pyc) or a value of marshal.dump holding what an
// app compressed with no magic (brotli, raw deflate, raw LZMA2, a raw snappy block) is found at FILE@OFFSET!; the real
// .pyc files of this machine are told as marshal (none of their heads otherwise) and give no finding; a cut .pyc gives
// no false finding and never throws (a cut one is not named: its marks cannot tell a cut from a chance letter s). Fails before serialized-marshal.ts: nothing read Python's marshal (the session-start
// bundle passes such a .pyc in silence). Nearest real-world variant: a generated settings module shipped as .pyc only
// (a wheel compiled by compileall), its payload compressed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditFiles, SECRET, tool } from './testing.js';
import { serializedFormat } from './serialized-deflate.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const payload = `id=${SECRET.slice(0, 14)}\ntoken=${SECRET}\n${Array.from({ length: 2000 }, (_, i) => i).join(' ')}`;
const STREAMS = `import brotli, lzma, zlib, snappy, marshal, py_compile
text = open('in.txt', 'rb').read()
c = zlib.compressobj(9, zlib.DEFLATED, -15)
EXPRS = {'brotli': brotli.compress(text), 'deflate': c.compress(text) + c.flush(), 'lzma': lzma.compress(text, format=lzma.FORMAT_RAW, filters=[{'id': lzma.FILTER_LZMA2}]), 'snappy': snappy.compress(text)}
`;

/** A .pyc of a module whose constant DATA is the `kind` stream of the payload. */
const pyc = (kind: string) =>
  tool(
    PYTHON,
    [
      '-c',
      `${STREAMS}open('m.py', 'w').write('NAME = "settings"\\nDATA = %r\\n' % (EXPRS['${kind}'],))\npy_compile.compile('m.py', cfile='out.bin', doraise=True)`,
    ],
    { 'in.txt': payload },
    'out.bin',
  );

const leaks = async (files: Record<string, Uint8Array>) =>
  (await auditFiles(files)).map((f) => `${f.severity} ${f.path.replace(/@\d+!.*/, '@N!')}`).filter((f) => !f.startsWith('info'));

describe("Python's marshal (serialized-marshal.ts)", () => {
  it.each(['brotli', 'deflate', 'lzma', 'snappy'])('a .pyc whose bytes constant is %s: found at its offset', async (kind) => {
    const file = pyc(kind);
    expect(file.includes(Buffer.from(SECRET))).toBe(false);
    expect(serializedFormat(file)).toBe('a Python marshal');
    expect(await leaks({ 'srv/settings.pyc': file })).toEqual(['leak srv/settings.pyc@N!']);
  });

  it('a marshal.dump of a dict whose bytes value is brotli: found', async () => {
    const file = tool(
      PYTHON,
      ['-c', `${STREAMS}marshal.dump({'name': 'x', 'data': EXPRS['brotli']}, open('out.bin', 'wb'))`],
      { 'in.txt': payload },
      'out.bin',
    );
    expect(await leaks({ 'srv/cache.marshal': file })).toEqual(['leak srv/cache.marshal@N!']);
  });

  it('a .pyc cut anywhere, or with a byte set: never throws, a cut one gives no false finding', async () => {
    const file = pyc('brotli');
    const copies: Record<string, Uint8Array> = {};
    for (let at = 20; at < file.length; at += Math.ceil(file.length / 12)) {
      copies[`srv/cut${at}.pyc`] = file.subarray(0, at);
      const d = Buffer.from(file);
      d[at] = d[at]! ^ 0x5a;
      copies[`srv/set${at}.pyc`] = d;
    }
    const found = await leaks(copies);
    expect(found.filter((f) => f.includes('/cut'))).toEqual([]);
  });

  it("this machine's compiled modules (500 .pyc): all told as marshal, no finding", async () => {
    const list = execFileSync('find', ['/usr/lib', '-name', '*.pyc'], { encoding: 'utf8', maxBuffer: 64 << 20 })
      .trim()
      .split('\n')
      .filter(Boolean)
      .slice(0, 500);
    const files = Object.fromEntries(list.map((p, i) => [`srv/m${i}.pyc`, readFileSync(p)]));
    expect(list.filter((p) => serializedFormat(readFileSync(p).subarray(0, 64)) !== 'a Python marshal')).toEqual([]);
    expect(await leaks(files)).toEqual([]);
  });
});
