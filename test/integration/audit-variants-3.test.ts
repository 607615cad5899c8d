// The audit on a third round of nearby variants (audit-variants.test.ts and -2 were the first two),
// as an independent red team makes them: what compilers, packers and system tools write around a
// value (compressed ELF debug sections, BGZF, pigz comments, pzstd, xz blocks and padded streams,
// appended bzip2, snappy framing, a systemd journal, a source map, a notebook, SQLite in UTF-16BE, an
// ext4 image, a continued shell line, a jar manifest's folding, UTF-32, a pickle) — each made by the
// real tool — and placement: a layer compressed by pzstd (skippable frames, many frames: Node's zstd
// read its first frame and passed the rest), a tar.zst in base64 in the config's Env. All run
// through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`).
// Property: every variant's value is found, the path named; every clean twin gives no finding. The
// image made and the common cases asserted by test/support/corpus/variant-round.ts.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditLayout, findingsFor, type ImageExtras, type LayerSpec } from '../support/corpus/layout.js';
import { variant3 } from '../support/corpus/variant3.js';
import { strip, variantRound, type ImageContext, type Place } from '../support/corpus/variant-round.js';
import { valueOf } from '../support/corpus/variant-values.js';

const artifacts = variant3;
/** Places beyond one artifact's directory: a whole layer's compression, the config. */
const places: Array<Place & { where: RegExp }> = [
  {
    id: 'pzstd-layer',
    kind: 'token',
    realWorld: 'a layer compressed as zstd in many frames, skippable ones first (pzstd; zstd:chunked is one frame per file)',
    where: /srv\/pzstd-layer\/b\.env$/,
  },
  {
    id: 'env-b64-tar-zst',
    kind: 'token',
    realWorld: 'ENV SEED_DATA=<base64 of a tar.zst> — a bootstrap bundle handed to the container in its environment',
    where: /config/i,
  },
];
/** base64 of a tar.zst (GNU tar, zstd) holding seed/app.env with `value`. */
function b64TarZst(dir: string, value: string): string {
  execFileSync('mkdir', ['-p', join(dir, 'seed')]);
  execFileSync('sh', ['-c', 'cat > seed/app.env'], { cwd: dir, input: `API_TOKEN=${value}\n` });
  return execFileSync('sh', ['-c', 'tar --sort=name --mtime=@0 -cf - seed | zstd -q -c | base64 -w0'], { cwd: dir }).toString();
}

/** Beyond the two artifact layers: a pzstd one; the config's Env. */
async function zstdLayer({ work, name, value }: ImageContext): Promise<{ layers: LayerSpec[]; extras: ImageExtras }> {
  const zst = join(work, `${name}-zst`);
  // A first file large enough that pzstd cuts the layer into several frames before the value's.
  await mkdir(join(zst, 'srv', 'pzstd-layer'), { recursive: true });
  await writeFile(join(zst, 'srv', 'pzstd-layer', 'a.log'), Buffer.alloc(12 << 20, '2026-01-01T00:00:00Z INFO request served in 3 ms\n'));
  await writeFile(join(zst, 'srv', 'pzstd-layer', 'b.env'), `NODE_ENV=production\nAPI_TOKEN=${value(round.at('pzstd-layer'))}\n`);
  const seed = join(work, `${name}-seed`);
  const extras: ImageExtras = { config: { Env: ['PATH=/usr/bin:/bin', `SEED_DATA=${b64TarZst(seed, value(round.at('env-b64-tar-zst')))}`] } };
  return {
    layers: [{ dir: zst, gzip: false, tool: { argv: ['pzstd', '-q', '-p', '2', '-c'], mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' } }],
    extras,
  };
}

const round = variantRound({
  prefix: 'hoist-variants3-',
  label: 'audit variants 3',
  artifacts,
  places,
  build: zstdLayer,
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a third round of variants', () => {
  it.each(places.map((p) => ({ ...p, i: round.at(p.id) })))('$id — $realWorld: found', ({ i, where }) => {
    expect(findingsFor(round.leaky(), i).map((f) => strip(f.where))).toContainEqual(expect.stringMatching(where));
  });
});

/** An image made by buildah (copy, commit) and pushed as `zstd:chunked` to an OCI layout `name` in `dir`. */
function buildahChunked(dir: string, name: string, value: string): void {
  const storage = ['--root', join(dir, `${name}-root`), '--runroot', join(dir, `${name}-run`), '--storage-driver', 'vfs'];
  const files = join(dir, `${name}-files`);
  execFileSync('mkdir', ['-p', files]);
  // A first file of 3 MB: buildah writes each file as its own frames, so the value's file is far past the first frame.
  execFileSync('sh', ['-c', 'head -c 2200000 /dev/urandom | base64 > a-noise.txt && cat > b.env'], { cwd: files, input: `API_TOKEN=${value}\n` });
  const c = execFileSync('buildah', [...storage, 'from', 'scratch'])
    .toString()
    .trim();
  execFileSync('buildah', [...storage, 'copy', c, files, '/srv/chunked/']);
  execFileSync('buildah', [...storage, 'commit', '--quiet', c, name]);
  execFileSync('buildah', [...storage, 'push', '--quiet', '--compression-format', 'zstd:chunked', name, `oci:${join(dir, name)}`]);
}

describe('a layer pushed by buildah as zstd:chunked (one frame per file, skippable frames)', () => {
  it('the value in a later file is found; the clean twin passes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-chunked-'));
    try {
      const v = valueOf('token');
      buildahChunked(dir, 'leaky', v);
      buildahChunked(dir, 'clean', valueOf('token'));
      const [l, c] = [await auditLayout(dir, 'leaky', [v]), await auditLayout(dir, 'clean', [v])];
      expect(findingsFor(l, 0).map((f) => strip(f.where))).toEqual(['srv/chunked/b.env']);
      expect(c.findings.map((f) => `${f.severity}: ${f.what} @ ${f.where}`)).toEqual([]);
      expect({ leaky: l.code, clean: c.code }).toEqual({ leaky: 1, clean: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
