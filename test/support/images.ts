/** Test images built in memory: random layers, a config, a manifest or an index — and a BlobSource for them. */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobSource, ImageGraph, ManifestNode } from '../../src/oci/graph.js';
import type { Descriptor } from '../../src/oci/layout.js';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface TestImage {
  graph: ImageGraph;
  blobs: Map<string, Buffer>;
  source: BlobSource;
}

function blob(bytes: Buffer, mediaType: string, store: Map<string, Buffer>): Descriptor {
  const digest = sha256(bytes);
  store.set(digest, bytes);
  return { mediaType, digest, size: bytes.length };
}

function manifest(layers: Buffer[], store: Map<string, Buffer>, platform = 'amd64', shared: Descriptor[] = []): ManifestNode {
  const config = blob(
    Buffer.from(JSON.stringify({ architecture: platform, os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, nonce: randomBytes(4).toString('hex') })),
    'application/vnd.oci.image.config.v1+json',
    store,
  );
  const body = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config,
    layers: [...shared, ...layers.map((l) => blob(l, 'application/vnd.oci.image.layer.v1.tar+gzip', store))],
  };
  const bytes = Buffer.from(JSON.stringify(body));
  return { digest: sha256(bytes), mediaType: body.mediaType, bytes };
}

export function memorySource(blobs: Map<string, Buffer>): BlobSource {
  return {
    name: 'memory',
    open: async (digest, start, end) => {
      const b = blobs.get(digest);
      if (!b) throw new Error(`no blob ${digest}`);
      return Readable.from([b.subarray(start, end)]);
    },
  };
}

/** An image with layers of the given sizes (random, incompressible bytes), for `architecture` (linux). */
export function testImage(layerSizes: number[], base?: TestImage, architecture = 'amd64'): TestImage {
  const blobs = new Map(base?.blobs ?? []);
  const shared = base ? (JSON.parse(base.graph.root.bytes.toString('utf8')) as { layers: Descriptor[] }).layers : [];
  const root = manifest(
    layerSizes.map((n) => randomBytes(n)),
    blobs,
    architecture,
    shared,
  );
  const parsed = JSON.parse(root.bytes.toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
  return { graph: { root, children: [], blobs: [parsed.config, ...parsed.layers] }, blobs, source: memorySource(blobs) };
}

/** A two-platform index sharing one layer. */
export function testIndex(layerSize: number): TestImage {
  const blobs = new Map<string, Buffer>();
  const common = blob(randomBytes(layerSize), 'application/vnd.oci.image.layer.v1.tar+gzip', blobs);
  const children = ['amd64', 'arm64'].map((p) => manifest([randomBytes(layerSize)], blobs, p, [common]));
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: children.map((c, i) => ({
      mediaType: c.mediaType,
      digest: c.digest,
      size: c.bytes.length,
      platform: { os: 'linux', architecture: i ? 'arm64' : 'amd64' },
    })),
  };
  const bytes = Buffer.from(JSON.stringify(index));
  const all = children.flatMap((c) => {
    const m = JSON.parse(c.bytes.toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
    return [m.config, ...m.layers];
  });
  return {
    graph: { root: { digest: sha256(bytes), mediaType: index.mediaType, bytes }, children, blobs: [...new Map(all.map((b) => [b.digest, b])).values()] },
    blobs,
    source: memorySource(blobs),
  };
}
