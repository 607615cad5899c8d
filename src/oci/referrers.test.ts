// BuildKit's attestation manifests, as buildx and buildctl write them into the image index
// (`unknown/unknown`, tied by `vnd.docker.reference.digest`), become referrers of their image; the
// index keeps only real platforms; the audit still reads the attestation (provenance max records
// build arguments); the engine pushes them after their subjects — through the referrers API, or
// the fallback tag where a registry has none, joining what that tag already lists.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { auditLayout } from '../audit/audit.js';
import { parseRepository } from '../core/reference.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { addReferrers, indexPlatforms, layoutGraph, layoutSource, withReferrers } from './graph.js';
import { initLayout, MediaType, readLayoutRoot, writeBlobBytes, writeIndex, type Descriptor } from './layout.js';
import { ATTESTATION_ARTIFACT, attestationsToReferrers } from './referrers.js';

const SECRET = 'ghp_attested0123456789abcdefXYZ';

async function blob(dir: string, bytes: Buffer, mediaType: string): Promise<Descriptor> {
  return { mediaType, ...(await writeBlobBytes(dir, bytes)) };
}

async function manifest(dir: string, config: Buffer, layers: Array<[Buffer, string]>): Promise<Descriptor> {
  const body = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: await blob(dir, config, MediaType.ociConfig),
    layers: await Promise.all(layers.map(([b, t]) => blob(dir, b, t))),
  };
  return blob(dir, Buffer.from(JSON.stringify(body)), MediaType.ociManifest);
}

/** A layout as buildx writes it for linux/amd64 + linux/arm64 with provenance: four index entries, two of them attestations. */
async function buildkitLayout(): Promise<{ dir: string; images: Descriptor[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-attest-'));
  await initLayout(dir);
  const entries: Descriptor[] = [];
  const images: Descriptor[] = [];
  for (const architecture of ['amd64', 'arm64']) {
    const config = Buffer.from(JSON.stringify({ os: 'linux', architecture, rootfs: { type: 'layers', diff_ids: [] } }));
    const image = await manifest(dir, config, [[Buffer.from(`layer ${architecture}`), MediaType.ociLayer]]);
    images.push(image);
    const statement = {
      _type: 'https://in-toto.io/Statement/v0.1',
      subject: [{ name: architecture }],
      predicate: { invocation: { parameters: { args: { 'build-arg:TOKEN': SECRET } } } },
    };
    const attestation = await manifest(dir, Buffer.from('{"architecture":"unknown","os":"unknown"}'), [
      [Buffer.from(JSON.stringify(statement)), 'application/vnd.in-toto+json'],
    ]);
    entries.push({ ...image, platform: { os: 'linux', architecture } });
    entries.push({
      ...attestation,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.digest': image.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
    });
  }
  const index = await blob(dir, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: entries })), MediaType.ociIndex);
  await writeIndex(dir, [index]);
  return { dir, images };
}

describe('attestationsToReferrers', () => {
  it('lists only the real platforms in the index; each attestation names its image as subject, and is still audited', async () => {
    const { dir, images } = await buildkitLayout();
    const before = await readLayoutRoot(dir);
    expect(indexPlatforms({ root: { digest: before.descriptor.digest, mediaType: before.descriptor.mediaType, bytes: before.bytes } })).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    const { root, referrers } = await attestationsToReferrers(dir);
    expect((JSON.parse(root.bytes.toString('utf8')) as { manifests: Descriptor[] }).manifests.map((m) => m.digest)).toEqual(images.map((i) => i.digest));
    expect((await readLayoutRoot(dir)).descriptor.digest).toBe(root.descriptor.digest);
    const parsed = referrers.map((r) => JSON.parse(r.bytes.toString('utf8')) as { subject: Descriptor; artifactType: string });
    expect(parsed.map((p) => p.subject.digest)).toEqual(images.map((i) => i.digest));
    expect(parsed.every((p) => p.artifactType === ATTESTATION_ARTIFACT)).toBe(true);
    const graph = addReferrers(await layoutGraph(dir, root), referrers);
    const audit = await auditLayout(dir, graph, { secrets: [{ name: 'build-arg TOKEN', value: SECRET }], handedKeys: new Map(), redact: (t) => t });
    expect(audit.findings.filter((f) => f.severity === 'leak').length).toBe(2);
    expect((await attestationsToReferrers(dir)).referrers).toEqual([]); // converted once: nothing left to do
  });
});

describe('pushing referrers', () => {
  it.each([
    ['with the referrers API', false],
    ['without it (distribution 2.8): the fallback tag', true],
  ])('%s: each image lists its attestation; a later referrer joins the list', async (_, noReferrers) => {
    await using registry = await MemoryRegistry.start({ noReferrers });
    const client = new RegistryClient({ host: registry.host, insecure: true, retries: 0, userAgent: 't', sleep: async () => {} });
    const { dir, images } = await buildkitLayout();
    const { root, referrers } = await attestationsToReferrers(dir);
    const graph = addReferrers(await layoutGraph(dir, root), referrers);
    const options = { clientFor: () => client, concurrency: 4, perHost: 4 };
    const [r] = await pushGraph(graph, layoutSource(dir), [{ repository: parseRepository(`${registry.host}/app`), tags: ['1'] }], options);
    expect(r!.error).toBeUndefined();
    for (const [i, image] of images.entries()) {
      expect((await client.referrers('app', image.digest)).map((x) => [x.digest, x.artifactType])).toEqual([[referrers[i]!.digest, ATTESTATION_ARTIFACT]]);
    }
    const fallbackTags = (await client.listTags('app')).filter((t) => t.startsWith('sha256-'));
    expect(fallbackTags.length).toBe(noReferrers ? 2 : 0);
    // A signature pushed later for the amd64 image: listed beside the attestation, which stays.
    const signature = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
        layers: [],
        subject: images[0],
      }),
    );
    registry.seedBlob('app', Buffer.from('{}'));
    const node = { digest: (await writeBlobBytes(dir, signature)).digest, mediaType: MediaType.ociManifest, bytes: signature };
    const again = addReferrers({ ...graph, referrers: [] }, [node]);
    const [second] = await pushGraph(again, layoutSource(dir), [{ repository: parseRepository(`${registry.host}/app`), tags: [] }], options);
    expect(second!.error).toBeUndefined();
    expect((await client.referrers('app', images[0]!.digest)).map((x) => x.digest).sort()).toEqual([referrers[0]!.digest, node.digest].sort());
    // A copy from the registry takes the referrers with it.
    const copied = await withReferrers(client, 'app', { root: graph.root, children: graph.children, blobs: graph.blobs });
    expect(copied.referrers?.map((x) => x.digest).sort()).toEqual([...referrers.map((x) => x.digest), node.digest].sort());
    await client.close();
  });
});
