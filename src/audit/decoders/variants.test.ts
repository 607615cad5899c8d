// The classes the variant corpus (test/integration/audit-variants.test.ts) found missed, each as a
// property over generated input with the real tool's output beside it:
// - text stored as UTF-16 is read again as UTF-8, so escapes and runs inside it are read (regedit, PowerShell 5);
// - zstd frames after the first are read (`zstd -c >>`), and only frames: a raw block's bytes are not a second stream;
// - LZ4's legacy format (`lz4 -l`) is read;
// - OpenPGP's compressed packet (`gpg --sign`: raw deflate, no magic) is read;
// - a base64 run written with escaped line breaks (`\n` in JSON, `&#10;` in XML) is one run, read to its end.
import { deflateRawSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mulberry32, testSeed } from '../../../test/support/random.js';
import { tarOf } from '../../../test/support/tar.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

/** One sequence for the file, from a fixed seed (HOIST_TEST_SEED replaces it; replay the whole file): the describes name it. */
const SEED = testSeed(20261203);
const rand = mulberry32(SEED);
const noise = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}${Math.floor(rand() * 1e6)}`).join(' ');
const paths = (findings: Awaited<ReturnType<typeof auditFiles>>) => findings.map((f) => `${f.severity} ${f.path}`);

describe(`UTF-16 text read again as UTF-8 (seed ${SEED})`, () => {
  it.each([
    ['LE with BOM', (t: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')])],
    ['BE with BOM', (t: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(t, 'utf16le').swap16()])],
    ['LE without BOM', (t: string) => Buffer.from(t, 'utf16le')],
  ])('%s: a JSON-escaped value inside is found, named by the text (property over generated prefixes)', async (_n, encode) => {
    for (let i = 0; i < 3; i++) {
      const escaped = JSON.stringify(SECRET).replace(/[+/=]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      const text = `${words(5 + i * 40)}\r\n{"Token": ${escaped}}\r\n`;
      expect(paths(await auditFiles({ 'win/settings.json': encode(text) }))).toEqual(['leak win/settings.json!(as UTF-16 text)']);
    }
  });

  it('clean UTF-16 text and binary bytes give no finding', async () => {
    expect(await auditFiles({ 'a.txt': Buffer.from(`\ufeff${words(200)}`, 'utf16le'), 'b.bin': noise(5000) })).toEqual([]);
  });

  it.skipIf(!has('iconv'))('real world: a regedit export written by iconv -t UTF-16 (BOM, CRLF, \\" and \\\\ escaped)', async () => {
    const reg = `Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\App]\r\n"Password"="${SECRET.replace('/', '\\\\/')}"\r\n`;
    const bytes = tool('sh', ['-c', 'iconv -f UTF-8 -t UTF-16 < in.reg'], { 'in.reg': reg });
    expect(paths(await auditFiles({ 'opt/app.reg': bytes }))).toEqual(['leak opt/app.reg!(as UTF-16 text)']);
  });
});

describe(`streams after the first (seed ${SEED})`, () => {
  it('zstd: a later frame is read (the value compressed in it); a gzip kept raw inside a frame is read once, inside', async () => {
    const later = Buffer.concat([zstdCompressSync(Buffer.from(words(300))), zstdCompressSync(Buffer.from(`${words(50)} key=${SECRET} ${words(50)}`))]);
    expect(later.includes(SECRET)).toBe(false);
    expect(paths(await auditFiles({ 'var/events.zst': later }))).toEqual(['leak var/events.zst!']);
    const nested = zstdCompressSync(gzipSync(await tarOf({ 'app/.env': `KEY=${SECRET}\n` })));
    expect(paths(await auditFiles({ 'opt/pkg.tgz.zst': nested }))).toEqual(['leak opt/pkg.tgz.zst!!/app/.env']);
  });

  it.skipIf(!has('zstd'))('real world: `zstd -c >>` appending a batch to a spool', async () => {
    const spool = tool('sh', ['-c', 'zstd -q -c a > out.zst && zstd -q -c b >> out.zst && cat out.zst'], {
      a: words(400),
      b: `${words(80)}\ntoken=${SECRET}\n`,
    });
    expect(paths(await auditFiles({ 'var/spool.zst': spool }))).toEqual(['leak var/spool.zst!']);
  });

  it.skipIf(!has('lz4'))('LZ4 legacy (`lz4 -l`): a tar inside is read, named through it; a cut stream is named as not audited', async () => {
    const tar = await tarOf({ 'etc/agent.env': `TOKEN=${SECRET}\n`, 'etc/pad': words(20000) });
    const legacy = tool('sh', ['-c', 'lz4 -l -q -c < in'], { in: tar });
    expect(paths(await auditFiles({ 'boot/root.tar.lz4': legacy }))).toEqual(['leak boot/root.tar.lz4!/etc/agent.env']);
    const clean = tool('sh', ['-c', 'lz4 -l -q -c < in'], { in: words(3000) });
    expect(await auditFiles({ 'boot/clean.lz4': clean })).toEqual([]);
    expect((await auditFiles({ 'boot/cut.lz4': clean.subarray(0, clean.length - 10) })).map((f) => f.severity)).toEqual(['limit']);
  });
});

describe(`OpenPGP compressed data (seed ${SEED})`, () => {
  it('old- and new-format packets, raw deflate in one piece or in partial lengths, are read', async () => {
    // Inside, as GnuPG writes it: a literal data packet (new format, a five-octet length; binary, no name, no date).
    const text = Buffer.from(`${words(400)} api_key=${SECRET}\n`);
    const literalHead = Buffer.from([0xcb, 0xff, 0, 0, 0, 0, 0x62, 0, 0, 0, 0, 0]);
    literalHead.writeUInt32BE(text.length + 6, 2);
    const body = Buffer.concat([Buffer.from([1]), deflateRawSync(Buffer.concat([literalHead, text]))]);
    const old = Buffer.concat([Buffer.from([0xa3]), body]);
    const rest = Buffer.alloc(5, 0xff);
    rest.writeUInt32BE(body.length - 512, 1);
    // A first piece of 2^9 bytes (partial length 0xE9), then the rest with a five-octet length.
    const partial = Buffer.concat([Buffer.from([0xc8, 0xe0 + 9]), body.subarray(0, 512), rest, body.subarray(512)]);
    expect(paths(await auditFiles({ 'a.gpg': old, 'b.gpg': partial }))).toEqual(['leak a.gpg!', 'leak b.gpg!']);
  });

  it.skipIf(!has('gpg'))('real world: `gpg --sign` (GnuPG compresses with raw deflate by default)', async () => {
    const script = `export GNUPGHOME="$PWD/g" && mkdir -m 700 g && gpg -q --batch --passphrase '' --quick-gen-key 'CI <ci@example.com>' ed25519 sign never 2> /dev/null && gpg -q --batch --sign -o out.gpg app.conf && cat out.gpg`;
    const signed = tool('sh', ['-c', script], { 'app.conf': `${words(100)}\napi_key=${SECRET}\n` });
    expect(signed.includes(SECRET)).toBe(false);
    expect(paths(await auditFiles({ 'etc/app.conf.gpg': signed }))).toEqual(['leak etc/app.conf.gpg!']);
  });
});

describe(`a base64 run written with escaped line breaks (seed ${SEED})`, () => {
  it.each([
    ['JSON \\n', '\\n'],
    ['JSON \\r\\n', '\\r\\n'],
    ['XML &#10;', '&#10;'],
    ['XML &#xD;&#xA;', '&#xD;&#xA;'],
  ])('%s every 76 characters: one run, read to its end (no damaged stream), the value found', async (_n, br) => {
    const gz = gzipSync(Buffer.from(`${words(300)} ${SECRET}`));
    const wrapped = (gz.toString('base64').match(/.{1,76}/g) ?? []).join(br);
    const found = await auditFiles({ 'srv/state.json': `{"blob": "${wrapped}"}` });
    expect(paths(found)).toEqual(['leak srv/state.json!(base64 at 10)!']);
  });

  it.skipIf(!has('python3'))("real world: Python's base64.encodebytes of a gzip, saved by json.dump", async () => {
    const py = `import base64, gzip, json, sys; json.dump({'v': 3, 'blob': base64.encodebytes(gzip.compress(open('in', 'rb').read())).decode()}, sys.stdout)`;
    const json = tool('python3', ['-c', py], { in: `${words(300)} key=${SECRET}` });
    expect(paths(await auditFiles({ 'srv/state.json': json }))).toEqual([expect.stringMatching(/^leak srv\/state\.json!\(base64 at \d+\)!$/)]);
  });
});
