// Hex dumps as the real tools print them (fixtures made with xxd, hexdump and GNU od from one
// file, test/fixtures/hexdumps/original.txt), read back into exactly that file's bytes, whatever
// the chunking of the stream. And `curl --trace-ascii` (the real curl against a local server): a
// header or body line longer than 64 bytes is cut, the rest after an offset — a value across the
// cut was missed (red team round 6); its lines are joined where the offsets follow on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditFiles, has, SECRET, tool } from './decoders/testing.js';
import { DumpDecoder, sniffDump } from './hexdump.js';

const dir = join(import.meta.dirname, '../../test/fixtures/hexdumps');
const original = readFileSync(join(dir, 'original.txt'));

describe('hex dumps', () => {
  it.each([
    ['xxd.txt', 'xxd'],
    ['xxd-g1-c8.txt', 'xxd'],
    ['hexdump-C.txt', 'canonical'],
    ['hexdump.txt', 'words'],
    ['od-x.txt', 'words'],
    ['od-An-tx1.txt', 'bytes'],
    ['od-Ax-tx1z.txt', 'bytes'],
  ] as const)('%s is read as %s and gives the bytes back, in any chunking', (file, format) => {
    const dump = readFileSync(join(dir, file));
    expect(sniffDump(dump)).toBe(format);
    for (const size of [1, 5, 64, dump.length]) {
      const out: Buffer[] = [];
      const d = new DumpDecoder(format, (b) => out.push(b));
      for (let i = 0; i < dump.length; i += size) d.push(dump.subarray(i, i + size), false);
      d.push(new Uint8Array(0), true);
      expect(Buffer.concat(out).toString('latin1')).toBe(original.toString('latin1'));
    }
  });

  it.each([
    ['repeats.hexdump-C.txt', 'canonical'],
    ['repeats.od-x.txt', 'words'],
    ['repeats.od-tx1.txt', 'bytes'],
    ['repeats.xxd-a.txt', 'xxd'],
  ] as const)('%s: lines a * stands for are given back', (file, format) => {
    const dump = readFileSync(join(dir, file));
    expect(dump.toString()).toMatch(format === 'xxd' ? /q/ : /^\*$/m);
    const out: Buffer[] = [];
    const d = new DumpDecoder(format, (b) => out.push(b));
    d.push(dump, true);
    expect(Buffer.concat(out).toString('latin1')).toBe(readFileSync(join(dir, 'repeats.txt'), 'latin1'));
  });

  // od's wider words (round 14: od -A x -t x4 of an env file was missed — only 2-byte words after a 7-digit offset were
  // told): each word's bytes little-endian, reversed back; the last word padded with NULs, trimmed by the closing offset.
  it.skipIf(!has('od')).each(['-A x -t x4', '-t x4', '-A x -t x8', '-A x -x'])(
    'od %s (real od) is read as words and gives the bytes back, in any chunking',
    (args) => {
      const dump = tool('od', [...args.split(' '), 'original.txt'], { 'original.txt': original });
      expect(sniffDump(dump)).toBe('words');
      for (const size of [1, 5, 64, dump.length]) {
        const out: Buffer[] = [];
        const d = new DumpDecoder('words', (b) => out.push(b));
        for (let i = 0; i < dump.length; i += size) d.push(dump.subarray(i, i + size), false);
        d.push(new Uint8Array(0), true);
        expect(Buffer.concat(out).toString('latin1')).toBe(original.toString('latin1'));
      }
    },
  );

  it('does not take ordinary text, a CSV of numbers or base64 for a dump', () => {
    for (const text of [
      'hello world\nsecond line\n',
      '10 20 30 40 50\n',
      'ZGIucGFzc3dvcmQ9dG9r\n',
      '# config\nkey: 00 11\n',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  file\n',
      '1fe5976 corpus: one Python .reg writer\n',
    ]) {
      expect(sniffDump(Buffer.from(text)), text).toBeUndefined();
    }
  });
});

/** A python server on a free port answering one request, and curl --trace-ascii of a request to it with `hdr` as a header file and `body` as its data. */
const CURL_TRACE = `cat > srv.py <<'EOF'
import http.server, os, socketserver
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers['Content-Length'])); self.send_response(200); self.send_header('Content-Length', '2'); self.end_headers(); self.wfile.write(b'ok')
    def log_message(self, *a): pass
s = socketserver.TCPServer(('127.0.0.1', 0), H)
open('port.tmp', 'w').write(str(s.server_address[1])); os.rename('port.tmp', 'port')
s.handle_request()
EOF
python3 srv.py & for i in $(seq 1 50); do [ -s port ] && break; sleep 0.1; done
curl -s --trace-ascii trace.log -H @hdr --data-binary @body "http://127.0.0.1:$(cat port)/deploy" -o /dev/null; wait; cat trace.log`;

const trace = (value: string) =>
  tool('sh', ['-c', CURL_TRACE], {
    // 40 bytes before the value: it crosses the header line's cut at 64; the body's at 64 too.
    hdr: `X-Deploy: ${'a'.repeat(40)}${value}\n`,
    body: `{"note":"${'b'.repeat(36)}","token":"${value}","more":"${'c'.repeat(80)}"}`,
  });

describe.skipIf(!has('curl') || !has('python3'))('curl --trace-ascii', () => {
  it('the real trace is told by its first line; lines cut at 64 are joined, line breaks kept', () => {
    const t = trace(SECRET);
    expect(t.toString()).not.toContain(SECRET); // cut by the trace
    expect(sniffDump(t)).toBe('curl');
    for (const size of [1, 7, t.length]) {
      const out: Buffer[] = [];
      const d = new DumpDecoder('curl', (b) => out.push(b));
      for (let i = 0; i < t.length; i += size) d.push(t.subarray(i, i + size), false);
      d.push(new Uint8Array(0), true);
      const text = Buffer.concat(out).toString('latin1');
      expect(text).toContain(`X-Deploy: ${'a'.repeat(40)}${SECRET}\n`);
      expect(text).toContain(`"token":"${SECRET}","more"`);
      expect(text).toMatch(/^POST \/deploy HTTP\/1\.1\nHost: /m);
    }
  });

  it('audited, the value is found in the trace read back; a trace of another value gives nothing', async () => {
    const found = await auditFiles({ 'var/log/ci/curl-trace.log': trace(SECRET) });
    expect(found.filter((f) => f.severity === 'leak').map((f) => f.path)).toContain('var/log/ci/curl-trace.log (sent)');
    expect(await auditFiles({ 'var/log/ci/curl-trace.log': trace(SECRET.replace('7f3a', 'a3f7')) })).toEqual([]);
  });

  it('curl -v (no offsets) and a log line that merely begins with == are not taken for a trace', () => {
    for (const text of ['> POST /deploy HTTP/1.1\n> Host: x\n', '== build started ==\n', '=> Send nothing\n'])
      expect(sniffDump(Buffer.from(text)), text).toBeUndefined();
  });
});

describe.skipIf(!has('od'))('character dumps (od -c, hexdump -c)', () => {
  const text = Buffer.concat([original, Buffer.from(`\r\nAPI_TOKEN=${SECRET}\t é€😀 \0end\n`), Buffer.from('x'.repeat(64))]);
  const dumpOf = (args: string, locale: string, input: Buffer = text) => tool('sh', ['-c', `LC_ALL=${locale} ${args} in`], { in: input });
  it.each([
    ['od -c', 'C'],
    ['od -c', 'C.UTF-8'],
    ['hexdump -c', 'C'],
    ['od -A x -c', 'C.UTF-8'],
  ])('%s (LC_ALL=%s) is read as chars and gives the bytes back, in any chunking', (args, locale) => {
    if (args.startsWith('hexdump') && !has('hexdump')) return;
    const dump = dumpOf(args, locale);
    expect(sniffDump(dump)).toBe('chars');
    for (const size of [1, 5, 64, dump.length]) {
      const out: Buffer[] = [];
      const d = new DumpDecoder('chars', (b) => out.push(b));
      for (let i = 0; i < dump.length; i += size) d.push(dump.subarray(i, i + size), false);
      d.push(new Uint8Array(0), true);
      // hexdump pads its last line with blanks: read as spaces after the bytes.
      expect(Buffer.concat(out).toString('latin1').replace(/ +$/, ''), `${args}, chunks of ${size}`).toBe(text.toString('latin1').replace(/ +$/, ''));
    }
  });

  it('audited, the value in an od -c log is found under the dump; the clean twin gives nothing', async () => {
    const env = (v: string) => Buffer.from(`APP_ENV=production\r\nAPI_TOKEN=${v}\r\n`);
    expect(await auditFiles({ 'var/log/debug.log': dumpOf('od -c', 'C.UTF-8', env(SECRET)) })).toEqual([
      { severity: 'leak', what: 'token', path: 'var/log/debug.log (as a hex dump)' },
    ]);
    expect(await auditFiles({ 'var/log/debug.log': dumpOf('od -c', 'C.UTF-8', env('clean-value-nothing-here')) })).toEqual([]);
  });

  it('ordinary text with letters between blanks is not taken for a character dump', () => {
    for (const t of ['0000000 a b c d\n', 'id   a   b\n', '1234567   a   b   c\n', '0000000   spaced   words   here   too\n'])
      expect(sniffDump(Buffer.from(t)), t).toBeUndefined();
  });
});
