// Property: a `+zstd` layer (application/vnd.oci.image.layer.v1.tar+zstd) never makes the whole audit fail: a frame it
// cannot read — compressed with a dictionary, declaring a window above 128 MiB (--long=28), or the rest of a frame past
// the layer's 32 MiB output bound (--long=27, --ultra) — is a `limit` finding at the layer, naming why and the frame's
// offset; the tar before it is audited, and the frames after it from the next tar header on (`layer…@offset!, path`), so
// a value in a readable file is found at its own path and never at another's.
// Nearest real-world variants: a layer pushed by buildah/podman with `--compression-format zstd:chunked` (one frame per
// file, skippable frames for its table of contents) — here buildah's own blob with one file's frame recompressed with a
// trained dictionary —, `--compression-format zstd` (one frame, an 8 MiB window), `tar c | zstd -D dict`, and
// `tar c | zstd --long=27 --ultra` of a large tree.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tarOf } from '../../../test/support/tar.js';
import { seededPerTest } from '../../../test/support/random.js';
import { layoutGraph } from '../../oci/graph.js';
import { initLayout, MediaType, readLayoutRoot, writeBlobBytes, writeIndex } from '../../oci/layout.js';
import { auditLayout } from '../audit.js';
import { has, tool } from './testing.js';
import { dataFrames } from './zstd.testing.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(5);

const MiB = 2 ** 20;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A value to look for, drawn unpredictably (values are never made from the seed). */
const secret = () => `tok-${Array.from({ length: 28 }, () => ALNUM[Math.floor(Math.random() * ALNUM.length)]).join('')}`;
const noise = (n: number) => Buffer.from(rand.bytes(Math.ceil((n * 3) / 4)).toString('base64')).subarray(0, n);
/** `n` bytes of log lines (cheap to audit, unlike base64 noise, which the run readers decode): the bulk of a large file. */
function logLines(n: number): Buffer {
  const lines: string[] = [];
  for (let size = 0; size < n;) {
    const line = `2026-01-01T00:00:${String(rand.int(60)).padStart(2, '0')}Z INFO request ${rand.int(1e9)} served in ${rand.int(900)} ms\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, n);
}
const zst = (input: Uint8Array, args: string[] = []) => execFileSync('zstd', ['-q', '-c', ...args], { input, maxBuffer: 1 << 28 });

/** A dictionary trained by `zstd --train` on small env files, and a frame of `input` compressed with it. */
const samples = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`s${i}.env`, `USER=u${i}\nROLE=reader\nREGION=eu-${i % 7}\nPASSWORD=p${i}x\n`]));
let dictionary: Buffer | undefined;
function withDict(input: Uint8Array): Buffer {
  dictionary ??= tool('sh', ['-c', 'zstd -q --train s*.env -o dict --maxdict=2048'], samples, 'dict');
  return tool('zstd', ['-q', '-D', 'dict', 'in', '-o', 'out'], { dict: dictionary, in: input }, 'out');
}

/** An OCI layout at `dir` whose one layer is `blob`, as `+zstd`. */
async function layoutWith(dir: string, blob: Uint8Array): Promise<void> {
  await initLayout(dir);
  const layer = await writeBlobBytes(dir, Buffer.from(blob));
  const config = await writeBlobBytes(dir, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })));
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', ...layer }],
  };
  await writeIndex(dir, [{ mediaType: MediaType.ociManifest, ...(await writeBlobBytes(dir, Buffer.from(JSON.stringify(manifest)))) }]);
}

/** The findings of an audit of the layout at `dir` for `secrets` (named s0, s1, …), each as `severity: what @ where` with the layer's digest left out. */
async function auditDir(dir: string, secrets: readonly string[]): Promise<string[]> {
  const r = await auditLayout(dir, await layoutGraph(dir, await readLayoutRoot(dir)), {
    secrets: secrets.map((value, i) => ({ name: `s${i}`, value })),
    handedKeys: new Map(),
    redact: (t) => t,
  });
  return r.findings.map((f) => `${f.severity}: ${f.what} @ ${f.where.replace(/^layer sha256:[0-9a-f]{64}/, 'layer')}`);
}

async function auditBlob(blob: Uint8Array, secrets: readonly string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-zstd-layer-'));
  try {
    await layoutWith(dir, blob);
    return await auditDir(dir, secrets);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GNU tar of `files` (sorted, time 0) through `zstd args`: a layer as `tar c | zstd` makes it. */
const tarZstd = (files: Record<string, Uint8Array | string>, args: string[]) =>
  tool('sh', ['-c', `tar --sort=name --mtime=@0 --owner=0 --group=0 -cf - srv | zstd -q -c ${args.join(' ')} > out`], files, 'out');

const DICT =
  /^limit: not fully audited: a zstd frame compressed with a dictionary \(id \d+\) Hoist does not have, at byte \d+ of the layer's blob: not audited @ layer$/;

describe.skipIf(!has('zstd') || !has('tar'))('a +zstd layer with a frame that cannot be read: a limit, never the whole audit failing', () => {
  it('a layer compressed whole with a trained dictionary (tar | zstd -D dict): one limit naming the dictionary, nothing thrown', async () => {
    const v = secret();
    const dict = tool('sh', ['-c', 'zstd -q --train s*.env -o dict --maxdict=2048'], samples, 'dict');
    const files = { dict, 'srv/app/.env': `USER=app\nROLE=admin\nPASSWORD=${v}\n`, 'srv/app/README': 'an app\n' };
    const blob = tarZstd(files, ['-D', 'dict']);
    expect(await auditBlob(blob, [v])).toEqual([expect.stringMatching(DICT)]);
  });

  it(`a layer by zstd --long=27 --ultra: 40 MiB in one frame declaring 128 MiB — the first 32 MiB audited (a value there found), the rest one named limit (seed ${rand.seed})`, async () => {
    const [v, w] = [secret(), secret()];
    // GNU tar sorts by name: a.env, then big.log (40 MiB), then z.env past the 32 MiB bound.
    const files = { 'srv/a.env': `TOKEN=${v}\n`, 'srv/big.log': logLines(40 * MiB), 'srv/z.env': `TOKEN=${w}\n` };
    const found = await auditBlob(tarZstd(files, ['--ultra', '--long=27', '-1']), [v, w]);
    expect(found).toEqual([
      'leak: s0 @ layer, srv/a.env',
      "limit: not fully audited: the rest of a zstd frame with a 128 MiB window (zstd --long or --ultra) after its first 32 MiB, where its matches may reach farther back than the audit's 32 MiB memory bound, at byte 0 of the layer's blob: not audited @ layer",
    ]);
  }, 120_000);

  it(`a --long=27 layer of less than 32 MiB, and a zstd -19 one (8 MiB window): read whole, no limit (seed ${rand.seed})`, async () => {
    const v = secret();
    const files = { 'srv/big.log': logLines(12 * MiB), 'srv/z.env': `TOKEN=${v}\n` };
    for (const args of [
      ['--ultra', '--long=27', '-1'],
      ['-19', '--zstd=strat=1'],
    ])
      expect(await auditBlob(tarZstd(files, args), [v]), args.join(' ')).toEqual(['leak: s0 @ layer, srv/z.env']);
  }, 120_000);

  it(`a layer of many frames with a skippable frame among them (pzstd-like, zstd:chunked's table of contents): read to its end, no limit (seed ${rand.seed})`, async () => {
    const v = secret();
    const tar = await tarOf({ 'srv/a.log': noise(300_000), 'srv/b.env': `TOKEN=${v}\n`, 'srv/c.log': noise(100_000) });
    const cut = rand.int(1, tar.length);
    const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18]), Buffer.from([16, 0, 0, 0]), rand.bytes(16)]);
    const blob = Buffer.concat([zst(tar.subarray(0, cut)), skippable, zst(tar.subarray(cut)), skippable]);
    expect(await auditBlob(blob, [v])).toEqual(['leak: s0 @ layer, srv/b.env']);
  });
});

describe.skipIf(!has('zstd'))('a +zstd layer that is damaged: said at the layer as a tar that cannot be walked is, never thrown', () => {
  it(`a layer cut inside its second frame, and one whose bytes after a frame are no frame at all: the file in the first frame found (seed ${rand.seed})`, async () => {
    const [v, w] = [secret(), secret()];
    const tar = await tarOf({ 'srv/a.env': `TOKEN=${v}\n`, 'srv/b.log': logLines(200_000), 'srv/c.env': `TOKEN=${w}\n` });
    const first = zst(tar.subarray(0, 2048));
    const second = zst(tar.subarray(2048));
    const cut = Buffer.concat([first, second.subarray(0, rand.int(20, second.length - 1))]);
    expect(await auditBlob(cut, [v, w])).toEqual([
      'leak: s0 @ layer, srv/a.env',
      'leak: a layer that cannot be audited (a damaged zstd stream: the stream ends inside a frame (truncated); the rest of the layer) @ layer',
    ]);
    // Bytes that start no frame before any frame: nothing read, said.
    expect(await auditBlob(Buffer.concat([Buffer.from('not a zstd frame'), first]), [v])).toEqual([
      'leak: a layer that cannot be audited (a damaged zstd stream: bytes at 0 are not a zstd frame; the rest of the layer) @ layer',
    ]);
  });
});

/**
 * A tar cut into frames as buildah's zstd:chunked cuts it (zstd-window.test.ts checked it against a real blob): the
 * headers before the first file in a frame, each file's content its own frame, then its padding and the next header,
 * the tar's end after the last file. `odd` makes one file's content frame another way (a dictionary, --long=28).
 */
async function chunkedLike(files: Array<[string, Buffer]>, odd: Map<number, (b: Buffer) => Buffer>): Promise<{ blob: Buffer; frames: number[] }> {
  const tar = await tarOf(Object.fromEntries(files));
  const cuts: number[] = [0];
  let at = 0;
  for (const [, content] of files) {
    cuts.push(at + 512, at + 512 + content.length);
    at += 512 + Math.ceil(content.length / 512) * 512;
  }
  cuts.push(tar.length);
  const parts: Buffer[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const bytes = tar.subarray(cuts[i], cuts[i + 1]);
    const f = i % 2 === 1 ? odd.get((i - 1) / 2) : undefined;
    parts.push(f ? f(bytes) : zst(bytes));
  }
  const frames = parts.map((_, i) => parts.slice(0, i).reduce((n, p) => n + p.length, 0));
  return { blob: Buffer.concat(parts), frames };
}

describe.skipIf(!has('zstd'))('a zstd:chunked-like layer (a frame per file) with a frame in the middle that cannot be read', () => {
  it('a dictionary frame between two files: the value before it and the value after it are found, at their own paths; one limit names it', async () => {
    const [v, w, x] = [secret(), secret(), secret()];
    const files: Array<[string, Buffer]> = [
      ['srv/a.env', Buffer.from(`TOKEN=${v}\n`)],
      ['srv/b.env', Buffer.from(`USER=app\nROLE=admin\nPASSWORD=${x}\n`)],
      ['srv/c.env', Buffer.from(`TOKEN=${w}\n`)],
    ];
    const { blob, frames } = await chunkedLike(files, new Map([[1, withDict]]));
    // Frames: a's header, a, a's padding and b's header, b (the dictionary's), b's padding and c's header, c, the end.
    expect(await auditBlob(blob, [v, w, x])).toEqual([
      'leak: s0 @ layer, srv/a.env',
      expect.stringMatching(
        new RegExp(
          `^limit: not fully audited: a zstd frame compressed with a dictionary \\(id \\d+\\) Hoist does not have, at byte ${frames[3]} of the layer's blob: not audited @ layer$`,
        ),
      ),
      `leak: s1 @ layer@${frames[4]}!, srv/c.env`,
    ]);
  });

  it(`random layers of 3-9 files, 0-3 content frames unreadable (a dictionary, --long=28, the rest past 32 MiB): every readable file's value found at its path, none elsewhere, each gap one limit, nothing thrown (seed ${rand.seed})`, async () => {
    const kinds: Array<[string, (b: Buffer) => Buffer]> = [
      ['dictionary', withDict],
      ['window', (b) => zst(b, ['--long=28', '-1'])],
    ];
    for (let round = 0; round < 6; round++) {
      const n = rand.int(3, 10);
      const values = Array.from({ length: n }, secret);
      const big = round === 0 ? rand.int(n) : -1; // round 0: one file past the 32 MiB bound, from a --long=27 frame
      const files: Array<[string, Buffer]> = values.map((v, i) => [
        `srv/f${i}.env`,
        i === big
          ? Buffer.concat([Buffer.from(`TOKEN=${v}\n`), logLines(33 * MiB)])
          : Buffer.concat([noise(rand.int(0, 3000)), Buffer.from(`\nTOKEN=${v}\n`), noise(rand.int(0, 3000))]),
      ]);
      const odd = new Map<number, (b: Buffer) => Buffer>();
      for (let k = rand.int(round === 0 ? 0 : 1, 4); k > 0; k--) odd.set(rand.int(n), rand.pick(kinds)[1]);
      if (big >= 0) odd.set(big, (b) => zst(b, ['--long=27', '-1']));
      const { blob, frames } = await chunkedLike(files, odd);
      const label = `round ${round}: ${n} files, odd ${[...odd.keys()].join(',')}, big ${big}`;
      const found = await auditBlob(blob, values);
      const expected: string[] = [];
      let place = 'layer';
      for (let i = 0; i < n; i++) {
        const content = 2 * i + 1;
        if (odd.has(i) && i !== big) {
          expected.push(`limit @ ${place}`);
          place = `layer@${frames[content + 1]}!`;
        } else {
          expected.push(`leak: s${i} @ ${place}, srv/f${i}.env`);
          if (i === big) {
            expected.push(`limit @ ${place}`);
            place = `layer@${frames[content + 1]}!`;
          }
        }
      }
      expect(
        found.map((f) => (f.startsWith('limit:') ? `limit @ ${f.slice(f.lastIndexOf(' @ ') + 3)}` : f)),
        label,
      ).toEqual(expected);
    }
  }, 300_000);
});

/** A real buildah image pushed as zstd:chunked to an OCI layout: its layer blob's frames, each file's content its own. */
function buildahChunked(dir: string, files: Record<string, string>): Buffer {
  const storage = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--storage-driver', 'vfs'];
  mkdirSync(join(dir, 'files'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, 'files', name), content);
  const c = execFileSync('buildah', [...storage, 'from', 'scratch'])
    .toString()
    .trim();
  execFileSync('buildah', [...storage, 'copy', c, join(dir, 'files'), '/srv/chunked/']);
  execFileSync('buildah', [...storage, 'commit', '--quiet', c, 'img']);
  execFileSync('buildah', [...storage, 'push', '--quiet', '--compression-format', 'zstd:chunked', 'img', `oci:${join(dir, 'oci')}`]);
  const index = JSON.parse(readFileSync(join(dir, 'oci', 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const blob = (d: string) => readFileSync(join(dir, 'oci', 'blobs', 'sha256', d.slice('sha256:'.length)));
  const manifest = JSON.parse(blob(index.manifests[0]!.digest).toString()) as { layers: Array<{ digest: string; mediaType: string }> };
  expect(manifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar+zstd']);
  return blob(manifest.layers[0]!.digest);
}

describe.skipIf(!has('zstd') || !has('buildah'))('buildah zstd:chunked, one file frame recompressed with a dictionary', () => {
  it('the values in the files before and after it are found; the frame is one named limit; the blob as buildah wrote it is read whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-chunked-dict-'));
    try {
      const [v, w, x] = [secret(), secret(), secret()];
      const files = { 'a.env': `TOKEN=${v}\n`, 'b.env': `USER=app\nROLE=admin\nPASSWORD=${x}\n`, 'c.env': `TOKEN=${w}\n` };
      const real = buildahChunked(dir, files);
      await layoutWith(join(dir, 'real'), real);
      expect((await auditDir(join(dir, 'real'), [v, w, x])).sort()).toEqual(
        ['leak: s0 @ layer, srv/chunked/a.env', 'leak: s1 @ layer, srv/chunked/c.env', 'leak: s2 @ layer, srv/chunked/b.env'].sort(),
      );
      // b.env's own frame: the one whose output is b.env's bytes; it is made again with a dictionary, the rest as buildah wrote it.
      const frames = dataFrames(real);
      const b = frames.findIndex((f) => execFileSync('zstd', ['-dc'], { input: real.subarray(f.at, f.at + f.length) }).toString() === files['b.env']);
      expect(b).toBeGreaterThan(0);
      const swapped = Buffer.concat([real.subarray(0, frames[b]!.at), withDict(Buffer.from(files['b.env'])), real.subarray(frames[b]!.at + frames[b]!.length)]);
      const next = frames[b]!.at + withDict(Buffer.from(files['b.env'])).length;
      expect(await auditBlob(swapped, [v, w, x])).toEqual([
        'leak: s0 @ layer, srv/chunked/a.env',
        expect.stringMatching(
          /^limit: not fully audited: a zstd frame compressed with a dictionary \(id \d+\) Hoist does not have, at byte \d+ of the layer's blob: not audited @ layer$/,
        ),
        `leak: s1 @ layer@${next}!, srv/chunked/c.env`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
