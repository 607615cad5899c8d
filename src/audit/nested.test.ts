// Leaks as they really ship — inside archives, compressed files and wrapped encodings — found by
// the audit of a build, with the path through the containers; bounds that end a bomb, reported.
import { gzipSync, strToU8, zipSync } from 'fflate';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zstdCompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { tarOf } from '../../test/support/tar.js';
import { harness } from '../../test/support/pipeline.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { build } from '../pipeline/build.js';

const SECRET = 'tok-nested-7f3a9c2e5b1d-value';
const registries: MemoryRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});

const wrap = (text: string, width: number, eol = '\n') => (text.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(eol);

async function audit(files: Record<string, string | Buffer>, extra: Record<string, string> = {}) {
  const reg = await MemoryRegistry.start();
  registries.push(reg);
  const h = await harness(
    { images: `${reg.host}/acme/app`, version: '1.0.0', 'insecure-registries': reg.host, secrets: `token=${SECRET}`, ...extra },
    { files: () => files },
  );
  const error = await build(h.fx).then(
    () => undefined,
    (e: Error) => e,
  );
  return { error, log: h.platform.log(), pushed: reg.requests.some((q) => q.method === 'PUT') };
}

describe('the audit opens what layers hold', () => {
  it.each([
    [
      'a deflated .jar',
      async () => ({
        'app/lib/app.jar': Buffer.from(zipSync({ 'BOOT-INF/classes/application.properties': strToU8(`db.password=${SECRET}\n`) }, { level: 6 })),
      }),
      'app/lib/app.jar!/BOOT-INF/classes/application.properties',
    ],
    ['a gzip-compressed log', async () => ({ 'var/log/app.log.1.gz': Buffer.from(gzipSync(strToU8(`login token=${SECRET}\n`))) }), 'var/log/app.log.1.gz!'],
    [
      'a file in a .tar.gz',
      async () => ({ 'opt/cache/pkg.tar.gz': Buffer.from(gzipSync(await tarOf({ 'pkg/.npmrc': `//registry/:_authToken=${SECRET}` }))) }),
      'opt/cache/pkg.tar.gz!/pkg/.npmrc',
    ],
    [
      'an archive two levels deep (a jar in a .tar.gz)',
      async () => ({ 'srv/release.tar.gz': Buffer.from(gzipSync(await tarOf({ 'lib/inner.jar': zipSync({ 'secret.txt': strToU8(SECRET) }) }))) }),
      'srv/release.tar.gz!/lib/inner.jar!/secret.txt',
    ],
    [
      'base64 wrapped at 76 columns',
      async () => ({ 'etc/app.b64': wrap(Buffer.from(`{"token":"${SECRET}","pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}`).toString('base64'), 76) }),
      'etc/app.b64!(base64 at 0)', // the run decoded: the value plain inside it
    ],
    [
      'base64 wrapped at 64 columns, CRLF',
      async () => ({ 'etc/app.pem': wrap(Buffer.from(`prefix ${SECRET} suffix and more text here`).toString('base64'), 64, '\r\n') }),
      'etc/app.pem!(base64 at 0)',
    ],
    ['a zstd-compressed file', async () => ({ 'var/cache/blob.zst': zstdCompressSync(Buffer.from(`key=${SECRET}\n`)) }), 'var/cache/blob.zst!'],
    [
      'a file in a .tar.xz (xz -9, as Debian packages and release tarballs ship)',
      async () => ({ 'opt/dist/app.tar.xz': execFileSync('xz', ['-9', '-c'], { input: await tarOf({ 'app/.env': `TOKEN=${SECRET}\n` }) }) }),
      'opt/dist/app.tar.xz!/app/.env',
    ],
    [
      'a bzip2-compressed dump inside a .tar.gz',
      async () => ({
        'backup/db.tar.gz': Buffer.from(
          gzipSync(await tarOf({ 'dump.sql.bz2': execFileSync('bzip2', ['-c'], { input: Buffer.from(`INSERT ... '${SECRET}';\n`.repeat(3)) }) })),
        ),
      }),
      'backup/db.tar.gz!/dump.sql.bz2!',
    ],
    [
      'hex as xxd -p writes it (60 digits a line)',
      async () => ({ 'tmp/dump.hex': wrap(Buffer.from(`cfg ${SECRET} end`).toString('hex'), 60) + '\n' }),
      // The run decoded whole, its short last line (14 digits) with it.
      'tmp/dump.hex!(hex at 0)',
    ],
    [
      'UTF-16LE text',
      async () => ({ 'win/config.ini': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`Token=${SECRET}\r\n`, 'utf16le')]) }),
      'win/config.ini!(as UTF-16 text)',
    ],
  ])('%s: fails, names the path through it, pushes nothing', async (_name, files, path) => {
    const r = await audit(await files());
    expect(r.error?.message).toMatch(/^the audit found a secret in the image/); // one finding: the innermost place
    expect(r.error?.message).toContain(`, ${path}\n`);
    expect(r.pushed).toBe(false);
    expect(r.log.includes(SECRET)).toBe(false);
  });

  it('passes an image full of clean archives with no false alarm', async () => {
    const r = await audit({
      'app/lib/a.jar': Buffer.from(zipSync({ 'META-INF/MANIFEST.MF': strToU8('Manifest-Version: 1.0\n'), 'a/B.class': new Uint8Array(4096).fill(7) })),
      'app/data.tar.gz': Buffer.from(gzipSync(await tarOf({ 'x.txt': 'hello '.repeat(1000) }))),
      'app/readme.b64': wrap(Buffer.from('nothing secret here '.repeat(50)).toString('base64'), 76),
    });
    expect(r.error).toBeUndefined();
    expect(r.pushed).toBe(true);
  });

  it('ends a decompression bomb within its bound, reported as not fully audited; strict fails on it', async () => {
    // zstd (like xz, bzip2, brotli) expands without a bound of its own; deflate's 1032 to 1 is held to bytes and time instead (flat-deflate.test.ts).
    // 100 MiB of one byte in a few KiB (not zeros: whole 4 KiB pieces of zeros are a sparse image's, bomb.ts's ZEROS_FREE).
    const bomb = zstdCompressSync(new Uint8Array(100 * 1024 * 1024).fill(0x20));
    const reported = await audit({ 'tmp/bomb.zst': bomb });
    expect(reported.error).toBeUndefined();
    expect(reported.log).toMatch(/warning: audit: not fully audited: it expands more than 200 times \(a decompression bomb\?\).* in layer .*tmp\/bomb\.zst/);
    const strict = await audit({ 'tmp/bomb.zst': bomb }, { 'audit-limits': 'strict' });
    expect(strict.error?.message).toMatch(/not fully audited: it expands more than 200 times/);
    expect(strict.pushed).toBe(false);
  }, 60_000);

  it('stops at its depth bound, and says what it could not read: a damaged xz stream', async () => {
    let deep: Uint8Array = strToU8(SECRET);
    for (let i = 0; i < 9; i++) deep = gzipSync(deep);
    const r = await audit({ 'deep.gz': Buffer.from(deep), 'data.xz': Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]) });
    expect(r.log).toMatch(/not fully audited: containers nested deeper than 6 levels/);
    expect(r.log).toMatch(/not fully audited: a damaged xz stream .* data\.xz/);
  }, 60_000);

  it.each(['xxd.txt', 'hexdump-C.txt', 'od-x.txt', 'od-An-tx1.txt'])('reads a hex dump (%s) back into its bytes and finds the secret in them', async (file) => {
    const fixtures = join(import.meta.dirname, '../../test/fixtures/hexdumps');
    const r = await audit({ 'tmp/debug/request.dump': readFileSync(join(fixtures, file)) }, { secrets: 'token=tok-hexdump-4b7e91c2d8a3-value' });
    expect(r.error?.message).toMatch(/secret 'token' \(secrets\).* in layer .*tmp\/debug\/request\.dump \(as a hex dump\)/);
    expect(r.pushed).toBe(false);
  });

  it('names a flat 200 MiB member of a zip a bomb past its first 64 MiB (bomb.ts) and finds the secret in the entry beside it', async () => {
    const jar = zipSync({ 'zeros.bin': new Uint8Array(200 * 1024 * 1024).fill(0x20), 'app.properties': strToU8(`token=${SECRET}\n`) }, { level: 9 });
    const r = await audit({ 'app/bomb.jar': Buffer.from(jar) });
    expect(r.error?.message).toMatch(/app\/bomb\.jar!\/app\.properties/);
    expect(r.log).toMatch(/not fully audited: a decompression bomb .*app\/bomb\.jar!\/zeros\.bin/);
  }, 60_000);

  it('ends a bzip2 bomb within its bounds, reported', async () => {
    // 4 GiB of spaces in a few KiB (64 concatenated streams of 64 MiB, which bzip2 -d reads as one):
    // decoded whole it would take minutes and gigabytes, and the test's time limit.
    const one = execFileSync('bzip2', ['-9', '-c'], { input: Buffer.alloc(64 * 1024 * 1024, 0x20) });
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => one));
    const r = await audit({ 'tmp/zeros.bz2': bomb });
    expect(r.error).toBeUndefined();
    expect(r.log).toMatch(/not fully audited: it expands more than 200 times .*tmp\/zeros\.bz2/);
  }, 60_000);
});

describe('wrapped base64 across chunk boundaries', () => {
  it.each([1, 7, 64, 100])('is found when the stream arrives %i bytes at a time', async (size) => {
    const { compile } = await import('./audit.js');
    const { WrappedScan } = await import('./wrapped.js');
    const { wrapped, wrappedSpan } = compile([{ name: 'token', value: SECRET }]);
    const text = `header line\n${wrap(Buffer.from(`{"a":"${'x'.repeat(size % 5)}","token":"${SECRET}","b":"padding padding padding"}`).toString('base64'), 64, '\r\n')}\nfooter\n`;
    const found: string[] = [];
    const scan = new WrappedScan(wrapped, wrappedSpan, (m) => void (m.tag.kind === 'secret' && found.push(m.tag.name)));
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += size) scan.write(bytes.subarray(i, i + size));
    scan.end();
    expect(found.length).toBeGreaterThan(0);
  });
});
