// Property: a zstd stream of many frames — pzstd's (a skippable frame before each), `cat a.zst b.zst`,
// frames split where a writer cut its input — decodes to what `zstd -dc` gives, fed in chunks of 1
// byte to whole, so a value anywhere, across frames too, is found; a layer compressed so (zstd:chunked,
// pzstd) is read to its end, where Node's decoder stopped after the first frame and passed the rest
// unread; a frame needing a dictionary is named, not called damaged; a cut stream is named.
// Nearest real-world variants: a layer pushed by buildah/podman as zstd:chunked, a log compressed by
// pzstd, `zstd -c >> backup.zst` run nightly, a .tar.zst made with `zstd -T0`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tarOf } from '../../../test/support/tar.js';
import { layoutGraph } from '../../oci/graph.js';
import { initLayout, MediaType, readLayoutRoot, writeBlobBytes, writeIndex } from '../../oci/layout.js';
import { auditLayout } from '../audit.js';
import { decodeWith } from './decode.testing.js';
import { zstd } from './native.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

const zst = (input: Uint8Array, args: string[] = []) => execFileSync('zstd', ['-q', '-c', ...args], { input, maxBuffer: 1 << 28 });
const pzstd = (input: Uint8Array) => tool('sh', ['-c', 'pzstd -q -p 2 in -o out'], { in: input }, 'out');
const noise = (n: number) => Buffer.from(rand.bytes(n).toString('base64'));
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const value = () => Array.from({ length: 32 }, () => ALNUM[rand.int(ALNUM.length)]).join('') + '+/=';

/** The findings of an audit of one layer, compressed as `blob`, with media type `+zstd`. */
async function auditZstdLayer(blob: Uint8Array, secret: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-zstd-layer-'));
  try {
    await initLayout(dir);
    const layer = await writeBlobBytes(dir, Buffer.from(blob));
    const config = await writeBlobBytes(dir, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })));
    const manifest = await writeBlobBytes(
      dir,
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.ociManifest,
          config: { mediaType: MediaType.ociConfig, ...config },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', ...layer }],
        }),
      ),
    );
    await writeIndex(dir, [{ mediaType: MediaType.ociManifest, ...manifest }]);
    const r = await auditLayout(dir, await layoutGraph(dir, await readLayoutRoot(dir)), {
      secrets: [{ name: 'token', value: secret }],
      handedKeys: new Map(),
      redact: (t) => t,
    });
    return r.findings.map((f) => `${f.severity}: ${f.what} @ ${f.where.replace(/^layer sha256:[0-9a-f]+( \([^)]*\))?, /, '')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!has('zstd') || !has('pzstd'))('zstd frame after frame', () => {
  it(`random values at random offsets of multi-frame streams (pzstd, cat, split inputs): output = zstd -dc, chunks of 1 byte to whole (seed ${rand.seed})`, async () => {
    for (let round = 0; round < 4; round++) {
      const v = value();
      const plain = Buffer.concat([noise(rand.int(1, round === 0 ? 30_000 : 300_000)), Buffer.from(`TOKEN=${v}\n`), noise(rand.int(1, 50_000))]);
      const cut = rand.int(1, plain.length);
      const made = [
        pzstd(plain),
        Buffer.concat([zst(plain.subarray(0, cut)), zst(plain.subarray(cut))]),
        Buffer.concat([pzstd(plain.subarray(0, cut)), zst(plain.subarray(cut), ['--no-check'])]),
      ];
      for (const z of made) {
        const expected = execFileSync('zstd', ['-dc'], { input: z, maxBuffer: 1 << 28 });
        for (const chunk of round === 0 ? [1, 7, 4096, z.length] : [rand.int(1, 70_000), z.length]) {
          const { out, limits } = await decodeWith(zstd, z, { chunk });
          expect(limits).toEqual([]);
          expect(out.equals(expected), `round ${round}, chunk ${chunk}`).toBe(true);
          expect(out.includes(v)).toBe(true);
        }
      }
    }
  }, 120_000);

  it('a value cut by the frame boundary of a pzstd-like split is found in the file; its clean twin passes', async () => {
    const body = (v: string) => Buffer.from(`${'x'.repeat(5000)}API_TOKEN=${v}\n`);
    const split = (b: Buffer) => Buffer.concat([zst(b.subarray(0, 5020)), zst(b.subarray(5020))]);
    expect(await auditFiles({ 'var/log/app.log.zst': split(body(SECRET)) })).toEqual([{ severity: 'leak', what: 'token', path: 'var/log/app.log.zst!' }]);
    expect(await auditFiles({ 'var/log/app.log.zst': split(body('clean-value-nothing-here')) })).toEqual([]);
  });

  it('a frame compressed with a dictionary is named as such; the frames around it are read', async () => {
    const samples = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`s${i}.json`, `{"user":"u${i}","password":"p${i}","role":"reader"}\n`]));
    const dict = tool('sh', ['-c', 'zstd -q --train s*.json -o dict --maxdict=2048'], samples, 'dict');
    const withDict = tool('zstd', ['-q', '-D', 'dict', 'in', '-o', 'out'], { dict, in: '{"user":"app","role":"admin"}\n' }, 'out');
    const { out, limits } = await decodeWith(zstd, Buffer.concat([zst(Buffer.from('before\n')), withDict, zst(Buffer.from('after\n'))]), { chunk: 5 });
    expect(out.toString()).toBe('before\nafter\n');
    expect(limits).toEqual([expect.stringMatching(/^a zstd frame compressed with a dictionary \(id \d+\) Hoist does not have: not audited$/)]);
  });

  it(`frames declaring windows past the 8 MiB bound (zstd --long on a pipe: 128 MiB; --zstd=wlog=24: 16 MiB) with 50 KB each are read whole, no limit: a frame is bounded by its output (zstd-window.test.ts) (seed ${rand.seed})`, async () => {
    const input = noise(50_000);
    for (const args of [['--long'], ['-1', '--zstd=wlog=24'], ['-1', '--zstd=wlog=23']]) {
      const { out, limits } = await decodeWith(zstd, Buffer.concat([zst(Buffer.from('before\n')), zst(input, args)]), { chunk: 4096 });
      expect(limits, args.join(' ')).toEqual([]); // the old bound on the declared window named the first two and read nothing of them
      expect(out.equals(Buffer.concat([Buffer.from('before\n'), input])), args.join(' ')).toBe(true);
    }
  });

  it(`a stream cut inside a frame is named; bytes after the last frame are trailing bytes, quietly (seed ${rand.seed})`, async () => {
    const z = zst(noise(100_000));
    expect((await decodeWith(zstd, z.subarray(0, z.length - 100), { chunk: 999 })).limits).toEqual([expect.stringMatching(/truncated/)]);
    const trailing = await decodeWith(zstd, Buffer.concat([z, Buffer.from('not a frame at all, some padding')]), { chunk: 999 });
    expect(trailing.limits).toEqual([]);
  });

  it(`a layer compressed by pzstd (skippable frames, many frames): a file after the first frame is found; the clean twin passes (seed ${rand.seed})`, async () => {
    const layer = async (v: string) =>
      pzstd(await tarOf({ 'srv/a-noise.txt': noise(5_000_000), 'srv/b.env': `API_TOKEN=${v}\n`, 'srv/c-noise.txt': noise(1_000_000) }));
    const v = value();
    expect(await auditZstdLayer(await layer(v), v)).toEqual(['leak: token @ srv/b.env']);
    expect(await auditZstdLayer(await layer(value()), v)).toEqual([]);
  }, 60_000);
});
