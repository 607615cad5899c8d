// Property: content made by the real tool whose compressed pieces no search inside reads whole is given
// back as its reader sees it — a qcow2 disk (qemu-img convert -c: raw deflate clusters, or zstd under
// compression_type=zstd) and a streamOptimized VMDK (zlib grains) as the guest's disk, the value across
// two 64 KiB clusters found under `disk.qcow2!`; a phar's gzip'd files (Phar::compressFiles) as members;
// an Avro file's deflate blocks (python3-avro) as one stream — fed in random chunk sizes; each clean twin
// passes with no finding; a split zip's first part (zip -s) is named, leaky or clean. Damaged copies and
// random bytes after each magic never throw. Generated: seeded values' places (a cluster boundary, give
// or take the value's length), chunk sizes and damage.
// Nearest real-world variants: a KubeVirt containerDisk's /disk/disk.qcow2, an OVA's disk, composer.phar
// with its config baked in, a Kafka Connect Avro export, a backup split by zip -s.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { avro } from './avro.js';
import { berkeleyDb } from './bdb.js';
import { pkcs7Ber } from './ber-octets.js';
import { chromeCacheEntry } from './chrome-cache.js';
import { levelDbLog, sniffLevelDbLog } from './leveldb-log.js';
import { damaged, decodeWith } from './decode.testing.js';
import { phar } from './phar.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { qcow2Disk, vmdkDisk } from './vdisk.js';
import { zipSplit } from './zip-split.js';
import type { Decoder } from './types.js';

const rng = seededPerTest(0x4a11c0);
const CLUSTER = 65536;

/** 4 clusters of text lines, `value` (if any) across the boundary of clusters 1 and 2. */
function raw(value?: string): Buffer {
  const line = (i: number) => `${(i * 2654435761) % 2 ** 32} ${'x'.repeat((i * 7) % 40)}\n`;
  const text = Buffer.from(Array.from({ length: 12_000 }, (_, i) => line(i)).join('')).subarray(0, 4 * CLUSTER);
  if (value) text.write(`TOKEN=${value}\n`, 2 * CLUSTER - rng.int(1, value.length + 6));
  return text;
}

const chunk = () => rng.int(1, 70_000);

/** Damaged copies and random bytes after the magic: decoding never throws. */
async function survives(decoder: Decoder, bytes: Buffer): Promise<void> {
  for (const d of [...damaged(bytes, 12), Buffer.concat([bytes.subarray(0, 4), randomBytes(rng.int(0, 4096))])])
    await expect(decodeWith(decoder, d, { chunk: chunk() })).resolves.toBeDefined();
}

describe.runIf(has('qemu-img'))(`virtual disks (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  const disk = (args: string[], value?: string) => tool('qemu-img', ['convert', ...args, 'disk.raw', 'out'], { 'disk.raw': raw(value) }, 'out');

  it.each([
    ['qcow2, deflate clusters', qcow2Disk, ['-c', '-O', 'qcow2']],
    ['qcow2, zstd clusters', qcow2Disk, ['-c', '-O', 'qcow2', '-o', 'compression_type=zstd']],
    ['VMDK streamOptimized', vmdkDisk, ['-O', 'vmdk', '-o', 'subformat=streamOptimized']],
  ] as const)('%s: the guest disk given back, the value across two clusters found; the clean twin passes', async (_, decoder, args) => {
    const img = disk([...args], SECRET);
    expect(img.includes(SECRET)).toBe(false);
    const { out, limits } = await decodeWith(decoder, img, { chunk: chunk() });
    expect(limits).toEqual([]);
    expect(out.includes(`TOKEN=${SECRET}`)).toBe(true);
    expect(await auditFiles({ 'disk/disk.img': img })).toEqual([expect.objectContaining({ severity: 'leak', path: 'disk/disk.img!' })]);
    expect(await auditFiles({ 'disk/disk.img': disk([...args], undefined) })).toEqual([]);
    await survives(decoder, img);
  });
});

describe.runIf(has('php'))(`phar archives (seed ${rng.seed})`, { timeout: 60_000 }, () => {
  const make = (value: string) =>
    tool(
      'php',
      [
        '-d',
        'phar.readonly=0',
        '-r',
        '$p = new Phar("tool.phar"); $p->buildFromDirectory("app"); $p->setStub($p->createDefaultStub("index.php")); $p->compressFiles(Phar::GZ);',
      ],
      {
        'app/index.php': '<?php echo "ok\\n";\n',
        'app/config/secrets.php': `<?php return ["api_token" => "${value}"];\n${'; filler\n'.repeat(rng.int(0, 400))}`,
      },
      'tool.phar',
    );

  it("each gzip'd file given back as a member, found under its name; the clean twin passes", async () => {
    const img = make(SECRET);
    expect(img.includes(SECRET)).toBe(false);
    expect((await decodeWith(phar, img, { chunk: chunk() })).out.includes(SECRET)).toBe(true);
    expect(await auditFiles({ 'tool.phar': img })).toEqual([expect.objectContaining({ severity: 'leak', path: 'tool.phar!/config/secrets.php' })]);
    expect(await auditFiles({ 'tool.phar': make('another-value-of-the-same-shape+/=') })).toEqual([]);
    await survives(phar, img);
  });

  it('a PHP file that only names Phar (a build script) is read as it is', async () => {
    const script = `<?php\n$p = new Phar('app.phar'); Phar::mapPhar('app.phar');\n$token = '${SECRET}';\n`;
    expect(await auditFiles({ 'build.php': script })).toEqual([expect.objectContaining({ severity: 'leak', path: 'build.php' })]);
    // Read as text: the value in PHP's \x escapes is still decoded there (a stub's zeroed first bytes would make it binary).
    const escaped = script.replace(`'${SECRET}'`, `"${[...SECRET].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join('')}"`);
    expect(escaped.includes(SECRET)).toBe(false);
    expect(await auditFiles({ 'build.php': escaped })).toEqual([expect.objectContaining({ severity: 'leak', path: 'build.php' })]);
  });
});

describe.runIf(has('python3'))(`Avro container files (seed ${rng.seed})`, { timeout: 60_000 }, () => {
  const make = (value: string) =>
    tool(
      '/usr/bin/python3',
      [
        '-c',
        `import json, avro.schema
from avro.datafile import DataFileWriter
from avro.io import DatumWriter
s = open('v').read()
schema = avro.schema.parse(json.dumps({"type": "record", "name": "E", "fields": [{"name": "token", "type": "string"}]}))
w = DataFileWriter(open('e.avro', 'wb'), DatumWriter(), schema, codec='deflate')
for i in range(${rng.int(100, 3000)}):
    w.append({"token": s if i == 50 else "none-%d" % i})
w.close()`,
      ],
      { v: value },
      'e.avro',
    );

  it('deflate blocks inflated in order into one stream; the clean twin passes', async () => {
    const img = make(SECRET);
    expect(img.includes(SECRET)).toBe(false);
    expect((await decodeWith(avro, img, { chunk: chunk() })).out.includes(SECRET)).toBe(true);
    expect(await auditFiles({ 'events.avro': img })).toEqual([expect.objectContaining({ severity: 'leak', path: 'events.avro!' })]);
    expect(await auditFiles({ 'events.avro': make('another-value-of-the-same-shape+/=') })).toEqual([]);
    await survives(avro, img);
  });
});

describe.runIf(has('zip'))('split zip archives', { timeout: 60_000 }, () => {
  it("the first part is named, and its members' starts still read", async () => {
    const lines = Array.from({ length: 9000 }, (_, i) => `${((i * 2654435761) % 2 ** 32).toString(16)}${(i * 40503) % 65536}`).join('\n');
    const part = tool('zip', ['-q', '-s', '64k', 'backup.zip', 'a.log'], { 'a.log': `${lines}\nTOKEN=${SECRET}\n` }, 'backup.z01');
    const { limits, out } = await decodeWith(zipSplit, part);
    expect(limits).toEqual([expect.stringContaining('split zip')]);
    expect(out.subarray(4).equals(part.subarray(4))).toBe(true);
    expect(await auditFiles({ 'backup.z01': part })).toContainEqual(expect.objectContaining({ severity: 'limit', path: 'backup.z01' }));
    await survives(zipSplit, part);
  });
});

describe.runIf(has('chromium') && has('sqlite3'))("a keyring-less Chromium's encrypted values", { timeout: 120_000 }, () => {
  /** The Cookies database of a headless Chromium (--password-store=basic) that was sent `session=<value>`. */
  const cookies = (value: string) =>
    tool(
      'bash',
      [
        '-c',
        `/usr/bin/python3 srv.py & server=$!
for _ in $(seq 1 300); do test -s port && break; sleep 0.1; done
chromium --headless --no-sandbox --disable-gpu --password-store=basic --user-data-dir="$PWD/profile" --dump-dom "http://127.0.0.1:$(cat port)/" > /dev/null 2>&1 || true
kill "$server"; cp profile/Default/Cookies Cookies`,
      ],
      {
        v: value,
        'srv.py': `import http.server, os
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header('Set-Cookie', 'session=' + open('v').read() + '; Max-Age=86400; Path=/')
        self.end_headers()
        self.wfile.write(b'ok')
    def log_message(self, *a): pass
srv = http.server.HTTPServer(('127.0.0.1', 0), H)
open('port.tmp', 'w').write(str(srv.server_port))
os.rename('port.tmp', 'port')
srv.serve_forever()
`,
      },
      'Cookies',
    );

  it("a v10 cookie ('peanuts' key) is decrypted into the rows, found there; the clean twin passes; a v10 blob of other bytes is left", async () => {
    const db = cookies(SECRET);
    expect(db.includes(SECRET)).toBe(false);
    expect(await auditFiles({ 'chromium/Default/Cookies': db })).toEqual([
      expect.objectContaining({ severity: 'leak', path: 'chromium/Default/Cookies!(rows)' }),
    ]);
    expect(await auditFiles({ 'chromium/Default/Cookies': cookies('another-value-of-the-same-shape') })).toEqual([]);
    const forged = tool('sqlite3', ['x.db', `create table t (v blob); insert into t values (X'763130${randomBytes(48).toString('hex')}');`], {}, 'x.db');
    expect(await auditFiles({ 'x.db': forged })).toEqual([]);
  });
});

describe.runIf(has('openssl'))(`CMS messages in BER (seed ${rng.seed})`, { timeout: 60_000 }, () => {
  const sign = (value: string, args: string[]) =>
    tool(
      'bash',
      [
        '-c',
        `openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem -subj /CN=signer -days 1 2> /dev/null
openssl cms -sign -binary -nodetach ${args.join(' ')} -in app.conf -signer c.pem -inkey k.pem -out out`,
      ],
      { 'app.conf': `${'#'.repeat(4096 * rng.int(1, 3) - rng.int(1, value.length + 12))}\napi_token = ${value}\n${'setting\n'.repeat(rng.int(0, 900))}` },
      'out',
    );

  it('openssl cms -stream: the content joined across its 4096-byte chunks, found, in DER and as S/MIME; the clean twin passes', async () => {
    const der = sign(SECRET, ['-stream', '-outform', 'DER']);
    expect(der.includes(SECRET)).toBe(false);
    const { out } = await decodeWith(pkcs7Ber, der, { chunk: chunk() });
    expect(out.includes(`api_token = ${SECRET}`)).toBe(true);
    expect(await auditFiles({ 'app.conf.p7m': der })).toEqual([expect.objectContaining({ severity: 'leak', path: 'app.conf.p7m!' })]);
    expect(await auditFiles({ 'app.conf.p7m': sign('another-value-of-the-same-shape', ['-stream', '-outform', 'DER']) })).toEqual([]);
    const smime = sign(SECRET, ['-stream', '-outform', 'SMIME']);
    expect((await auditFiles({ 'app.conf.eml': smime })).filter((f) => f.severity === 'leak')).not.toEqual([]);
    await survives(pkcs7Ber, der);
  });
});

describe.runIf(has('chromium'))("headless Chromium's HTTP cache", { timeout: 120_000 }, () => {
  /** The Cache_Data entries of a headless Chromium whose page fetched a JSON response holding `value`, sent as `encoding`. */
  const cache = (value: string, encoding: 'br' | 'gzip') => {
    const out = tool(
      'bash',
      [
        '-c',
        `/usr/bin/python3 srv.py & server=$!
for _ in $(seq 1 300); do test -s port && break; sleep 0.1; done
chromium --headless --no-sandbox --disable-gpu --user-data-dir="$PWD/profile" --virtual-time-budget=3000 --dump-dom "http://127.0.0.1:$(cat port)/" > /dev/null 2>&1 || true
kill "$server"; cd profile/Default/Cache/Cache_Data && for f in *_0; do printf '%s\\n' "$f"; base64 -w0 "$f"; printf '\\n'; done`,
      ],
      {
        v: value,
        'srv.py': `import brotli, gzip, http.server, os
body = ('{"session": {"token": "%s"}, "items": [%s]}' % (open('v').read(), ','.join(str(i) for i in range(300)))).encode()
body = brotli.compress(body) if '${encoding}' == 'br' else gzip.compress(body)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == '/':
            page = b'<html><body><script>fetch("/api/session").then(r => r.json())</script>ok</body></html>'
            self.send_response(200); self.send_header('Content-Type', 'text/html'); self.end_headers(); self.wfile.write(page); return
        if self.path != '/api/session':
            self.send_response(404); self.end_headers(); return
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Encoding', '${encoding}')
        self.send_header('Cache-Control', 'max-age=3600')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(('127.0.0.1', 0), H)
open('port.tmp', 'w').write(str(srv.server_port))
os.rename('port.tmp', 'port')
srv.serve_forever()
`,
      },
    );
    const lines = out.toString('latin1').trim().split('\n');
    return Object.fromEntries(Array.from({ length: lines.length / 2 }, (_, i) => [`Cache_Data/${lines[2 * i]}`, Buffer.from(lines[2 * i + 1]!, 'base64')]));
  };

  it.each(['br', 'gzip'] as const)('a body kept as received (%s) is decoded, found under its entry; the clean twin passes', async (encoding) => {
    const entries = cache(SECRET, encoding);
    expect(Object.values(entries).some((b) => b.includes(SECRET))).toBe(false);
    const found = (await auditFiles(entries)).filter((f) => f.severity === 'leak');
    expect(found).not.toEqual([]);
    expect(found.every((f) => /^Cache_Data\/[0-9a-f]{16}_0/.test(f.path))).toBe(true);
    expect(await auditFiles(cache('another-value-of-the-same-shape', encoding))).toEqual([]);
    for (const b of Object.values(entries)) await survives(chromeCacheEntry, b);
  });
});

describe.runIf(has('python3'))(`LevelDB's write-ahead log (seed ${rng.seed})`, { timeout: 60_000 }, () => {
  /** A LevelDB (python3-plyvel) whose log holds a put of `value` across the first 32 KiB block's end, give or take. */
  const log = (value: string) =>
    tool(
      '/usr/bin/python3',
      [
        '-c',
        `import plyvel
s = open('v').read()
db = plyvel.DB('db', create_if_missing=True)
key = b'_https://app.example.com\\x00\\x01session'
fkey = b'_https://app.example.com\\x00\\x01filler'
head = 7 + 12 + 1 + 1 + len(fkey) + 3
put = 7 + 12 + 1 + 1 + len(key) + 2 + len('{"api_token":"')
db.put(fkey, b'x' * (32768 - ${rng.int(1, value.length - 1)} - head - put))
db.put(key, ('{"api_token":"%s","more":"%s"}' % (s, 'y' * 200)).encode())
db.close()`,
      ],
      { v: value },
      'db/000003.log',
    );

  it('records joined across the block, found under the log; the clean twin passes; a six-digit .log of text is read as text', async () => {
    const b = log(SECRET);
    expect(b.includes(SECRET)).toBe(false);
    expect(sniffLevelDbLog(b.subarray(0, 512), 'leveldb/000003.log')).toBe(true);
    expect(await auditFiles({ 'leveldb/000003.log': b })).toEqual([expect.objectContaining({ severity: 'leak', path: 'leveldb/000003.log!' })]);
    expect(await auditFiles({ 'leveldb/000003.log': log('another-value-of-the-same-shape') })).toEqual([]);
    const text = Buffer.from(`2024-01-01 started\ntoken=${SECRET}\n`);
    expect(sniffLevelDbLog(text, 'logs/000001.log')).toBe(false);
    expect(await auditFiles({ 'logs/000001.log': text })).toEqual([expect.objectContaining({ severity: 'leak', path: 'logs/000001.log' })]);
    await survives(levelDbLog, b);
  });
});

describe.runIf(has('db5.3_load'))(`Berkeley DB overflow pages (seed ${rng.seed})`, { timeout: 60_000 }, () => {
  /** db5.3_load of a btree (or hash) whose one long item holds `value` across an overflow page's end, give or take. */
  const db = (value: string, type: 'btree' | 'hash') => {
    const hex = (s: string) => Buffer.from(s).toString('hex').replace(/../g, '\\$&');
    const item = `${'#'.repeat(4070 - 11 - rng.int(1, value.length - 1))}\napi_token=${value}\n${'x'.repeat(rng.int(100, 9000))}`;
    const pairs = Array.from({ length: 20 }, (_, i) => ` ${hex(`key${i}`)}\n ${hex(`small value ${i}`)}\n`).join('');
    return tool(
      'db5.3_load',
      ['-f', 'dump.txt', 'app.db'],
      { 'dump.txt': `VERSION=3\nformat=print\ntype=${type}\ndb_pagesize=4096\nHEADER=END\n${pairs} ${hex('config')}\n ${hex(item)}\nDATA=END\n` },
      'app.db',
    );
  };

  it.each(['btree', 'hash'] as const)('%s: an item across overflow pages joined, found; the clean twin passes', async (type) => {
    const b = db(SECRET, type);
    expect(b.includes(SECRET)).toBe(false);
    expect(await auditFiles({ 'app.db': b })).toEqual([expect.objectContaining({ severity: 'leak', path: 'app.db!(overflow)' })]);
    expect(await auditFiles({ 'app.db': db('another-value-of-the-same-shape', type) })).toEqual([]);
    await survives(berkeleyDb, b);
  });
});
