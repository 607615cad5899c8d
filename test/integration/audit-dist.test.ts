// Property: every decoder the audit loads lazily works in the bundle that ships — one artifact per
// decoder and container in an OCI layout, audited by `node dist/cli.js audit ./LAYOUT
// --audit-values-file F --json` as a user runs it, each value found with the path through the
// containers. Nearest real-world variant: a runner executing the committed dist/ on an image whose
// layers hold a .tar.xz, a .deb, a bzip2 dump and an lz4 cache (the xz chunk once failed to load
// there, "t is not a constructor", while src/ tests passed). Needs no docker.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { afterAll, expect, it } from 'vitest';
import { tarOf } from '../support/tar.js';
import { has, layoutOf, tool } from '../../src/audit/decoders/testing.js';

const work = mkdtempSync(join(tmpdir(), 'hoist-audit-dist-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const value = (id: string) => `dist-${id}-7c1e9a4b2f8d+/=secret`;
const text = (id: string) => `# config\napi_key=${value(id)}\n`;
const GIT = 'git -c user.name=CI -c user.email=ci@example.com';
const cli = (command: string, input: Buffer | string) => tool('sh', ['-c', `${command} < in`], { in: input });

/** Each artifact: its path in the layer, its bytes, the path the finding must name. */
const artifacts: Array<[string, () => Promise<Buffer | Uint8Array>, RegExp]> = [
  ['gzip', async () => gzipSync(text('gzip')), /srv\/app\.log\.gz!$/],
  ['zlib', async () => deflateSync(text('zlib')), /srv\/objects\/ab\/cd01!$/],
  ['zstd', async () => zstdCompressSync(text('zstd')), /srv\/cache\.zst!$/],
  ['brotli', async () => brotliCompressSync(text('brotli')), /srv\/main\.js\.br!$/],
  ['xz', async () => cli('xz -c', await tarOf({ 'app/.env': text('xz') })), /srv\/backup\.tar\.xz!\/app\/\.env$/],
  ['bzip2', async () => cli('bzip2 -c', text('bzip2')), /srv\/dump\.sql\.bz2!$/],
  ['lz4', async () => cli('lz4 -q -c', text('lz4')), /srv\/cache\.lz4!$/],
  [
    'zip',
    async () => zipSync({ 'BOOT-INF/classes/app.properties': strToU8(text('zip')) }, { level: 6 }),
    /srv\/app\.jar!\/BOOT-INF\/classes\/app\.properties$/,
  ],
  ['tar', async () => tarOf({ 'etc/app.env': text('tar') }), /srv\/bundle\.tar!\/etc\/app\.env$/],
  ['ar', async () => tool('sh', ['-c', 'ar rc lib.a credentials.conf'], { 'credentials.conf': text('ar') }, 'lib.a'), /srv\/libapp\.a!\/credentials\.conf$/],
  ['cpio', async () => tool('sh', ['-c', 'find etc | cpio -o -H newc --quiet'], { 'etc/app.env': text('cpio') }), /srv\/initramfs\.cpio!\/etc\/app\.env$/],
  ['hexdump', async () => cli('xxd', text('hexdump')), /srv\/request\.dump \(as a hex dump\)$/],
  ['embedded', async () => Buffer.concat([Buffer.alloc(3000, 7), deflateSync(text('embedded')), Buffer.alloc(100, 9)]), /srv\/resources\.pak@3000!$/],
  // A token rotated in a later commit, `git gc --aggressive`: the old value only in a delta that copies most of it from the new (resolved: gitpack.ts).
  [
    'gitpack',
    async () =>
      tool(
        'sh',
        [
          '-c',
          `git init -q -b main r && cd r && seq -f 'SETTING_%g=value' 1 30 > .env && cat ../in >> .env && git add -A && ${GIT} commit -qm one &&
           seq -f 'SETTING_%g=value' 1 30 > .env && sed 's/=secret$/=rotated-2026/' ../in >> .env && seq -f 'MORE_%g=x' 1 5 >> .env && ${GIT} commit -qam two &&
           git gc -q --aggressive && cp .git/objects/pack/*.pack ../out.pack`,
        ],
        { in: text('gitpack') },
        'out.pack',
      ),
    /srv\/repo\/\.git\/objects\/pack\/pack-0{40}\.pack!\/[0-9a-f]{40}$/,
  ],
  [
    'base64-gzip',
    async () => Buffer.from(`release: ${gzipSync(JSON.stringify({ config: text('base64-gzip') })).toString('base64')}\n`),
    /srv\/release\.yaml!\(base64 at 9\)!$/,
  ],
];
const names: Record<string, string> = {
  gzip: 'app.log.gz',
  zlib: 'objects/ab/cd01',
  zstd: 'cache.zst',
  brotli: 'main.js.br',
  xz: 'backup.tar.xz',
  bzip2: 'dump.sql.bz2',
  lz4: 'cache.lz4',
  zip: 'app.jar',
  tar: 'bundle.tar',
  ar: 'libapp.a',
  cpio: 'initramfs.cpio',
  hexdump: 'request.dump',
  embedded: 'resources.pak',
  'base64-gzip': 'release.yaml',
  gitpack: `repo/.git/objects/pack/pack-${'0'.repeat(40)}.pack`,
};

it('the shipped bundle decodes every format, each finding naming the path through the containers', async () => {
  const tools = ['xz', 'bzip2', 'lz4', 'ar', 'cpio', 'xxd', 'git'];
  expect(tools.filter((t) => !has(t))).toEqual([]); // test/lab/lab.sh installs them
  execFileSync('flock', ['/tmp/hoist-build.lock', process.execPath, 'scripts/build.mjs'], { stdio: 'ignore' });
  const files: Record<string, Uint8Array> = {};
  for (const [id, make] of artifacts) files[`srv/${names[id]}`] = await make();
  const layout = join(work, 'layout');
  await layoutOf(layout, files);
  const valuesFile = join(work, 'values.txt');
  writeFileSync(valuesFile, `${artifacts.map(([id]) => value(id)).join('\n')}\n`, { mode: 0o600 });
  const run = spawnSync(process.execPath, ['dist/cli.js', 'audit', layout, '--audit-values-file', valuesFile, '--json'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const json = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { findings: Array<{ severity: string; what: string; where: string }> };
  for (const [i, [id, , where]] of artifacts.entries()) {
    const found = json.findings.filter((f) => new RegExp(`^audit-values line ${i + 1}(,|$)`).test(f.what) && f.severity === 'leak');
    expect({ id, where: found.map((f) => f.where) }).toEqual({ id, where: [expect.stringMatching(where)] });
  }
  expect(json.findings.filter((f) => f.severity === 'limit')).toEqual([]);
  expect(run.stdout + run.stderr).not.toContain(value('xz'));
}, 180_000);
