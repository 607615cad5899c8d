// Property: a WARC file (wget --warc-file: .warc.gz, one gzip member a record, or --no-warc-compression) is read record
// by record, each block a member of its own, so a response's HTTP message is read by the HTTP reader — chunk size lines
// taken out, brotli undone — and a value cut by the framing or compressed with no magic number is found, in any
// chunking of the file; the clean twin passes; a record cut short, a Content-Length missing and bytes between records
// that start none are named; text that only mentions WARC is not claimed. (fuzz.testing.ts's damaged-copies rule does
// not fit: the value comes out only through the HTTP reader the router hands each block to, not from this reader alone.) Nearest real-world variant: a crawl or a
// site snapshot (wget --mirror --warc-file, a web-archiving job) of an API that answered in brotli, chunked, kept in an
// image. Through the bundle of the session's start these passed in silence (wget WARCs of brotli, gzip, deflate and
// identity bodies, chunked).
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mulberry32, testSeed } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { isWarc, warc } from './warc.js';

/** wget --warc-file of one GET against a Node server writing `handler`'s answer (the value in `s`); the WARC's bytes. */
const crawl = (handler: string, value: string, flags = '') =>
  tool(
    'sh',
    [
      '-c',
      `node srv.js & for i in $(seq 1 100); do [ -s port ] && break; sleep 0.1; done; wget -q ${flags} --warc-file=crawl "http://127.0.0.1:$(cat port)/api/config" -O /dev/null; wait; cat crawl.warc*`,
    ],
    {
      v: value,
      'srv.js': `const fs = require('fs'), zlib = require('zlib'); const s = fs.readFileSync('v', 'utf8');
const srv = require('http').createServer((req, res) => { srv.close(); ${handler}; });
srv.listen(0, '127.0.0.1', () => { fs.writeFileSync('port.tmp', String(srv.address().port)); fs.renameSync('port.tmp', 'port'); });`,
    },
  );
/** A JSON body of 2,000 rows and the value, brotli'd, written 1,000 bytes a res.write (chunked). */
const brotliChunked = `res.writeHead(200, { 'Content-Encoding': 'br' }); const b = zlib.brotliCompressSync(JSON.stringify({ rows: Array.from({ length: 2000 }, (_, i) => ({ id: i })), api_token: s })); for (let i = 0; i < b.length; i += 1000) res.write(b.subarray(i, i + 1000)); res.end()`;
/** The same JSON as it is, cut by a chunk's end 9 bytes into the value. */
const plainAcross = `res.writeHead(200, { 'Content-Type': 'application/json' }); const b = JSON.stringify({ rows: Array.from({ length: 2000 }, (_, i) => ({ id: i })), api_token: s }); const at = b.indexOf(s) + 9; res.write(b.slice(0, at)); res.write(b.slice(at)); res.end()`;
const SEED = testSeed(0x3a7c);
const rand = mulberry32(SEED);

describe.skipIf(!has('wget') || !has('node'))(`WARC files (wget --warc-file; seed ${SEED})`, () => {
  it.each([
    ['brotli, chunked, .warc.gz', brotliChunked, '', 'crawl.warc.gz'],
    ['brotli, chunked, --no-warc-compression', brotliChunked, '--no-warc-compression', 'crawl.warc'],
    ['identity, a chunk boundary inside the value, .warc.gz', plainAcross, '', 'crawl.warc.gz'],
  ])('%s: found under the response record, the clean twin passes', async (_name, handler, flags, file) => {
    const leaky = crawl(handler, SECRET, flags);
    const text = file.endsWith('.gz') ? gunzipSync(leaky) : leaky;
    expect(text.includes(SECRET)).toBe(false);
    const found = await auditFiles({ [`srv/${file}`]: leaky });
    expect(found.filter((f) => f.severity === 'leak').map((f) => f.path)).toContainEqual(
      expect.stringMatching(
        new RegExp(`^srv/${file.replace('.', '\\.')}!.*/record 3 \\(response http://127\\.0\\.0\\.1:\\d+/api/config\\) \\(as HTTP body\\)`),
      ),
    );
    expect(found.filter((f) => f.severity === 'limit')).toEqual([]);
    expect(await auditFiles({ [`srv/${file}`]: crawl(handler, 'clean-value-of-the-same-shape+/=', flags) })).toEqual([]);
  });

  it('any chunking of the file gives the same records (1–97 bytes and 32 random sizes)', async () => {
    const file = crawl(brotliChunked, SECRET, '--no-warc-compression');
    const whole = await decodeWith(warc, file, { chunk: file.length });
    expect(whole.limits).toEqual([]);
    const sizes = [...Array.from({ length: 97 }, (_, i) => i + 1), ...Array.from({ length: 32 }, () => 1 + Math.floor(rand() * file.length))];
    const differ: number[] = [];
    for (const chunk of sizes) {
      const r = await decodeWith(warc, file, { chunk });
      if (r.limits.length || !r.out.equals(whole.out)) differ.push(chunk);
    }
    expect(differ).toEqual([]);
  });

  it('a file cut inside a block, a record without Content-Length, and bytes between records are named', async () => {
    const file = crawl(brotliChunked, SECRET, '--no-warc-compression');
    const cut = await decodeWith(warc, file.subarray(0, file.length - 700));
    expect(cut.limits).toEqual([expect.stringMatching(/^a damaged WARC file \(it ends inside a member\)/)]);
    const noLength = Buffer.from(file.toString('latin1').replace(/Content-Length/, 'Content-Lenxth'), 'latin1');
    expect((await decodeWith(warc, noLength)).limits).toEqual([expect.stringMatching(/without a Content-Length/)]);
    const second = file.indexOf('WARC/1.0', 10);
    const junk = Buffer.concat([file.subarray(0, second), Buffer.from('garbage '), file.subarray(second)]);
    expect((await decodeWith(warc, junk)).limits).toEqual([expect.stringMatching(/start no WARC record/)]);
  });
});

describe('claims', () => {
  it('claims a record head; not text that mentions WARC, nor a version line without fields', () => {
    expect(isWarc(Buffer.from('WARC/1.1\r\nWARC-Type: warcinfo\r\n'))).toBe(true);
    expect(isWarc(Buffer.from('WARC/1.0 is a format\r\n'))).toBe(false);
    expect(isWarc(Buffer.from('WARC/1.0\r\n\r\n'))).toBe(false);
    expect(isWarc(Buffer.from('# WARC/1.0\r\nWARC-Type: x\r\n'))).toBe(false);
  });

  it('a record whose Content-Length claims more than the file holds is named, nothing allocated for it', async () => {
    const head = Buffer.from('WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 999999999999999\r\n\r\nshort');
    const r = await decodeWith(warc, head);
    expect(r.limits).toEqual([expect.stringMatching(/ends inside a member/)]);
    expect(r.out.toString()).toBe('short');
  });
});
