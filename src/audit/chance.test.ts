// Property: a short run decoded from text — a hash, an id, a nonce: at most RUN_TRIAL (64) bytes — whose bytes happen to
// begin with a compressed stream's magic (any of zlib's 32 headers, gzip, zstd, bzip2, xz, lz4, compress, lzip, zip, 7z,
// lzop) is no finding: the stream it seems to start fails, and that failure is a chance match, not a damaged stream. The
// hashes are random (seeded, the seed in the title), their first bytes forced, written where real ones are: Mercurial's
// `.hg/cache/branch2-served`, git's `packed-refs` (SHA-1 and SHA-256 repositories), a `SHA512SUMS`, a `go.sum` (`h1:`
// base64 of SHA-256), npm's `package-lock.json` (`sha512-` base64), a Tor onion service's `hostname` (base32 of a key);
// and short runs that begin with the first bytes of a real file of each format, made by its tool (gzip, bzip2, xz, zstd,
// lz4, lzop, lzip, zip, cpio, ar, lrzip, zpaq: whichever this machine has). Nearest real-world variants, beside it: a Helm release
// record (base64 of gzip of JSON, kilobytes) cut short still says "not fully audited", and the threshold holds both
// ways on a real gzip of JSON (65 bytes of it cut short named, 64 not); a short zlib or gzip stream decoded from hex or
// base64 that is whole is read, its secret found; the same few bytes as a file of their own (a `.gz` cut to 20 bytes)
// still say "not fully audited"; Mercurial's own cache file (made by `hg`) has the shape written here.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mulberry32, testSeeds } from '../../test/support/random.js';
import { isZlibHeader } from './decoders/native.js';
import { auditFiles, has, SECRET, tool } from './decoders/testing.js';
import { RUN_TRIAL } from './nested.js';

const SEEDS = testSeeds([20261205, 4099]); // HOIST_TEST_SEED, when set, alone
const bytesOf = (r: () => number, n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
const limits = (found: Awaited<ReturnType<typeof auditFiles>>) => found.filter((f) => f.severity === 'limit');
const leaks = (found: Awaited<ReturnType<typeof auditFiles>>) => found.filter((f) => f.severity === 'leak');

/** RFC 1950's 32 header pairs (deflate, a window of at most 32 KiB, no dictionary, FCHECK): 78 01, 78 5e, 78 9c, 78 da and 28 more. */
const ZLIB_HEADERS: number[][] = [];
for (let cmf = 0; cmf < 256; cmf++) for (let flg = 0; flg < 256; flg++) if (isZlibHeader(Buffer.from([cmf, flg]))) ZLIB_HEADERS.push([cmf, flg]);

/** Magics of the streams and containers the router claims by their first bytes, each with what may vary in it. */
const MAGICS: Array<[string, (r: () => number) => number[]]> = [
  ['gzip', (r) => [0x1f, 0x8b, 8, Math.floor(r() * 256)]],
  ['gzip (no method byte)', () => [0x1f, 0x8b]],
  ['zstd', () => [0x28, 0xb5, 0x2f, 0xfd]],
  ['bzip2', (r) => [...Buffer.from(`BZh${1 + Math.floor(r() * 9)}`), 0x31, 0x41, 0x59, 0x26, 0x53, 0x59]],
  ['xz', () => [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['lz4', () => [0x04, 0x22, 0x4d, 0x18]],
  ['lz4 legacy', () => [0x02, 0x21, 0x4c, 0x18]],
  ['compress (.Z)', () => [0x1f, 0x9d]],
  ['lzip', () => [...Buffer.from('LZIP'), 1]],
  ['zip', () => [0x50, 0x4b, 3, 4]],
  ['7z', () => [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['lzop', () => [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a]],
];

/**
 * `count` random hashes of `size` bytes: for each of zlib's headers `perZlib` of them (a chance zlib header is read as
 * deflate to a short hash's end one time in 65 at 20 bytes, so many draws), for each other magic `perMagic`, and as many
 * again left as they are.
 */
function hashes(r: () => number, size: number, perZlib: number, perMagic: number): Buffer[] {
  const out: Buffer[] = [];
  const forced = (magic: number[]) => {
    const h = bytesOf(r, size);
    h.set(magic.slice(0, size));
    out.push(h);
  };
  for (const header of ZLIB_HEADERS) for (let i = 0; i < perZlib; i++) forced(header);
  for (const [, magic] of MAGICS) for (let i = 0; i < perMagic; i++) forced(magic(r));
  for (let i = 0; i < perMagic; i++) out.push(bytesOf(r, size));
  return out;
}

/** Mercurial's branch cache: the tip and its revision, then each branch head, `o` open or `c` closed (the tip is a head too). */
const branch2Served = (nodes: Buffer[]) =>
  `${nodes[0]!.toString('hex')} ${nodes.length + 40}\n${nodes.map((n, i) => `${n.toString('hex')} ${i % 7 ? 'o' : 'c'} ${i ? `branch-${i}` : 'default'}\n`).join('')}`;

/** git's packed-refs: a tag's line, then its peeled commit (`^`). */
const packedRefs = (nodes: Buffer[]) =>
  `# pack-refs with: peeled fully-peeled sorted \n${nodes.map((n, i) => (i % 2 ? `^${n.toString('hex')}\n` : `${n.toString('hex')} refs/tags/v1.${i}.0\n`)).join('')}`;

/** sha512sum's output: the hex digest, two spaces, the file's name. */
const sha512sums = (digests: Buffer[]) => digests.map((d, i) => `${d.toString('hex')}  release-${i}.tar.gz\n`).join('');

/** go.sum: a module's tree and its go.mod, `h1:` base64 of SHA-256 each. */
const goSum = (digests: Buffer[]) =>
  digests.map((d, i) => `example.com/mod${i >> 1} v1.${i >> 1}.0${i % 2 ? '/go.mod' : ''} h1:${d.toString('base64')}\n`).join('');

/** Base32 in lower case (RFC 4648's alphabet), as Tor writes an onion address. */
const base32 = (b: Buffer) => {
  let bits = 0;
  let v = 0;
  let out = '';
  for (const x of b) {
    v = ((v << 8) | x) & 0xffff;
    bits += 8;
    for (; bits >= 5; bits -= 5) out += 'abcdefghijklmnopqrstuvwxyz234567'[(v >>> (bits - 5)) & 31];
  }
  return bits ? out + 'abcdefghijklmnopqrstuvwxyz234567'[(v << (5 - bits)) & 31] : out;
};

/** A Tor v3 onion service's `hostname`: base32 of its 32-byte public key, a 2-byte SHA3-256 checksum, version 3 (rend-spec-v3). */
const onionHostname = (key: Buffer) => {
  const checksum = createHash('sha3-256')
    .update(Buffer.concat([Buffer.from('.onion checksum'), key, Buffer.from([3])]))
    .digest()
    .subarray(0, 2);
  return `${base32(Buffer.concat([key, checksum, Buffer.from([3])]))}.onion\n`;
};

/** npm's lockfile: each package with its `sha512-` integrity. */
const packageLock = (digests: Buffer[]) =>
  JSON.stringify(
    {
      name: 'app',
      lockfileVersion: 3,
      packages: Object.fromEntries(
        digests.map((d, i) => [
          `node_modules/pkg-${i}`,
          { version: `1.0.${i}`, resolved: `https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.0.${i}.tgz`, integrity: `sha512-${d.toString('base64')}` },
        ]),
      ),
    },
    null,
    2,
  );

describe.each(SEEDS)('hashes whose first bytes are a compressed stream magic, in real-looking files (seed %i)', (seed) => {
  it('give no finding: no "not fully audited", no leak', async () => {
    const r = mulberry32(seed);
    const found = await auditFiles({
      'srv/repo/.hg/cache/branch2-served': branch2Served(hashes(r, 20, 64, 16)),
      'srv/repo/.git/packed-refs': packedRefs(hashes(r, 20, 16, 8)),
      'srv/repo-sha256/.git/packed-refs': packedRefs(hashes(r, 32, 16, 8)),
      'srv/dist/SHA512SUMS': sha512sums(hashes(r, 64, 4, 8)),
      'srv/app/go.sum': goSum(hashes(r, 32, 8, 8)),
      'srv/web/package-lock.json': packageLock(hashes(r, 64, 2, 4)),
      ...Object.fromEntries(hashes(r, 32, 2, 4).map((key, i) => [`srv/var/lib/tor/service-${i}/hostname`, onionHostname(key)])),
    });
    expect(found).toEqual([]);
  }, 60_000);
});

/** Real files of each format, made by its tool (those on this machine): the first bytes of each begin the hashes below. */
const REAL: Array<[string, string]> = [
  ['gzip', 'gzip -c data.txt'],
  ['bzip2', 'bzip2 -c data.txt'],
  ['xz', 'xz -c data.txt'],
  ['xz', 'xz --format=lzma -c data.txt'],
  ['zstd', 'zstd -q -c data.txt'],
  ['lz4', 'lz4 -q -c data.txt'],
  ['lz4', 'lz4 -l -q -c data.txt'],
  ['lzop', 'lzop -c data.txt'],
  ['lzip', 'lzip -c data.txt'],
  ['zip', 'zip -q - data.txt'],
  ['cpio', 'echo data.txt | cpio -o -H newc 2>/dev/null'],
  ['cpio', 'echo data.txt | cpio -o 2>/dev/null'],
  ['ar', 'ar rc out.a data.txt && cat out.a'],
  ['lrzip', 'lrzip -q -o out.lrz data.txt >/dev/null 2>&1 && cat out.lrz'],
  ['zpaq', 'zpaq a out.zpaq data.txt >/dev/null 2>&1 && cat out.zpaq'],
];

describe.each(SEEDS)('short runs that begin as a real file of each format begins (seed %i)', (seed) => {
  const made = REAL.filter(([name]) => has(name));
  it(`give no finding: the first 2–41 bytes of a real file (${[...new Set(made.map(([name]) => name))].join(', ')}), random bytes after, 16–64 in all`, async () => {
    const r = mulberry32(seed);
    const data = `api_host=db.internal\n${Array.from({ length: 200 }, (_, i) => `row ${i}`).join('\n')}\n`;
    const files: Record<string, string> = {};
    for (const [i, [name, command]] of made.entries()) {
      const real = tool('sh', ['-c', command], { 'data.txt': data });
      const lines: string[] = [];
      for (let n = 0; n < 100; n++) {
        const h = bytesOf(r, 16 + Math.floor(r() * (RUN_TRIAL - 15)));
        real.copy(h, 0, 0, Math.min(h.length, 2 + Math.floor(r() * 40)));
        lines.push(`${h.toString('hex')} ${n}`);
      }
      files[`srv/cache/${i}-${name}.hashes`] = `${lines.join('\n')}\n`;
    }
    expect(made.length).toBeGreaterThan(0);
    expect(await auditFiles(files)).toEqual([]);
  }, 60_000);
});

describe('a real compressed stream decoded from text is still named when damaged, read when whole', () => {
  /** A Helm release record's JSON: the chart's templates and the rendered manifest, kilobytes. */
  const r = mulberry32(testSeeds([7])[0]!);
  const release = (value: string) =>
    JSON.stringify({
      name: 'web',
      namespace: 'prod',
      version: 3,
      info: { status: 'deployed', first_deployed: '2026-11-30T09:12:44Z', description: 'Upgrade complete' },
      chart: {
        metadata: { name: 'web', version: '1.4.2', apiVersion: 'v2', appVersion: '2.8.0' },
        templates: ['deployment', 'service', 'ingress', 'configmap'].map((t) => ({
          name: `templates/${t}.yaml`,
          data: Buffer.from(`apiVersion: v1\nkind: ${t}\nmetadata:\n  name: {{ .Release.Name }}-${t}\n${'  labels:\n    app: web\n'.repeat(12)}`).toString(
            'base64',
          ),
        })),
        values: { replicas: 2, image: { repository: 'registry.example.com/web', tag: '2.8.0' } },
      },
      // Rendered objects carry checksums of what they mount (`checksum/config: {{ sha256sum … }}`): random to gzip.
      manifest: `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  API_TOKEN: ${value}\n${Array.from(
        { length: 24 },
        (_, i) => `---\nkind: Deployment\nmetadata:\n  name: web-${i}\n  annotations:\n    checksum/config: ${bytesOf(r, 32).toString('hex')}\n`,
      ).join('')}`,
      config: {},
    });
  const secretYaml = (b64: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: sh.helm.release.v1.web.v3\ntype: helm.sh/release.v1\ndata:\n  release: ${b64}\n`;

  it('a Helm release record cut short (base64 of gzip of JSON, kilobytes) says "not fully audited"', async () => {
    const whole = gzipSync(release('nothing-secret-here'));
    expect(whole.length).toBeGreaterThan(20 * RUN_TRIAL); // real size: kilobytes of JSON, kilobytes of gzip
    const found = await auditFiles({ 'srv/backup/release.yaml': secretYaml(whole.subarray(0, Math.floor(whole.length * 0.6)).toString('base64')) });
    expect(found).toEqual([
      {
        severity: 'limit',
        what: expect.stringMatching(/^not fully audited: a damaged (gzip|deflate) stream/),
        path: expect.stringMatching(/^srv\/backup\/release\.yaml!\(base64 at \d+\)$/),
      },
    ]);
  });

  it('a whole Helm release record holding the secret: found', async () => {
    const found = await auditFiles({ 'srv/backup/release.yaml': secretYaml(gzipSync(release(SECRET)).toString('base64')) });
    expect(leaks(found).map((f) => f.path)).toEqual([expect.stringMatching(/^srv\/backup\/release\.yaml!\(base64 at \d+\)!$/)]);
    expect(limits(found)).toEqual([]);
  });

  it(`the threshold, on a real gzip of JSON cut short: ${RUN_TRIAL + 1} bytes of it named, ${RUN_TRIAL} bytes a trial`, async () => {
    const whole = gzipSync(JSON.stringify({ apiKey: 'nothing-secret-here-either-at-all', region: 'eu-west-1', retries: 3 }));
    expect(whole.length).toBeGreaterThan(RUN_TRIAL + 8);
    const found = await auditFiles({
      'srv/a/settings.env': `CONFIG_GZ=${whole.subarray(0, RUN_TRIAL + 1).toString('base64')}\n`,
      'srv/b/settings.env': `CONFIG_GZ=${whole.subarray(0, RUN_TRIAL).toString('base64')}\n`,
    });
    expect(found).toEqual([
      {
        severity: 'limit',
        what: expect.stringMatching(/^not fully audited: a damaged (gzip|deflate) stream/),
        path: expect.stringMatching(/^srv\/a\/settings\.env!\(base64 at \d+\)$/),
      },
    ]);
  });

  it('a short zlib stream decoded from hex, and a short gzip from base64, holding the secret: both found', async () => {
    const zlib = deflateSync(`token=${SECRET}`);
    const gzip = gzipSync(SECRET);
    expect(Math.max(zlib.length, gzip.length)).toBeLessThanOrEqual(RUN_TRIAL); // within the trial's size: read all the same
    const found = await auditFiles({ 'srv/etc/blob.conf': `payload_hex = ${zlib.toString('hex')}\npayload_b64 = ${gzip.toString('base64')}\n` });
    expect(found).toEqual([
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^srv\/etc\/blob\.conf!\(hex at \d+\)!$/) },
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^srv\/etc\/blob\.conf!\(base64 at \d+\)!$/) },
    ]);
  });

  it('the same few bytes as a file of their own (a .gz cut to 20 bytes) still say "not fully audited"; as hex in text, nothing', async () => {
    const cut = gzipSync(Buffer.from(`${'log line\n'.repeat(50)}`)).subarray(0, 20);
    const found = await auditFiles({
      'srv/log/app.log.1.gz': cut,
      'srv/repo/.hg/cache/branch2-served': `${cut.toString('hex')} 12\n${cut.toString('hex')} o default\n`,
    });
    expect(found).toEqual([
      { severity: 'limit', what: expect.stringMatching(/^not fully audited: a damaged (gzip|deflate) stream/), path: 'srv/log/app.log.1.gz' },
    ]);
  });
});

describe.runIf(has('git'))('a git binary patch (made by git): its hunk is zlib by its format, not by chance', () => {
  it('a short hunk cut short (52 bytes of its zlib stream left) still says "not fully audited"; whole, nothing', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), bytesOf(mulberry32(testSeeds([11])[0]!), 32)]);
    const patch = tool('sh', ['-c', 'git diff --no-index --binary /dev/null logo.png || true'], { 'logo.png': png }).toString('latin1');
    const lines = patch.split('\n');
    const hunk = lines.findIndex((l) => /^literal \d+$/.test(l));
    expect([lines[hunk + 1]![0], lines[hunk + 2]!.length > 1]).toEqual(['z', true]); // 52 bytes, then the rest: the zlib stream is 53–64 bytes
    const cut = [...lines.slice(0, hunk + 2), ...lines.slice(hunk + 3)].join('\n');
    const found = await auditFiles({ 'srv/patches/0001-logo.patch': cut, 'srv/patches/0002-logo.patch': patch });
    expect(found).toEqual([
      {
        severity: 'limit',
        what: expect.stringMatching(/^not fully audited: a damaged zlib stream/),
        path: expect.stringMatching(/^srv\/patches\/0001-logo\.patch!\(git binary patch at \d+\)$/),
      },
    ]);
  });
});

describe.runIf(has('hg'))('a real Mercurial repository (made by hg)', () => {
  it('its branch cache has the shape written above, and its .hg audits clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-hg-'));
    try {
      const hg = (...args: string[]) =>
        execFileSync('hg', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HGUSER: 'ci <ci@example.com>', HGPLAIN: '1' } });
      hg('init', '.');
      for (const [i, branch] of ['default', 'feature', 'default', 'release'].entries()) {
        if (branch !== 'default' || i > 0) hg('update', '-q', '-C', i === 2 ? 'default' : 'tip');
        if (branch !== 'default') hg('branch', '-q', branch);
        execFileSync('sh', ['-c', `echo change ${i} >> file-${branch}`], { cwd: dir });
        hg('commit', '-q', '-A', '-m', `change ${i}`);
      }
      hg('branches');
      const served = readFileSync(join(dir, '.hg/cache/branch2-served'), 'latin1');
      const shape = /^[0-9a-f]{40} \d+\n(?:[0-9a-f]{40} [oc] \S+\n)+$/;
      expect(served).toMatch(shape);
      expect(branch2Served(hashes(mulberry32(1), 20, 0, 1))).toMatch(shape);
      const files: Record<string, Buffer> = {};
      const walk = (d: string): void => {
        for (const name of readdirSync(d)) {
          const p = join(d, name);
          if (statSync(p).isDirectory()) walk(p);
          else files[`srv/repo/${relative(dir, p)}`] = readFileSync(p);
        }
      };
      walk(dir);
      expect(Object.keys(files)).toContain('srv/repo/.hg/cache/branch2-served');
      expect(await auditFiles(files)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
