// Property: an HTTP/1.x message kept as it went over the wire (curl -i, curl -i --raw) is read for
// its body as the headers frame it — chunked framing taken out, a brotli Content-Encoding undone,
// one body per message — so a value cut by chunk size lines or compressed with no magic number is
// found, in any chunking of the file; the clean twins pass; text that only looks like HTTP is not
// claimed. Real-world variants beside: curl against a local Node server writing its JSON 16 bytes a
// res.write (chunked) or answering in brotli, curl -i -L through a redirect. Red team round 7
// (http-chunked, http-brotli) missed both before this decoder.
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { httpMessage, sniffHttp } from './http-message.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { mulberry32, testSeed } from '../../../test/support/random.js';

/** curl `args` against a Node server that answers `requests` requests with `handler` (the value in `s`); its output file. */
const curl = (handler: string, args: string, value: string, requests = 1) =>
  tool(
    'sh',
    [
      '-c',
      `node srv.js & for i in $(seq 1 100); do [ -s port ] && break; sleep 0.1; done; curl -s ${args} "http://127.0.0.1:$(cat port)/api" -o out --max-time 20; wait; cat out`,
    ],
    {
      v: value,
      'srv.js': `const fs = require('fs'), zlib = require('zlib'); const s = fs.readFileSync('v', 'utf8'); let n = 0;
const srv = require('http').createServer((req, res) => { if (++n >= ${requests}) srv.close(); ${handler}; });
srv.listen(0, '127.0.0.1', () => { fs.writeFileSync('port.tmp', String(srv.address().port)); fs.renameSync('port.tmp', 'port'); });`,
    },
  );
const chunked = `res.writeHead(200, { 'Content-Type': 'application/json' }); const b = JSON.stringify({ access_token: s }); for (let i = 0; i < b.length; i += 7) res.write(b.slice(i, i + 7)); res.end()`;
const brotli = `res.writeHead(200, { 'Content-Encoding': 'br' }); res.end(zlib.brotliCompressSync(JSON.stringify({ api_key: s })))`;
const SEED = testSeed(727272);
const rand = mulberry32(SEED);

describe.skipIf(!has('curl') || !has('node'))('HTTP messages (curl -i)', () => {
  it.each([
    ['chunked, kept by --raw', chunked, '-i --raw'],
    ['brotli, without --compressed', brotli, '-i'],
  ])('%s: found under the body, the clean twin passes', async (_name, handler, args) => {
    const leaky = curl(handler, args, SECRET);
    expect(leaky.includes(SECRET)).toBe(false);
    expect(sniffHttp(leaky)).toBe(true);
    expect(await auditFiles({ 'srv/fixtures/token.http': leaky })).toEqual([
      { severity: 'leak', what: 'token', path: 'srv/fixtures/token.http (as HTTP body)' },
    ]);
    expect(await auditFiles({ 'srv/fixtures/token.http': curl(handler, args, 'clean-value-nothing-here') })).toEqual([]);
  });

  it('the body back whatever the chunking of the file: chunked, brotli, chunked but kept unframed', async () => {
    // curl -i without --raw keeps the Transfer-Encoding header but writes the body unframed: read as it is.
    for (const [handler, args] of [
      [chunked, '-i --raw'],
      [brotli, '-i'],
      [chunked, '-i'],
    ] as const) {
      const file = curl(handler, args, SECRET);
      for (const chunk of [1, 2, 5, 13, 64, file.length]) {
        const { out, limits } = await decodeWith(httpMessage, file, { chunk });
        expect(limits).toEqual([]);
        expect(out.toString(), `chunks of ${chunk}`).toContain(SECRET);
      }
    }
  });

  it('curl -i -L: a redirect, then the chunked answer — each message its own body', async () => {
    const redirect = `if (req.url === '/api') { res.writeHead(302, { Location: '/api/v2' }); res.end('moved'); return; } ${chunked}`;
    const file = curl(redirect, '-i -L --raw', SECRET, 2);
    expect((await auditFiles({ 'srv/t.http': file })).map((f) => f.path)).toEqual(['srv/t.http (as HTTP body 2)']);
  });

  it('random chunk sizes of a generated body: the body back exactly', async () => {
    for (let i = 0; i < 50; i++) {
      const body = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 3000) }, () => Math.floor(rand() * 256)));
      const parts: Buffer[] = [Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')];
      for (let at = 0; at < body.length;) {
        const n = Math.min(body.length - at, 1 + Math.floor(rand() * 300));
        parts.push(Buffer.from(`${n.toString(16)}${rand() < 0.2 ? ';ext=1' : ''}\r\n`), body.subarray(at, at + n), Buffer.from('\r\n'));
        at += n;
      }
      parts.push(Buffer.from('0\r\nX-Trailer: 1\r\n\r\n'));
      const { out } = await decodeWith(httpMessage, Buffer.concat(parts), { chunk: 1 + Math.floor(rand() * 100) });
      expect(out.equals(body), `seed ${SEED}, case ${i}`).toBe(true);
    }
  });

  it('text that only looks like HTTP is not claimed', () => {
    for (const t of ['HTTP/1.1 is a protocol\n', 'HTTP/1.1 200 OK\n\nbody', 'GET / HTTP/1.1 then words\nHost: x\n', 'HTTPS/1.1 200 OK\r\nA: b\r\n'])
      expect(sniffHttp(Buffer.from(t)), t).toBe(false);
    expect(sniffHttp(Buffer.from('GET /x HTTP/1.1\r\nHost: a\r\n\r\n'))).toBe(true);
  });
});
