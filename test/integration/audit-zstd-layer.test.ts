// Property: an image whose `+zstd` layer holds a frame the audit cannot read (here one file's frame compressed with a
// trained dictionary) is audited through the shipped bundle from the registry it was pushed to: the frame is one
// `limit` finding at the layer (a warning, a failure only under audit-limits: strict), the whole audit never fails
// (before: `error: a zstd frame compressed with a dictionary … Hoist does not have`, exit 3, nothing reported), the
// value in the file before the frame is found at its path and the value in the file after it at `layer …@offset!, path`.
// Nearest real-world variant: an image built by buildah and pushed with `--compression-format zstd:chunked` (one frame
// per file, its table of contents in skippable frames), copied by skopeo to the lab's plain registry (127.0.0.1:5100)
// — buildah's own blob, one file's frame made again by `zstd -D` with a dictionary `zstd --train` made.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/corpus/layout.js';
import { dataFrames } from '../../src/audit/decoders/zstd.testing.js';

/** The project's Node (24: the machine's is older). */
const NODE = join(ROOT, 'node_modules/.bin/node');
const REGISTRY = '127.0.0.1:5100';
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const registryUp = () => spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://${REGISTRY}/v2/`]).stdout?.toString() === '200';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * buildah (vfs storage) builds /srv/chunked/{a,b,c}.env from scratch and pushes it as zstd:chunked to an OCI layout;
 * b.env's frame is made again with a dictionary (the layer's content, its diff id, is the same), the manifest
 * rewritten, and skopeo copies the layout to `ref`. Returns the offset of the frame after the dictionary's.
 */
function pushChunkedWithDictFrame(dir: string, ref: string, files: Record<string, string>): number {
  mkdirSync(dir, { recursive: true });
  const storage = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--storage-driver', 'vfs'];
  mkdirSync(join(dir, 'files'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, 'files', name), content);
  const c = execFileSync('buildah', [...storage, 'from', 'scratch'])
    .toString()
    .trim();
  execFileSync('buildah', [...storage, 'copy', c, join(dir, 'files'), '/srv/chunked/']);
  execFileSync('buildah', [...storage, 'commit', '--quiet', c, 'img']);
  const oci = join(dir, 'oci');
  execFileSync('buildah', [...storage, 'push', '--quiet', '--compression-format', 'zstd:chunked', 'img', `oci:${oci}:1`]);
  mkdirSync(join(dir, 'train'));
  for (let i = 0; i < 100; i++) writeFileSync(join(dir, 'train', `s${i}.env`), `USER=u${i}\nROLE=reader\nREGION=eu-${i % 7}\nPASSWORD=p${i}x\n`);
  execFileSync('sh', ['-c', 'zstd -q --train train/*.env -o dict --maxdict=2048'], { cwd: dir, stdio: 'ignore' });
  const blob = (digest: string) => join(oci, 'blobs', 'sha256', digest.slice('sha256:'.length));
  const index = JSON.parse(readFileSync(join(oci, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; size: number }> };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as {
    layers: Array<{ mediaType: string; digest: string; size: number; annotations?: unknown }>;
  };
  const z = readFileSync(blob(manifest.layers[0]!.digest));
  const b = Buffer.from(files['b.env']!);
  const frame = dataFrames(z).find((f) => execFileSync('zstd', ['-dc'], { input: z.subarray(f.at, f.at + f.length) }).equals(b));
  if (!frame) throw new Error("no frame of buildah's layer is b.env's content");
  const dictFrame = execFileSync('zstd', ['-q', '-c', '-D', join(dir, 'dict')], { input: b });
  const swapped = Buffer.concat([z.subarray(0, frame.at), dictFrame, z.subarray(frame.at + frame.length)]);
  writeFileSync(blob(sha(swapped)), swapped);
  // The table of contents annotations name the old blob's offsets: left out, as a registry copy that recompressed would.
  manifest.layers[0] = { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: sha(swapped), size: swapped.length };
  const m = Buffer.from(JSON.stringify(manifest));
  writeFileSync(blob(sha(m)), m);
  index.manifests[0] = { ...index.manifests[0]!, digest: sha(m), size: m.length };
  writeFileSync(join(oci, 'index.json'), JSON.stringify(index));
  execFileSync('skopeo', ['copy', '-q', '--dest-tls-verify=false', `oci:${oci}:1`, `docker://${ref}`]);
  return frame.at + dictFrame.length;
}

/** The shipped bundle's audit of `ref` for `values` (the finding for values[i] is `audit-values line i+1`). */
function audit(dir: string, ref: string, values: readonly string[]) {
  writeFileSync(join(dir, 'values'), `${values.join('\n')}\n`, { mode: 0o600 });
  const r = spawnSync(NODE, [join(ROOT, 'dist/cli.js'), 'audit', ref, '--audit-values-file', join(dir, 'values'), '--json'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TMPDIR: dir },
    timeout: 120_000,
  });
  const out = r.stdout.toString();
  const start = out.indexOf('{\n');
  if (start < 0) throw new Error(`hoist audit wrote no JSON summary (exit ${r.status}): ${r.stderr.toString().slice(0, 2000)}`);
  const summary = JSON.parse(out.slice(start)) as { findings: Array<{ severity: string; what: string; where: string }> };
  return {
    code: r.status,
    findings: summary.findings.map((f) => `${f.severity}: ${f.what} @ ${f.where.replace(/^layer sha256:[0-9a-f]{64}( \([^)]*\))?/, 'layer')}`),
  };
}

const DICT =
  /^limit: not fully audited: a zstd frame compressed with a dictionary \(id \d+\) Hoist does not have, at byte \d+ of the layer's blob: not audited @ layer$/;

describe.skipIf(!has('buildah') || !has('skopeo') || !has('zstd') || !registryUp())(
  'a zstd:chunked image in the registry with a frame compressed with a dictionary',
  () => {
    it('the shipped audit names the frame as a limit; the values before and after it are found at their paths; the clean twin has the limit only', () => {
      const dir = mkdtempSync(join(tmpdir(), 'hoist-zstd-layer-'));
      try {
        const token = () => `tok-${randomBytes(14).toString('hex')}`;
        const [v, w, x] = [token(), token(), token()];
        const repo = `${REGISTRY}/hoist-zstd-layer/${randomBytes(4).toString('hex')}`;
        const files = { 'a.env': `TOKEN=${v}\n`, 'b.env': `USER=app\nROLE=admin\nPASSWORD=${x}\n`, 'c.env': `TOKEN=${w}\n` };
        const next = pushChunkedWithDictFrame(join(dir, 'leaky'), `${repo}:leaky`, files);
        const leaky = audit(dir, `${repo}:leaky`, [v, w, x]);
        expect(leaky.findings).toEqual([
          'leak: audit-values line 1 @ layer, srv/chunked/a.env',
          expect.stringMatching(DICT),
          `leak: audit-values line 2 @ layer@${next}!, srv/chunked/c.env`,
        ]);
        expect(leaky.code).toBe(1);
        const clean = audit(dir, `${repo}:leaky`, [token()]);
        expect(clean.findings).toEqual([expect.stringMatching(DICT)]);
        expect(clean.code).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000);
  },
);
