/** docker save archives built in memory for the streamed audit's tests, and the conversion run with and without it. */
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { adoptBaseLayers } from '../oci/adopt.js';
import { convertDockerSave } from '../oci/docker-save.js';
import { layoutGraph } from '../oci/graph.js';
import { MediaType } from '../oci/layout.js';
import { auditLayout } from './audit.js';
import { StreamedAudit } from './streamed.js';

export const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
export const SECRET = 'npm_4f9Qz7LmW2xVb8KcT1rYd3HsJ6uEa0NpGq5';
export const secrets = [{ name: "build-arg 'NPM_TOKEN'", value: SECRET }];
export const options = { handedKeys: new Map<string, string>(), redact: (t: string) => t };

/** A legacy `docker save` archive (Docker 20.10's form): the config first, then each layer's directory, then manifest.json. */
export async function dockerSave(layers: Buffer[], history: string[]): Promise<Buffer> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map(sha) },
      history: history.map((created_by) => ({ created_by })),
    }),
  );
  const configName = `${sha(config).slice(7)}.json`;
  const pack = tar.pack();
  pack.entry({ name: configName }, config);
  const paths = layers.map((l, i) => {
    pack.entry({ name: `l${i}/layer.tar` }, l);
    return `l${i}/layer.tar`;
  });
  pack.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: configName, RepoTags: null, Layers: paths }]));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Cut into pipe-sized pieces, as docker save's stdout comes. */
export const pieces = (b: Buffer) => Readable.from(Array.from({ length: Math.ceil(b.length / 65536) }, (_, i) => b.subarray(i * 65536, (i + 1) * 65536)));

/** The archive converted with the streamed audit, the base's layers adopted; the streamed result and a full audit of the same layout. */
export async function both(base: Buffer, own: Buffer, o: { epoch?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
  const baseBlob = { mediaType: MediaType.ociLayerGzip, digest: `sha256:${'b'.repeat(64)}`, size: 123 };
  const bases = new Map([[sha(base), { descriptor: baseBlob, origin: { host: 'r.example', path: 'base' } }]]);
  const streamed = new StreamedAudit(dir, secrets, options);
  const archive = await dockerSave([base, own], ['/bin/sh -c #(nop) ADD file:base in /', '/bin/sh -c echo own > /own.txt']);
  await convertDockerSave(pieces(archive), dir, {
    audit: streamed,
    keepUncompressed: async (ids) => new Set(ids.filter((d) => bases.has(d))),
    ...(o.epoch === undefined ? {} : { epoch: o.epoch }),
  });
  const { root, adopted } = await adoptBaseLayers(dir, bases);
  const graph = await layoutGraph(dir, root);
  const full = await auditLayout(dir, graph, { ...options, secrets, adopted });
  return { dir, streamed, graph, adopted, full, base: baseBlob };
}
