// Property: a curl trace (curl --trace, --trace-time; --trace-ascii) is read for the bytes received and sent, in order,
// so the HTTP reader takes the answer's chunk framing and brotli out — a value cut by a size line, or compressed with
// no magic number, is found, in any chunking of the file; a --trace-ascii trace of an encoded answer (its bytes shown
// as dots) is named; the clean twins pass; text that is not a trace is not claimed. Nearest real-world variant: a CI
// job's `curl --trace trace.log` of an API call (debugging a deploy), left in the image. Through the bundle of the
// session's start: --trace of a brotli answer and of a chunk cut through the value passed in silence, and --trace-ascii
// of a brotli answer was named leaky and clean (a damaged brotli stream).
import { describe, expect, it } from 'vitest';
import { mulberry32, testSeed } from '../../../test/support/random.js';
import { curlTrace, isCurlTrace } from './curl-trace.js';
import { decodeWith } from './decode.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

/** curl `flags` against a Node server writing `handler`'s answer (the value in `s`); the trace file. */
const trace = (handler: string, flags: string, value: string) =>
  tool(
    'sh',
    [
      '-c',
      `node srv.js & for i in $(seq 1 100); do [ -s port ] && break; sleep 0.1; done; curl -s ${flags} trace.txt "http://127.0.0.1:$(cat port)/api" -o /dev/null; wait; cat trace.txt`,
    ],
    {
      v: value,
      'srv.js': `const fs = require('fs'), zlib = require('zlib'); const s = fs.readFileSync('v', 'utf8');
const srv = require('http').createServer((req, res) => { srv.close(); ${handler}; });
srv.listen(0, '127.0.0.1', () => { fs.writeFileSync('port.tmp', String(srv.address().port)); fs.renameSync('port.tmp', 'port'); });`,
    },
  );
const json = `JSON.stringify({ rows: Array.from({ length: 2000 }, (_, i) => ({ id: i })), api_token: s })`;
const brotli = `res.writeHead(200, { 'Content-Encoding': 'br' }); const b = zlib.brotliCompressSync(${json}); for (let i = 0; i < b.length; i += 1000) res.write(b.subarray(i, i + 1000)); res.end()`;
const across = `res.writeHead(200, { 'Content-Type': 'application/json' }); const b = ${json}; const at = b.indexOf(s) + 9; res.write(b.slice(0, at)); res.write(b.slice(at)); res.end()`;
const SEED = testSeed(0xc7ace);
const rand = mulberry32(SEED);
const CLEAN = 'clean-value-of-the-same-shape+/=';

describe.skipIf(!has('curl') || !has('node'))(`curl traces (seed ${SEED})`, () => {
  it.each([
    ['--trace, a brotli answer, chunked', brotli, `-H 'Accept-Encoding: br' --trace`],
    ['--trace --trace-time, a brotli answer', brotli, `-H 'Accept-Encoding: br' --trace-time --trace`],
    ['--trace, a chunk ending inside the value', across, '--trace'],
    ['--trace-ascii, a chunk ending inside the value', across, '--trace-ascii'],
  ])('%s: found under the received bytes, the clean twin passes', async (_name, handler, flags) => {
    const leaky = trace(handler, flags, SECRET);
    expect(leaky.includes(SECRET)).toBe(false);
    const found = await auditFiles({ 'srv/trace.txt': leaky });
    expect(found.filter((f) => f.severity === 'leak').map((f) => f.path)).toContainEqual(
      expect.stringMatching(/^srv\/trace\.txt \(received\) \(as HTTP body\)/),
    );
    expect(found.filter((f) => f.severity === 'limit')).toEqual([]);
    expect(await auditFiles({ 'srv/trace.txt': trace(handler, flags, CLEAN) })).toEqual([]);
  });

  it('--trace-ascii of a brotli answer: named, leaky and clean, as not fully audited', async () => {
    for (const value of [SECRET, CLEAN]) {
      const found = await auditFiles({ 'srv/trace.txt': trace(brotli, `-H 'Accept-Encoding: br' --trace-ascii`, value) });
      // Named by this reader (the body shown as dots), and by the HTTP reader, whose brotli body is not there.
      expect(found.map((f) => `${f.severity} ${f.path}`)).toEqual(['limit srv/trace.txt', 'limit srv/trace.txt (received)']);
    }
  });

  it('any chunking of the file gives the same bytes (1–97 bytes and 32 random sizes)', async () => {
    const file = trace(brotli, `-H 'Accept-Encoding: br' --trace`, SECRET);
    const whole = await decodeWith(curlTrace, file, { chunk: file.length });
    expect(whole.limits).toEqual([]);
    const sizes = [...Array.from({ length: 97 }, (_, i) => i + 1), ...Array.from({ length: 32 }, () => 1 + Math.floor(rand() * file.length))];
    const differ: number[] = [];
    for (const chunk of sizes) {
      const r = await decodeWith(curlTrace, file, { chunk });
      if (r.limits.length || !r.out.equals(whole.out)) differ.push(chunk);
    }
    expect(differ).toEqual([]);
  });
});

describe('claims', () => {
  it("claims a trace's first line, time-stamped or not; not a log that mentions curl", () => {
    expect(isCurlTrace(Buffer.from('== Info:   Trying 127.0.0.1:8080...\n'))).toBe(true);
    expect(isCurlTrace(Buffer.from('10:05:01.123456 == Info: Connected to x\n'))).toBe(true);
    expect(isCurlTrace(Buffer.from('=> Send header, 78 bytes (0x4e)\n0000: 47 45\n'))).toBe(true);
    expect(isCurlTrace(Buffer.from('curl --trace trace.txt https://example.com\n'))).toBe(false);
    expect(isCurlTrace(Buffer.from('== Info:\n'))).toBe(false);
  });
});
