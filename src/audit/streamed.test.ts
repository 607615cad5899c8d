import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { tarOf } from '../../test/support/tar.js';
import type { LayerAudit } from '../core/builder.js';
import { adoptBaseLayers } from '../oci/adopt.js';
import { convertDockerSave } from '../oci/docker-save.js';
import { layoutGraph } from '../oci/graph.js';
import { blobPath, MediaType } from '../oci/layout.js';
import { auditLayout } from './audit.js';
import { StreamedAudit } from './streamed.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const SECRET = 'npm_4f9Qz7LmW2xVb8KcT1rYd3HsJ6uEa0NpGq5';
const secrets = [{ name: "build-arg 'NPM_TOKEN'", value: SECRET }];
const options = { handedKeys: new Map<string, string>(), redact: (t: string) => t };

/** A legacy `docker save` archive (Docker 20.10's form): the config first, then each layer's directory, then manifest.json. */
async function dockerSave(layers: Buffer[], history: string[]): Promise<Buffer> {
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
  // Cut into pipe-sized pieces, as docker save's stdout comes.
  const all = Buffer.concat(chunks);
  return all;
}

const pieces = (b: Buffer) => Readable.from(Array.from({ length: Math.ceil(b.length / 65536) }, (_, i) => b.subarray(i * 65536, (i + 1) * 65536)));

/** The archive converted with the streamed audit, the base's layers adopted; the streamed result and a full audit of the same layout. */
async function both(base: Buffer, own: Buffer, o: { epoch?: number } = {}) {
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

describe('StreamedAudit', () => {
  it('finds a secret in a base layer as it streams, named as the full audit names it, and reads no layer again', async () => {
    const { dir, streamed, graph, adopted, full, base } = await both(
      await tarOf({ 'etc/npmrc': `//r/:_authToken=${SECRET}\n` }),
      await tarOf({ 'own.txt': 'own' }),
    );
    expect(full.findings.map((f) => f.where)).toEqual([`layer ${base.digest} (ADD file:base in /), etc/npmrc`]);
    // The layers' files are gone: finish can only have its streamed reading of them.
    const manifest = JSON.parse(graph.root.bytes.toString('utf8')) as { layers: Array<{ digest: string }> };
    for (const l of manifest.layers) await rm(blobPath(dir, adopted.get(l.digest)?.standIn.digest ?? l.digest), { force: true });
    const result = await streamed.finish(graph, adopted);
    expect(result.findings).toEqual(full.findings);
    expect(result.layers).toBe(full.layers);
    expect(result.bytes).toBe(full.bytes);
    // Once finished it covers nothing more: a second graph of the layout (signed provenance) gets a full audit of its own.
    expect(streamed.covers(dir, secrets)).toBe(false);
    await expect(streamed.finish(graph, adopted)).rejects.toThrow(/finished once/);
  });

  it("finds a secret in the image's own (compressed) layer under its compressed digest; the clean twin finds none", async () => {
    const leaky = await both(await tarOf({ 'bin/sh': 'base' }), await tarOf({ 'app/.env': `TOKEN=${Buffer.from(SECRET).toString('base64')}\n` }));
    expect(leaky.full.findings).toHaveLength(1);
    expect(leaky.full.findings[0]!.where).toMatch(/^layer sha256:[a-f0-9]{64} \(echo own > \/own\.txt\), app\/\.env!\(base64 at 6\)$/);
    const result = await leaky.streamed.finish(leaky.graph, leaky.adopted);
    expect(result.findings).toEqual(leaky.full.findings);
    expect(result.layers).toBe(2);

    const clean = await both(await tarOf({ 'bin/sh': 'base' }), await tarOf({ 'app/.env': 'TOKEN=nothing-secret-here\n' }));
    const none = await clean.streamed.finish(clean.graph, clean.adopted);
    expect(none.findings).toEqual([]);
    expect(none.layers).toBe(2);
    expect(none.bytes).toBe(clean.full.bytes);
  });

  it('reads an own layer again whose times were clamped (its bytes are not what streamed), and still finds the secret', async () => {
    const pack = tar.pack();
    pack.entry({ name: 'app/.env', mtime: new Date() }, `TOKEN=${SECRET}\n`); // later than the epoch: clamped
    pack.finalize();
    const own: Buffer[] = [];
    for await (const c of pack as unknown as AsyncIterable<Buffer>) own.push(c);
    const { streamed, graph, adopted, full } = await both(await tarOf({ 'bin/sh': 'base' }), Buffer.concat(own), { epoch: 1_000_000 });
    expect(full.findings).toHaveLength(1);
    const result = await streamed.finish(graph, adopted);
    expect(result.findings).toEqual(full.findings);
    // The clamped layer was scanned twice (streamed, then from the layout); the base once.
    expect(result.layers).toBe(3);
  });

  it('covers only its own layout and the secrets it was made with: one added to the catalog later means a full audit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    const catalog = [...secrets];
    const streamed = new StreamedAudit(dir, catalog, options);
    expect(streamed.covers(dir, catalog)).toBe(true);
    expect(streamed.covers(`${dir}-other`, catalog)).toBe(false);
    catalog.push({ name: 'registry-auth for r.example', value: 'another-secret-value' });
    expect(streamed.covers(dir, catalog)).toBe(false);
  });

  it('a failing audit fails the conversion instead of leaving docker save blocked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    const failing: LayerAudit = {
      async layer(stream) {
        for await (const _ of stream) throw new Error('scanner broke');
      },
    };
    const archive = await dockerSave([await tarOf({ big: Buffer.alloc(1024 * 1024, 1) })], ['x']);
    await expect(convertDockerSave(pieces(archive), dir, { audit: failing })).rejects.toThrow(/scanner broke/);
  });
});
