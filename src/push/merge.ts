/**
 * Joining images built apart — one platform per runner, each pushed by digest — into one index:
 * each source read from its registry (an image manifest, whose config names its platform, or an
 * index, whose platforms it keeps), platforms checked not to collide before anything is written,
 * and one graph whose blobs stream from the source that holds them. Registry UIs and
 * `docker manifest inspect` then show the image's real platforms, nothing else.
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../core/errors.js';
import { formatFull, type Reference } from '../core/reference.js';
import {
  blobsOf,
  fetchGraph,
  isIndex,
  referrerEntry,
  registrySource,
  withReferrers,
  type BlobSource,
  type ImageGraph,
  type ManifestNode,
} from '../oci/graph.js';
import { MediaType, type Descriptor } from '../oci/layout.js';
import { formatPlatform, isRealPlatform, samePlatform, type Platform } from '../oci/platform.js';
import { asReferrer, attestedDigest, isAttestation } from '../oci/referrers.js';
import type { RegistryClient } from '../registry/client.js';
import { readLimited } from '../registry/transport/http.js';

/** One source: its graph, and the index entries it brings (each with its platform). */
export interface MergePart {
  source: Reference;
  graph: ImageGraph;
  entries: Descriptor[];
}

const CONFIG_LIMIT = 8 * 1024 * 1024;

/** The platform an image's config names. */
async function configPlatform(client: RegistryClient, repository: string, manifest: ManifestNode): Promise<Platform> {
  const config = (JSON.parse(manifest.bytes.toString('utf8')) as { config?: Descriptor }).config;
  if (!config) throw new Error(`${client.host}/${repository}@${manifest.digest} is ${manifest.mediaType}, not an image`);
  const bytes = await readLimited(await client.fetchBlob(repository, config.digest), CONFIG_LIMIT, 'an image config');
  if (`sha256:${createHash('sha256').update(bytes).digest('hex')}` !== config.digest)
    throw new Error(`${client.host}/${repository}: config ${config.digest} does not match its digest`);
  const c = JSON.parse(bytes.toString('utf8')) as Partial<Platform>;
  if (!c.os || !c.architecture) throw new Error(`${client.host}/${repository}@${manifest.digest}: its config names no os and architecture`);
  return { os: c.os, architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) };
}

/** Reads one source from its registry; a source named by digest must be what the registry holds. */
export async function readPart(client: RegistryClient, source: Reference): Promise<MergePart> {
  const graph = await withReferrers(client, source.path, await fetchGraph(client, source.path, source.digest ?? source.tag!, 'sources'));
  if (source.digest && graph.root.digest !== source.digest) throw new Error(`${formatFull(source)}: the registry answered with ${graph.root.digest}`);
  if (isIndex(graph.root.mediaType)) {
    const index = JSON.parse(graph.root.bytes.toString('utf8')) as { manifests?: Descriptor[] };
    return { source, graph, entries: index.manifests ?? [] };
  }
  const platform = await configPlatform(client, source.path, graph.root);
  const { os, architecture, variant } = platform;
  const entry = {
    mediaType: graph.root.mediaType,
    digest: graph.root.digest,
    size: graph.root.bytes.length,
    platform: { architecture, os, ...(variant ? { variant } : {}) },
  };
  return { source, graph, entries: [entry] };
}

export interface Joined {
  graph: ImageGraph;
  platforms: string[];
  /** Where each blob and manifest comes from: the source that holds it. */
  source: BlobSource;
}

/**
 * The index of every part's platforms, in the order given. Two different images of one platform
 * are refused (a ConfigError naming both); the same image twice is listed once. A source index's
 * attestation entries (`unknown/unknown`, a buildx runner's) become referrers of the image they
 * describe, as Hoist's own builds keep them; the sources' referrers go with their images.
 */
export function joinParts(parts: readonly MergePart[], clientFor: (host: string) => RegistryClient): Joined {
  const entries: Array<{ entry: Descriptor; from: MergePart }> = [];
  const issues = [];
  // A source index's attestation entries (a buildx runner's) become referrers of their images: the index lists platforms only.
  const attestations: ManifestNode[] = [];
  for (const part of parts) {
    for (const entry of part.entries) {
      if (isAttestation(entry)) {
        const image = part.entries.find((e) => e.digest === attestedDigest(entry) && !isAttestation(e));
        const node = part.graph.children.find((c) => c.digest === entry.digest);
        if (image && node) {
          const bytes = asReferrer(node.bytes, image);
          attestations.push({ digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, mediaType: node.mediaType, bytes });
        }
        continue;
      }
      if (entries.some((e) => e.entry.digest === entry.digest)) continue;
      const twin = isRealPlatform(entry.platform)
        ? entries.find((e) => isRealPlatform(e.entry.platform) && samePlatform(e.entry.platform, entry.platform!))
        : undefined;
      if (twin) {
        issues.push({
          input: 'sources',
          message: `${formatPlatform(entry.platform!)} twice: ${formatFull(twin.from.source)}${twin.entry.digest === twin.from.source.digest ? '' : ` (its ${twin.entry.digest})`} and ${formatFull(part.source)}${entry.digest === part.source.digest ? '' : ` (its ${entry.digest})`}; each platform may come from one source only`,
        });
        continue;
      }
      entries.push({ entry, from: part });
    }
  }
  if (issues.length) throw new ConfigError(issues);
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: entries.map((e) => e.entry) }));
  const root = { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, mediaType: MediaType.ociIndex, bytes };
  const children = new Map<string, ManifestNode>();
  const owner = new Map<string, MergePart>();
  for (const part of parts) {
    for (const node of [part.graph.root, ...part.graph.children]) if (!isIndex(node.mediaType) && !children.has(node.digest)) children.set(node.digest, node);
    for (const b of part.graph.blobs) if (!owner.has(b.digest)) owner.set(b.digest, part);
  }
  const listed = new Set(entries.map((e) => e.entry.digest));
  const sources = new Map(parts.map((p) => [p, registrySource(clientFor(p.source.host), p.source.path)]));
  // The parts' referrers whose subject is in the index (a source index's own referrers describe that index, not this one).
  const referrers = new Map(
    [...parts.flatMap((p) => p.graph.referrers ?? []), ...attestations].filter((r) => listed.has(referrerEntry(r).subject)).map((r) => [r.digest, r]),
  );
  const kept = [...children.values()].filter((c) => listed.has(c.digest));
  const blobs = new Map([...kept, ...referrers.values()].flatMap(blobsOf).map((b) => [b.digest, b]));
  return {
    graph: {
      root,
      children: kept,
      blobs: [...blobs.values()],
      ...(referrers.size ? { referrers: [...referrers.values()] } : {}),
    },
    platforms: entries.flatMap((e) => (isRealPlatform(e.entry.platform) ? [formatPlatform(e.entry.platform)] : [])),
    source: {
      name: parts.map((p) => formatFull(p.source)).join(', '),
      origin: (digest) => {
        const part = owner.get(digest);
        return part ? `${part.source.host}/${part.source.path}` : 'no source';
      },
      open: (digest, start, end) => {
        const part = owner.get(digest);
        if (!part) throw new Error(`no source holds ${digest}`);
        return sources.get(part)!.open(digest, start, end);
      },
    },
  };
}
