// The audit on a third round of nearby variants (audit-variants.test.ts and -2 were the first two),
// as an independent red team makes them: what compilers, packers and system tools write around a
// value (compressed ELF debug sections, BGZF, pigz comments, pzstd, xz blocks and padded streams,
// appended bzip2, snappy framing, a systemd journal, a source map, a notebook, SQLite in UTF-16BE, an
// ext4 image, a continued shell line, a jar manifest's folding, UTF-32, a pickle) — each made by the
// real tool — and placement: a layer compressed by pzstd (skippable frames, many frames: Node's zstd
// read its first frame and passed the rest), a tar.zst in base64 in the config's Env. All run
// through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`).
// Property: every variant's value is found, the path named; every clean twin gives no finding.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeArtifact } from '../support/corpus/artifact.js';
import { auditLayout, findingsFor, writeLayout, type AuditRun, type ImageExtras } from '../support/corpus/layout.js';
import { variant3 } from '../support/corpus/variant3.js';
import { valueOf, type Kind } from '../support/corpus/variant-values.js';

const artifacts = variant3;
/** Places beyond one artifact's directory: a whole layer's compression, the config. */
const places: Array<{ id: string; kind: Kind; realWorld: string; where: RegExp }> = [
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
const AUDIT_TIMEOUT_MS = 180_000;
const kinds = [...artifacts.map((a) => a.kind), ...places.map((p) => p.kind)];
const values = kinds.map(valueOf);
const at = (id: string) => artifacts.length + places.findIndex((p) => p.id === id);
let work = '';
let leaky: AuditRun;
let clean: AuditRun;

/** base64 of a tar.zst (GNU tar, zstd) holding seed/app.env with `value`. */
function b64TarZst(dir: string, value: string): string {
  execFileSync('mkdir', ['-p', join(dir, 'seed')]);
  execFileSync('sh', ['-c', 'cat > seed/app.env'], { cwd: dir, input: `API_TOKEN=${value}\n` });
  return execFileSync('sh', ['-c', 'tar --sort=name --mtime=@0 -cf - seed | zstd -q -c | base64 -w0'], { cwd: dir }).toString();
}

/** Three layers: artifacts dealt between a gzip one and a plain one; a pzstd one. */
async function image(name: string, value: (i: number) => string): Promise<void> {
  const [gz, plain, zst] = ['gz', 'tar', 'zst'].map((l) => join(work, `${name}-${l}`)) as [string, string, string];
  for (const [i, a] of artifacts.entries())
    await makeArtifact({ ...a, shape: 'token' }, value(i), join(i % 2 ? plain : gz, 'srv', a.id), join(work, 'scratch', `${name}-${a.id}`));
  // A first file large enough that pzstd cuts the layer into several frames before the value's.
  await mkdir(join(zst, 'srv', 'pzstd-layer'), { recursive: true });
  await writeFile(join(zst, 'srv', 'pzstd-layer', 'a.log'), Buffer.alloc(12 << 20, '2026-01-01T00:00:00Z INFO request served in 3 ms\n'));
  await writeFile(join(zst, 'srv', 'pzstd-layer', 'b.env'), `NODE_ENV=production\nAPI_TOKEN=${value(at('pzstd-layer'))}\n`);
  const seed = join(work, `${name}-seed`);
  const extras: ImageExtras = { config: { Env: ['PATH=/usr/bin:/bin', `SEED_DATA=${b64TarZst(seed, value(at('env-b64-tar-zst')))}`] } };
  await writeLayout(
    join(work, name),
    [
      { dir: gz, gzip: true },
      { dir: plain, gzip: false },
      { dir: zst, gzip: false, tool: { argv: ['pzstd', '-q', '-p', '2', '-c'], mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' } },
    ],
    extras,
  );
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hoist-variants3-'));
  await image('leaky', (i) => values[i]!);
  await image('clean', (i) => valueOf(kinds[i]!));
  leaky = await auditLayout(work, 'leaky', values, AUDIT_TIMEOUT_MS);
  clean = await auditLayout(work, 'clean', values, AUDIT_TIMEOUT_MS);
}, 600_000);

afterAll(async () => {
  if (leaky && clean)
    console.log(
      `audit variants 3: ${artifacts.length} artifacts + ${places.length} places; audit ${Math.round(leaky.ms)} ms (leaky), ${Math.round(clean.ms)} ms (clean)`,
    );
  if (work) await rm(work, { recursive: true, force: true });
});

const strip = (where: string) => where.replace(/^layer \S+ \([^)]*\), /, '');

describe('the shipped audit on a third round of variants', () => {
  it('finishes on both images', () => {
    expect({ leaky: leaky.timedOut, clean: clean.timedOut }).toEqual({ leaky: false, clean: false });
  });

  it.each(artifacts.map((a, i) => ({ ...a, i })))('$id — $name: found, the path named', ({ i, id, where }) => {
    const found = findingsFor(leaky, i);
    expect(found.length, `no leak finding; the audit said: ${JSON.stringify(leaky.findings.filter((f) => f.where.includes(`/srv/${id}/`)))}`).toBeGreaterThan(
      0,
    );
    expect(found.map((f) => strip(f.where))).toContainEqual(expect.stringMatching(where));
  });

  it.each(places.map((p) => ({ ...p, i: at(p.id) })))('$id — $realWorld: found', ({ i, where }) => {
    expect(findingsFor(leaky, i).map((f) => strip(f.where))).toContainEqual(expect.stringMatching(where));
  });

  it.each(artifacts)('$id: the clean twin gives no leak and no limit finding', ({ id }) => {
    expect(clean.findings.filter((f) => f.where.includes(`/srv/${id}/`)).map((f) => `${f.severity}: ${f.what}`)).toEqual([]);
  });

  it('the clean image passes (exit 0, no finding anywhere) and the leaky one fails (exit 1)', () => {
    expect(clean.findings.map((f) => `${f.severity}: ${f.what} @ ${f.where}`)).toEqual([]);
    expect({ leaky: leaky.code, clean: clean.code }).toEqual({ leaky: 1, clean: 0 });
  });

  it('never prints a value', () => {
    const printed = JSON.stringify(leaky.findings) + leaky.stderr + JSON.stringify(clean.findings) + clean.stderr;
    expect(values.filter((s) => printed.includes(s))).toEqual([]);
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
