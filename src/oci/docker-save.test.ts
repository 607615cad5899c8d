import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { layerTar } from '../../test/support/tar.js';
import { blobPath, readLayoutImage } from './layout.js';
import { convertDockerSave } from './docker-save.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** The legacy `docker save` archive of an image with the given layers (the last one a repeat, as a symlink). */
async function dockerSaveArchive(layers: Buffer[], repeatFirst: boolean): Promise<{ archive: Buffer; config: Buffer }> {
  const diffIds = layers.map(sha);
  if (repeatFirst) diffIds.push(diffIds[0]!);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds } }));
  const configName = `${sha(config).slice(7)}.json`;
  const pack = tar.pack();
  const paths = layers.map((_, i) => `layer${i}/layer.tar`);
  pack.entry({ name: configName }, config);
  layers.forEach((l, i) => {
    pack.entry({ name: `layer${i}/`, type: 'directory' });
    pack.entry({ name: `layer${i}/VERSION` }, '1.0');
    pack.entry({ name: paths[i]! }, l);
  });
  if (repeatFirst) {
    pack.entry({ name: 'layerR/', type: 'directory' });
    pack.entry({ name: 'layerR/layer.tar', type: 'symlink', linkname: '../layer0/layer.tar' });
    paths.push('layerR/layer.tar');
  }
  pack.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: configName, RepoTags: ['x:1'], Layers: paths }]));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return { archive: Buffer.concat(chunks), config };
}

describe('convertDockerSave', () => {
  it('writes an OCI layout whose gzip layers decompress to the config diff ids', async () => {
    const layers = [await layerTar('a.txt', 'first layer'), await layerTar('b.txt', 'second layer')];
    const { archive, config } = await dockerSaveArchive(layers, true);
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    const converted = await convertDockerSave(Readable.from([archive]), dir, { refName: '1.0.0' });

    expect(converted.configDigest).toBe(sha(config));
    const image = await readLayoutImage(dir);
    expect(image.descriptor.digest).toBe(converted.descriptor.digest);
    expect(converted.manifestBytes.equals(image.manifestBytes)).toBe(true);
    expect(image.descriptor.annotations).toEqual({ 'org.opencontainers.image.ref.name': '1.0.0' });
    expect(sha(image.manifestBytes)).toBe(image.descriptor.digest);
    expect(image.manifest.layers).toHaveLength(3);
    expect(image.manifest.layers[2]).toEqual(image.manifest.layers[0]);
    for (const [i, layer] of image.manifest.layers.entries()) {
      const compressed = await readFile(blobPath(dir, layer.digest));
      expect(sha(compressed)).toBe(layer.digest);
      expect(compressed.length).toBe(layer.size);
      expect(sha(gunzipSync(compressed))).toBe(sha(layers[i === 2 ? 0 : i]!));
    }
    expect(JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
  });

  it('is deterministic', async () => {
    const { archive } = await dockerSaveArchive([await layerTar('a', 'x')], false);
    const a = await convertDockerSave(Readable.from([archive]), await mkdtemp(join(tmpdir(), 'hoist-unit-')));
    const b = await convertDockerSave(Readable.from([archive]), await mkdtemp(join(tmpdir(), 'hoist-unit-')));
    expect(a.descriptor.digest).toBe(b.descriptor.digest);
  });

  it('refuses a layer that does not match the config', async () => {
    const { archive } = await dockerSaveArchive([await layerTar('a', 'ORIGINAL-CONTENT')], false);
    const tampered = Buffer.from(archive.toString('latin1').replace('ORIGINAL-CONTENT', 'TAMPERED-CONTENT'), 'latin1');
    expect(tampered.equals(archive)).toBe(false);
    await expect(convertDockerSave(Readable.from([tampered]), await mkdtemp(join(tmpdir(), 'hoist-unit-')))).rejects.toThrow(
      /does not match the config's diff id/,
    );
  });

  it('leaves the layers the caller names uncompressed, the others gzip-compressed', async () => {
    const layers = [await layerTar('base.txt', 'the base'), await layerTar('app.txt', 'the app')];
    const { archive } = await dockerSaveArchive(layers, false);
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    let asked: readonly string[] = [];
    const converted = await convertDockerSave(Readable.from([archive]), dir, {
      keepUncompressed: async (diffIds) => {
        asked = diffIds;
        return new Set([sha(layers[0]!)]);
      },
    });
    expect(asked).toEqual(layers.map(sha));
    expect(converted.compressed).toBe(1);
    const [base, app] = converted.manifest.layers;
    expect(base).toEqual({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(layers[0]!), size: layers[0]!.length });
    expect((await readFile(blobPath(dir, base!.digest))).equals(layers[0]!)).toBe(true);
    expect(app!.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    expect(gunzipSync(await readFile(blobPath(dir, app!.digest))).equals(layers[1]!)).toBe(true);
    await expect(readFile(blobPath(dir, sha(layers[1]!)))).rejects.toThrow(/ENOENT/); // the uncompressed copy is gone
  });

  // The docker path's overlap: an image's own layer is gzip'd while `docker save` still streams the
  // base (docker save orders layers by their v1 ids, so the own layer often comes first). Nearest
  // real-world variant: a 5 MiB app layer ahead of a 200 MiB base in the archive.
  it('compresses an own layer as soon as it is on disk, before the rest of the archive has come', async () => {
    const [base, app] = [await layerTar('base.txt', 'the base'), await layerTar('app.txt', 'the app')];
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(base), sha(app)] } }));
    const pack = tar.pack();
    const archive = new PassThrough();
    pack.pipe(archive);
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    const converting = convertDockerSave(archive, dir, { keepUncompressed: async (ids) => new Set(ids.filter((d) => d === sha(base))) });
    pack.entry({ name: 'app/layer.tar' }, app);
    // Only the app layer has come: its uncompressed copy goes once its gzip'd blob is written.
    const uncompressed = blobPath(dir, sha(app));
    let gone = false;
    for (let i = 0; i < 200 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 10));
      gone = await readFile(uncompressed).then(
        () => false,
        () => true,
      );
    }
    expect(gone, 'the app layer was compressed before the archive went on').toBe(true);
    pack.entry({ name: 'base/layer.tar' }, base);
    pack.entry({ name: 'c.json' }, config);
    pack.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'c.json', RepoTags: null, Layers: ['base/layer.tar', 'app/layer.tar'] }]));
    pack.finalize();
    const converted = await converting;
    expect(converted.compressed).toBe(1);
    expect(gunzipSync(await readFile(blobPath(dir, converted.manifest.layers[1]!.digest))).equals(app)).toBe(true);
    expect(converted.manifest.layers[0]!.digest).toBe(sha(base));
  });

  it('with an epoch, clamps own layers and the config times; the base layer stays as it is', async () => {
    const late = async (name: string) => {
      const pack = tar.pack();
      pack.entry({ name, mtime: new Date('2030-01-01T00:00:00Z') }, 'x');
      pack.finalize();
      const chunks: Buffer[] = [];
      for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
      return Buffer.concat(chunks);
    };
    const layers = [await late('base'), await late('app')];
    const { archive } = await dockerSaveArchive(layers, false);
    const epoch = Date.parse('2026-11-20T09:30:00Z') / 1000;
    const run = async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
      const c = await convertDockerSave(Readable.from([archive]), dir, { epoch, keepUncompressed: async () => new Set([sha(layers[0]!)]) });
      return { dir, c, config: JSON.parse(await readFile(blobPath(dir, c.manifest.config.digest), 'utf8')) };
    };
    const { dir, c, config } = await run();
    expect(c.clamped).toBe(1);
    expect(config.created).toBe('2026-11-20T09:30:00Z');
    expect(config.rootfs.diff_ids[0]).toBe(sha(layers[0]!));
    const app = gunzipSync(await readFile(blobPath(dir, c.manifest.layers[1]!.digest)));
    expect(config.rootfs.diff_ids[1]).toBe(sha(app));
    expect(app.equals(layers[1]!)).toBe(false);
    expect(app.length).toBe(layers[1]!.length);
    expect((await run()).c.descriptor.digest).toBe(c.descriptor.digest);
  });

  it("reads Docker 25's OCI-form archive: blobs/sha256 names, compressed layers kept as they are", async () => {
    const plain = await layerTar('a.txt', 'uncompressed layer');
    const zipped = await layerTar('b.txt', 'compressed layer');
    const gz = (await import('node:zlib')).gzipSync(zipped);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(plain), sha(zipped)] } }));
    const at = (b: Buffer) => `blobs/sha256/${sha(b).slice(7)}`;
    const pack = tar.pack();
    pack.entry({ name: 'blobs/', type: 'directory' });
    pack.entry({ name: at(plain) }, plain);
    pack.entry({ name: at(gz) }, gz);
    pack.entry({ name: at(config) }, config);
    pack.entry({ name: 'oci-layout' }, '{"imageLayoutVersion":"1.0.0"}');
    pack.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: at(config), RepoTags: ['x:1'], Layers: [at(plain), at(gz)] }]));
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    const converted = await convertDockerSave(Readable.from([Buffer.concat(chunks)]), dir);
    expect(converted.configDigest).toBe(sha(config));
    expect(converted.manifest.layers[1]).toEqual({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(gz), size: gz.length });
    expect(gunzipSync(await readFile(blobPath(dir, converted.manifest.layers[0]!.digest))).equals(plain)).toBe(true);
  });
});
