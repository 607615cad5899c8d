/**
 * What the base image of a build is made of, read from its registry with the step's credentials:
 * its manifest (for an index, the build platform's), its config, and so each layer's diff id →
 * the registry's compressed descriptor. With it a layer the builder handed back recompressed is
 * named by the base's own blob (`oci/adopt.ts`). Learning fails soft: the build goes on and its
 * layers are sent as built, and the log says why.
 */
import { createHash } from 'node:crypto';
import { parseReference, type Reference } from '../core/reference.js';
import type { BaseLayer, BaseLayers } from '../oci/adopt.js';
import { isIndex } from '../oci/graph.js';
import type { Descriptor } from '../oci/layout.js';
import { formatPlatform, hostPlatform, parsePlatform, samePlatform, type Platform } from '../oci/platform.js';
import type { RegistryClient } from '../registry/client.js';

/** The platform a build makes: the one `platforms` names, else this machine's. */
export function buildPlatform(platforms: readonly string[]): Platform {
  return platforms.length === 1 ? parsePlatform(platforms[0]!) : hostPlatform();
}

export interface LearnedBase {
  reference: Reference;
  layers: BaseLayers;
  /** What the reference pointed at in its registry (an index's digest for a multi-platform base). */
  digest?: string;
  /** What the log says about it. */
  note: string;
}

const CONFIG_LIMIT = 8 * 1024 * 1024;

/** The base's layers by diff id, and the digest its reference names, from its registry; throws when the registry cannot say. */
export async function learnBase(client: RegistryClient, reference: Reference, want: Platform): Promise<{ layers: BaseLayers; digest: string }> {
  const where = reference.digest ?? reference.tag ?? 'latest';
  let manifest = await client.getManifest(reference.path, where);
  if (!manifest) throw new Error(`the registry has no manifest ${where}`);
  const digest = manifest.digest;
  if (isIndex(manifest.mediaType)) {
    const index = JSON.parse(manifest.bytes.toString('utf8')) as { manifests?: Descriptor[] };
    const match = index.manifests?.find((m) => m.platform && samePlatform(m.platform, want));
    const name = formatPlatform(want);
    if (!match) throw new Error(`its index has no ${name} image`);
    manifest = await client.getManifest(reference.path, match.digest);
    if (!manifest) throw new Error(`the registry lacks the ${name} manifest its index names`);
  }
  const image = JSON.parse(manifest.bytes.toString('utf8')) as { config?: Descriptor; layers?: Descriptor[] };
  if (!image.config || !image.layers) throw new Error(`${manifest.mediaType} is not an image manifest`);
  if (image.config.size > CONFIG_LIMIT) throw new Error(`its config is ${image.config.size} bytes`);
  // The HTTP stack is the client's, loaded with it: importing it here would load it with the build pipeline.
  const { readLimited } = await import('../registry/transport/http.js');
  const bytes = await readLimited(await client.fetchBlob(reference.path, image.config.digest), CONFIG_LIMIT, 'the base config');
  if (`sha256:${createHash('sha256').update(bytes).digest('hex')}` !== image.config.digest) throw new Error('its config does not match its digest');
  const diffIds = (JSON.parse(bytes.toString('utf8')) as { rootfs?: { diff_ids?: string[] } }).rootfs?.diff_ids ?? [];
  if (diffIds.length !== image.layers.length) throw new Error(`its config names ${diffIds.length} layers, its manifest ${image.layers.length}`);
  const origin = { host: reference.host, path: reference.path };
  const layers = new Map<string, BaseLayer>(
    image.layers.map((d, i) => [diffIds[i]!, { descriptor: { mediaType: d.mediaType, digest: d.digest, size: d.size }, origin }]),
  );
  return { layers, digest };
}

/** The base a unit names, as a reference; undefined for `scratch`, stage names and unexpanded text. */
export function baseReference(base: string | undefined): Reference | undefined {
  if (!base) return undefined;
  try {
    return parseReference(base);
  } catch {
    return undefined;
  }
}

/** The base's layers for one platform (by default the build's). */
export type BaseFinder = (base: string | undefined, platform?: Platform) => Promise<LearnedBase | undefined>;

/** Learns each base once per run and platform; failures become a note and no layers. */
export function baseFinder(clientFor: (host: string) => RegistryClient | undefined, want: Platform): BaseFinder {
  const seen = new Map<string, Promise<LearnedBase | undefined>>();
  return (base, platform = want) => {
    const reference = baseReference(base);
    if (!reference) return Promise.resolve(undefined);
    const key = `${reference.host}/${reference.path}@${reference.digest ?? reference.tag ?? 'latest'} ${formatPlatform(platform)}`;
    const known = seen.get(key);
    if (known) return known;
    const learning = (async (): Promise<LearnedBase> => {
      const client = clientFor(reference.host);
      if (!client) return { reference, layers: new Map(), note: `no registry client for ${reference.host}` };
      try {
        const { layers, digest } = await learnBase(client, reference, platform);
        const mib = [...layers.values()].reduce((n, l) => n + l.descriptor.size, 0) / 1048576;
        return {
          reference,
          layers,
          digest,
          note: `${layers.size} layer${layers.size === 1 ? '' : 's'} (${mib.toFixed(1)} MiB) known by their registry digests`,
        };
      } catch (e) {
        return {
          reference,
          layers: new Map(),
          note: `could not be read from its registry (${e instanceof Error ? e.message : String(e)}): its layers go as the builder made them`,
        };
      }
    })();
    seen.set(key, learning);
    return learning;
  };
}
