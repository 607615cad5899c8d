// Property (issue 28, bad input: a stream read only partly in silence): an HTTP/1.x response kept as it went over the
// wire, found after other bytes in a file no reader claims (a CI log that ran `curl -si --raw`, a capture, a cache
// record), is read as its headers frame it — its chunked framing taken out, its gzip or brotli body undone — so a value
// in a gzip body cut every 1000 bytes by a size line (the gzip member found by its magic failed at the first size line,
// within its first 4 KiB: silent), in a brotli body (no magic) or cut by a size line itself is found; the clean twins
// give nothing. Before embedded.ts found HTTP messages, each of these was silent (or, 8 KiB chunks, named but not read).
// Nearest real-world variant: `curl -si --raw` against a local Node server answering chunked gzip / brotli / 16-byte
// writes, its output appended to a build log after binary bytes.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { auditFiles, has, SECRET, tool } from './testing.js';

const TWIN = 'x'.repeat(SECRET.length);
const body = (v: string) =>
  `${Array.from({ length: 3000 }, (_, i) => `{"line":${i},"n":${(i * 2654435761) >>> 0},"m":${(i * 40503) % 9973}}`).join('\n')}\n{"access_token":"${v}"}\n`;
/** Bytes no reader claims before the message: a build log's binary noise (no magic of any format). */
const junk = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131 + 7) & 0xff));
/** `size`-byte chunks of `b`, as a server writing it in pieces frames it. */
const chunked = (b: Buffer, size: number) => {
  const parts: Buffer[] = [];
  for (let i = 0; i < b.length; i += size)
    parts.push(Buffer.from(`${Math.min(size, b.length - i).toString(16)}\r\n`), b.subarray(i, i + size), Buffer.from('\r\n'));
  return Buffer.concat([...parts, Buffer.from('0\r\n\r\n')]);
};
const head = (encoding: string) => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${encoding}Transfer-Encoding: chunked\r\n\r\n`;
const inside = (message: Buffer) => Buffer.concat([junk, Buffer.from('\n$ curl -si --raw http://127.0.0.1/api\n'), message, Buffer.from('\n'), junk]);

/** curl -si --raw against a Node server answering with `handler` (the value in `s`): the output as it went over the wire. */
const curl = (handler: string, value: string) =>
  tool(
    'sh',
    [
      '-c',
      'node srv.js & for i in $(seq 1 100); do [ -s port ] && break; sleep 0.1; done; curl -si --raw "http://127.0.0.1:$(cat port)/api" -o out --max-time 20; wait; cat out',
    ],
    {
      v: body(value),
      'srv.js': `const fs = require('fs'), zlib = require('zlib'); const s = fs.readFileSync('v');
const srv = require('http').createServer((req, res) => { srv.close(); ${handler}; });
srv.listen(0, '127.0.0.1', () => { fs.writeFileSync('port.tmp', String(srv.address().port)); fs.renameSync('port.tmp', 'port'); });`,
    },
  );
const HANDLERS: Array<[string, string]> = [
  [
    'gzip, piped (a chunk per gzip flush)',
    `res.writeHead(200, { 'Content-Encoding': 'gzip' }); const z = zlib.createGzip({ chunkSize: 1024 }); z.pipe(res); for (let i = 0; i < s.length; i += 512) z.write(s.subarray(i, i + 512)), z.flush(); z.end()`,
  ],
  ['brotli, piped', `res.writeHead(200, { 'Content-Encoding': 'br' }); const z = zlib.createBrotliCompress({ chunkSize: 1024 }); z.pipe(res); z.end(s)`],
  ['identity, 16-byte writes', `res.writeHead(200); for (let i = 0; i < s.length; i += 16) res.write(s.subarray(i, i + 16)); res.end()`],
];

const leaks = async (file: Buffer) => (await auditFiles({ 'var/log/build.log': file })).filter((f) => f.severity === 'leak').map((f) => f.path);
const all = async (file: Buffer) => (await auditFiles({ 'var/log/build.log': file })).map((f) => `${f.severity} ${f.path}`);

describe('an HTTP message after other bytes', () => {
  it.each([1000, 8192, 65536])('a gzip body in %i-byte chunks: found under the body, the twin gives nothing', async (size) => {
    const message = (v: string) => inside(Buffer.concat([Buffer.from(head('Content-Encoding: gzip\r\n')), chunked(gzipSync(body(v)), size)]));
    expect(await leaks(message(SECRET))).toEqual(['var/log/build.log@3039 (as HTTP body)!']);
    expect(await all(message(TWIN))).toEqual([]);
  });

  it('an identity body whose value a size line cuts: found', async () => {
    const b = Buffer.from(body(SECRET));
    const at = b.indexOf(SECRET) + 9;
    // The body in two chunks, a size line between the value's 9th and 10th bytes.
    const framed = Buffer.concat([Buffer.from(head('')), chunked(b.subarray(0, at), at).subarray(0, -5), chunked(b.subarray(at), b.length)]);
    expect(framed.includes(SECRET)).toBe(false);
    expect(await leaks(inside(framed))).toEqual(['var/log/build.log@3039 (as HTTP body)']);
  });

  describe.skipIf(!has('curl') || !has('node'))('curl -si --raw against a Node server', () => {
    it.each(HANDLERS)('%s: found, the twin gives nothing', async (_what, handler) => {
      const [leaky, clean] = [curl(handler, SECRET), curl(handler, TWIN)];
      expect(leaky.subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
      expect(leaky.includes(SECRET)).toBe(false);
      expect((await leaks(inside(leaky))).length).toBeGreaterThan(0);
      expect(await all(inside(clean))).toEqual([]);
    });
  });
});
