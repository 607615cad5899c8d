// Property: an nginx cache file (proxy_cache: the binary header, KEY, the upstream's head as sent, its body de-chunked
// and still encoded) is read for its body — brotli undone, gzip claimed by its magic at the body's start — so a value
// the upstream compressed is found, in any chunking of the file; the clean twin passes; a file cut before its body is
// named; other files are not claimed. Nearest real-world variant: an image whose build ran nginx as a caching proxy in
// front of an API that answered in brotli (or gzip), /var/cache/nginx kept in a layer. Through the bundle of the
// session's start the brotli case passed in silence.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { mulberry32, testSeed } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { expectDamagedReadOrNamed } from './fuzz.testing.js';
import { isNginxCache, nginxCache } from './nginx-cache.js';
import { auditFiles, has, SECRET } from './testing.js';

/** One GET through nginx (proxy_cache) to a Node server answering JSON holding `value`, encoded `enc`, 1,000 bytes a write; the cache file. */
function cached(enc: 'br' | 'gzip' | 'identity', value: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-nginx-'));
  // nginx's workers (nobody, when it runs as root) write the cache under it.
  chmodSync(dir, 0o755);
  try {
    const script = `const fs = require('fs'), zlib = require('zlib'), http = require('http'); const s = fs.readFileSync('v', 'utf8');
const body = Buffer.from(JSON.stringify({ rows: Array.from({ length: 2000 }, (_, i) => ({ id: i })), api_token: s }));
const out = '${enc}' === 'br' ? zlib.brotliCompressSync(body) : '${enc}' === 'gzip' ? zlib.gzipSync(body) : body;
const up = http.createServer((req, res) => { res.writeHead(200, { 'cache-control': 'max-age=3600', ...('${enc}' === 'identity' ? {} : { 'content-encoding': '${enc}' }) });
  for (let i = 0; i < out.length; i += 1000) res.write(out.subarray(i, i + 1000)); res.end(); }).listen(0, '127.0.0.1', () => {
  const p = up.address().port, d = process.cwd(), free = require('net').createServer().listen(0, '127.0.0.1', () => {
  const port = free.address().port; free.close();
  fs.writeFileSync('nginx.conf', \`daemon off; pid \${d}/nginx.pid; error_log \${d}/error.log; events {}
http { access_log off; proxy_cache_path \${d}/cache levels=1:2 keys_zone=c:1m; client_body_temp_path \${d}/t1; proxy_temp_path \${d}/t2;
server { listen 127.0.0.1:\${port}; location / { proxy_pass http://127.0.0.1:\${p}; proxy_cache c; proxy_http_version 1.1; } } }\`);
  const ng = require('child_process').spawn('nginx', ['-c', d + '/nginx.conf', '-p', d], { stdio: 'ignore' });
  const get = (n) => http.get('http://127.0.0.1:' + port + '/api', (r) => { r.resume(); r.on('end', () => setTimeout(() => { ng.kill(); up.close(); }, 300)); })
    .on('error', () => (n > 0 ? setTimeout(() => get(n - 1), 100) : (ng.kill(), up.close())));
  get(50);
  });
});`;
    execFileSync('sh', ['-c', `printf %s "$V" > v && cat > s.js && node s.js`], {
      cwd: dir,
      input: script,
      env: { ...process.env, V: value },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const files: string[] = [];
    const walk = (d: string): void => readdirSync(d).forEach((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : files.push(join(d, n))));
    walk(join(dir, 'cache'));
    return readFileSync(files[0]!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const SEED = testSeed(0x96c1);
const rand = mulberry32(SEED);

describe.skipIf(!has('nginx') || !has('node'))(`nginx proxy_cache files (seed ${SEED})`, () => {
  it.each(['br', 'gzip'] as const)('a %s body: found under the body, the clean twin passes', async (enc) => {
    const leaky = cached(enc, SECRET);
    expect(leaky.includes(SECRET)).toBe(false);
    const found = await auditFiles({ 'var/cache/nginx/b/6a/f64b': leaky });
    expect(found.filter((f) => f.severity === 'leak').map((f) => f.path)).toContainEqual(
      expect.stringMatching(/^var\/cache\/nginx\/b\/6a\/f64b \(as HTTP body\)/),
    );
    expect(found.filter((f) => f.severity === 'limit')).toEqual([]);
    expect(await auditFiles({ 'var/cache/nginx/b/6a/f64b': cached(enc, 'clean-value-of-the-same-shape+/=') })).toEqual([]);
  });

  it('any chunking gives the same body (1–97 bytes, 32 random sizes); a file cut before its body is named', async () => {
    const file = cached('br', SECRET);
    const whole = await decodeWith(nginxCache, file, { chunk: file.length });
    expect(whole.limits).toEqual([]);
    expect(whole.out.toString('latin1')).toContain(SECRET);
    const sizes = [...Array.from({ length: 97 }, (_, i) => i + 1), ...Array.from({ length: 32 }, () => 1 + Math.floor(rand() * file.length))];
    const differ: number[] = [];
    for (const chunk of sizes) {
      const r = await decodeWith(nginxCache, file, { chunk });
      if (r.limits.length || !r.out.equals(whole.out)) differ.push(chunk);
    }
    expect(differ).toEqual([]);
    const bodyStart = file.readUInt16LE(56);
    expect((await decodeWith(nginxCache, file.subarray(0, bodyStart - 10))).limits).toEqual([
      expect.stringMatching(/^a damaged nginx cache file \(it ends before its body/),
    ]);
    expect((await decodeWith(nginxCache, file.subarray(0, bodyStart + 40))).limits).toEqual([expect.stringMatching(/damaged brotli/)]);
  });
});

describe.skipIf(!has('nginx') || !has('node'))(`damaged nginx cache files (seed ${SEED})`, { timeout: 180_000 }, () => {
  it('each damaged copy of a cached brotli answer read or named, in 5 s and 400 MiB', async () => {
    const marker = 'tok-h1-ngxfuzz-5b7d9f1a3c';
    await expectDamagedReadOrNamed({
      what: 'nginx cache file',
      file: cached('br', marker),
      twin: cached('br', 'not-h1-ngxfuzz-0000000000'),
      decoder: nginxCache,
      module: 'nginx-cache.ts',
      name: 'nginxCache',
      marker,
      seed: SEED,
      copies: 40,
      headBytes: 0x230,
    });
  });
});

describe('claims', () => {
  it('not a header of another version, without the key line, or whose body starts before its head', () => {
    const h = Buffer.alloc(512);
    h.writeUInt32LE(5, 0);
    h.write('\nKEY: http://x/\n', 0x150, 'latin1');
    h.writeUInt16LE(0x161, 54);
    h.writeUInt16LE(0x200, 56);
    expect(isNginxCache(h)).toBe(true);
    expect(isNginxCache(Buffer.concat([Buffer.from([4]), h.subarray(1)]))).toBe(false);
    const noKey = Buffer.from(h);
    noKey.write('\nkey: ', 0x150, 'latin1');
    expect(isNginxCache(noKey)).toBe(false);
    const before = Buffer.from(h);
    before.writeUInt16LE(0x100, 56);
    expect(isNginxCache(before)).toBe(false);
  });
});
