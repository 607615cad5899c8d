// Property: bytes dumped by the real tool in another radix or byte order — xxd -b (bits), xxd -e (little-endian 4-byte
// groups), od -b (octal), od -tu1 and -td1 (decimal), od -tx1 -tc (hex under 4-column cells, a character line under
// each), curl --trace (16 hex bytes a line before the text column) — are told by their first lines and read back into
// exactly those bytes, in any chunking: a config line first, then seeded random bytes of a random length. xxd -g4 (the
// same groups in order) stays xxd. Nearest real-world variant: a CI debugging log of an env file by one of these (red
// team round 9, variant9-text.ts: all six missed, silent). Audited, the value is found under the dump, the clean twin
// gives nothing; text that only looks like columns of numbers is no dump.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../test/support/random.js';
import { auditFiles, has, SECRET, tool } from './decoders/testing.js';
import { sniffDump } from './hexdump.js';
import { dumpOf, read } from './hexdump.testing.js';

const rand = seededPerTest(41);

/** A config line holding `value`, then random bytes (a random length: groups and lines end anywhere). */
const content = (value: string) => Buffer.concat([Buffer.from(`API_TOKEN=${value} é€😀\n`), rand.bytes(rand.int(40, 400))]);

describe(`dumps in other radixes and byte orders (seed ${rand.seed})`, () => {
  it.each([
    ['xxd -b', 'bits'],
    ['xxd -e', 'xxdLE'],
    ['xxd -e -c 8', 'xxdLE'],
    // Round 17: -g8 and -g2 (8- and 2-byte little-endian groups) were read as no dump, silent.
    ['xxd -e -g8', 'xxdLE'],
    ['xxd -e -g2', 'xxdLE'],
    ['xxd -g4', 'xxd'],
    ['xxd -g8', 'xxd'],
    ['xxd', 'xxd'],
    ['od -b', 'octal'],
    ['od -An -b', 'octal'],
    ['od -An -tu1', 'decimal'],
    ['od -td1', 'decimal'],
    ['od -An -tx1 -tc', 'bytes'],
    ['od -tx1 -tc', 'bytes'],
  ] as const)('%s is read as %s and gives the bytes back, in any chunking', (args, format) => {
    for (let n = 0; n < 5; n++) {
      const bytes = content(rand.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop0123456789+/=', rand.int(8, 40)));
      const dump = dumpOf(args, bytes);
      expect(sniffDump(dump)).toBe(format);
      for (const size of [1, 5, 64, dump.length]) expect(read(dump, format, size).equals(bytes), `${args}, chunks of ${size}`).toBe(true);
    }
  });

  it('audited, the value is found under each dump; the clean twin gives nothing', async () => {
    for (const args of ['xxd -b', 'xxd -e', 'od -b', 'od -An -tu1', 'od -An -tx1 -tc']) {
      const env = (v: string) => Buffer.from(`APP_ENV=production\nAPI_TOKEN=${v}\n`);
      expect(await auditFiles({ 'var/log/debug.log': dumpOf(args, env(SECRET)) }), args).toEqual([
        { severity: 'leak', what: 'token', path: 'var/log/debug.log (as a hex dump)' },
      ]);
      expect(await auditFiles({ 'var/log/debug.log': dumpOf(args, env(SECRET.replace('7f3a', 'a3f7'))) }), args).toEqual([]);
    }
  });

  it('does not take a table of numbers or a version list for a dump in a new radix', () => {
    for (const text of ['1 2 3 4 5\n', 'id 100 200 300 400\n', '0000000 9 8\n', 'v 1.2.3 4.5.6\n'])
      expect(sniffDump(Buffer.from(text)) ?? 'none', text).not.toMatch(/octal|bits|xxdLE|decimal/);
  });
});

/** A python server on a free port answering one request, and curl --trace of a request to it with `hdr` as a header file. */
const CURL_TRACE = `cat > srv.py <<'EOF'
import http.server, os, socketserver
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers['Content-Length'])); self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
s = socketserver.TCPServer(('127.0.0.1', 0), H)
open('port.tmp', 'w').write(str(s.server_address[1])); os.rename('port.tmp', 'port')
s.handle_request()
EOF
python3 srv.py & for i in $(seq 1 50); do [ -s port ] && break; sleep 0.1; done
curl -s --trace trace.log -H @hdr --data-binary @body "http://127.0.0.1:$(cat port)/deploy" -o /dev/null; wait; cat trace.log`;

describe.skipIf(!has('curl') || !has('python3'))('curl --trace (hex)', () => {
  it('the real trace is read back: each block its bytes, a value cut across lines joined', async () => {
    for (let n = 0; n < 3; n++) {
      const pad = rand.chars('abcdefgh', rand.int(0, 40));
      const t = tool('sh', ['-c', CURL_TRACE], { hdr: `X-Deploy: ${pad}${SECRET}\n`, body: `{"token":"${SECRET}"}` });
      expect(t.toString()).not.toContain(SECRET);
      expect(sniffDump(t)).toBe('curl');
      for (const size of [1, 7, t.length]) {
        const text = read(t, 'curl', size).toString('latin1');
        expect(text).toContain(`X-Deploy: ${pad}${SECRET}\r\n`);
        expect(text).toContain(`{"token":"${SECRET}"}`);
      }
    }
    const clean = tool('sh', ['-c', CURL_TRACE], { hdr: `X-Deploy: ${SECRET.replace('7f3a', 'a3f7')}\n`, body: '{}' });
    expect(await auditFiles({ 'var/log/ci/curl.trace': clean })).toEqual([]);
  });
});
