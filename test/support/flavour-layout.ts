/**
 * An OCI layout of a one-layer image holding `/flavour`, its own digest per `mark`: the images the tag-race tests push
 * (outside-s61-variant-latest, review-s61-variant-race) — written by hand, so no builder runs.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tarOf } from './tar.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** An OCI layout of a one-layer image holding `/flavour` (its own digest per `mark`). */
export async function flavourLayout(dir: string, mark: string): Promise<string> {
  const root = join(dir, mark);
  await mkdir(join(root, 'blobs/sha256'), { recursive: true });
  const tar = await tarOf({ flavour: `${mark}\n` });
  const layer = gzipSync(tar);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [`sha256:${sha(tar)}`] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${sha(layer)}`, size: layer.length }],
    }),
  );
  for (const b of [layer, config, manifest]) await writeFile(join(root, 'blobs/sha256', sha(b)), b);
  await writeFile(join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const index = {
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha(manifest)}`, size: manifest.length }],
  };
  await writeFile(join(root, 'index.json'), JSON.stringify(index));
  return root;
}
