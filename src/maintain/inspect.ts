/**
 * `hoist inspect REF`: what an image is, read from its registry without pulling a layer — the root
 * manifest (digest, media type, size), its platforms, one platform's config summary (the first, or
 * the one asked for), labels and annotations, the base it records, its size (config and compressed
 * layers), what refers to it (signatures, attestations, SBOMs: OCI referrers) and cosign's tagged
 * signatures, attestations and SBOMs of the image and each platform (`sha256-<hex>.sig`…). Environment variables are named,
 * never their values: an image's ENV may hold what its builder should not have put there.
 */
import { ConfigError } from '../core/errors.js';
import { formatFull, type Reference } from '../core/reference.js';
import { isIndex } from '../oci/graph.js';
import { parsePlatform, samePlatform } from '../oci/platform.js';
import type { Manifest, Referrer, RegistryClient } from '../registry/client.js';
import { BODY_LIMITS, readLimited } from '../registry/transport/http.js';
import { findTagged, layersOf } from '../trust/artefacts.js';

const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';

export interface Inspected {
  reference: string;
  digest: string;
  mediaType: string;
  /** Bytes of the root manifest. */
  size: number;
  platforms: Array<{ platform: string; digest: string; size: number }>;
  /** The platform summarised below (the first, or --platform's). */
  image?: {
    platform: string;
    digest: string;
    config: {
      digest: string;
      created?: string;
      user?: string;
      entrypoint?: string[];
      cmd?: string[];
      workingDir?: string;
      exposedPorts?: string[];
      /** Names only. */
      env: string[];
    };
    layers: number;
    /** Config plus compressed layers. */
    size: number;
  };
  labels: Record<string, string>;
  annotations: Record<string, string>;
  base?: { name?: string; digest?: string };
  referrers: Array<{ digest: string; artifactType?: string; mediaType: string; size: number }>;
  /** cosign's tagged artefacts of the root and of each platform (`sha256-<hex>.sig`, `.att`, `.sbom`). */
  signatures: TaggedEntry[];
}

export interface TaggedEntry {
  /** The manifest they are about: the root's digest, or a platform's. */
  subject: string;
  /** `index`, `image`, or the platform (`linux/arm64`) for a platform's own. */
  of: string;
  kind: 'sig' | 'att' | 'sbom';
  /** The tag (`sha256-<hex>.sig`), or `referrer` for a Sigstore bundle stored as an OCI 1.1 referrer (cosign 3's form). */
  tag: string;
  digest: string;
  /** Signatures in a `.sig`, statements in an `.att`. */
  layers: number;
  /** With `--key` or the keyless flags: who signed it (a `.att`: each statement's type and signer), or why nothing verifies. */
  verified?: string;
  notVerified?: string;
}

interface Descriptor {
  digest: string;
  size: number;
  mediaType?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}
interface ManifestBody {
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  annotations?: Record<string, string>;
}
interface ConfigBody {
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
  config?: {
    User?: string;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Env?: string[] | null;
    ExposedPorts?: Record<string, unknown> | null;
    Labels?: Record<string, string> | null;
  };
}

const body = (m: Manifest) => JSON.parse(m.bytes.toString('utf8')) as ManifestBody;
const platformName = (p: { os?: string; architecture?: string; variant?: string } | undefined) =>
  p?.os ? `${p.os}/${p.architecture ?? '?'}${p.variant ? `/${p.variant}` : ''}` : 'unknown';

export async function readConfig(client: RegistryClient, repository: string, digest: string): Promise<Buffer> {
  return readLimited(await client.fetchBlob(repository, digest), BODY_LIMITS.listing, `the config ${digest}`);
}

/** The manifest `ref` names, or an error that says it is not there. */
export async function rootManifest(client: RegistryClient, ref: Reference): Promise<Manifest> {
  const root = await client.getManifest(ref.path, ref.digest ?? ref.tag ?? 'latest');
  // The reference names nothing: the input's error (exit 2), not a registry failing.
  if (!root) throw new ConfigError([{ input: 'inspect REF', message: `${formatFull(ref)}: no such image in its registry` }]);
  return root;
}

/** The image manifest for `platform` (or the first one) under an index; the manifest itself otherwise. */
export async function platformManifest(client: RegistryClient, ref: Reference, root: Manifest, platform?: string): Promise<Manifest | undefined> {
  if (!isIndex(root.mediaType)) return root;
  const entries = (body(root).manifests ?? []).filter((m) => platformName(m.platform) !== 'unknown/unknown' && m.platform?.architecture !== 'unknown');
  // As docker and containerd match: the exact name first, then one a variant only one side names
  // tells apart (--platform linux/arm64/v8 takes BuildKit's linux/arm64, and linux/arm64 an arm64/v8).
  const wanted = platform ? parsePlatform(platform) : undefined;
  const chosen = wanted
    ? (entries.find((m) => platformName(m.platform) === platform) ?? entries.find((m) => samePlatform(parsePlatform(platformName(m.platform)), wanted)))
    : entries[0];
  if (platform && !chosen)
    throw new ConfigError([
      {
        input: '--platform',
        message: `${formatFull(ref)} has no ${platform} image: it has ${entries.map((m) => platformName(m.platform)).join(', ') || 'none'}`,
      },
    ]);
  return chosen ? client.getManifest(ref.path, chosen.digest) : undefined;
}

export async function inspectImage(client: RegistryClient, ref: Reference, platform?: string): Promise<Inspected> {
  const root = await rootManifest(client, ref);
  const rootBody = body(root);
  const out: Inspected = {
    reference: formatFull(ref),
    digest: root.digest,
    mediaType: root.mediaType,
    size: root.bytes.length,
    platforms: [],
    labels: {},
    annotations: rootBody.annotations ?? {},
    referrers: [],
    signatures: [],
  };
  if (isIndex(root.mediaType))
    out.platforms = (rootBody.manifests ?? [])
      // Attestation manifests (BuildKit's unknown/unknown entries) are not platforms.
      .filter((m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest')
      .map((m) => ({ platform: platformName(m.platform), digest: m.digest, size: m.size }));
  const image = await platformManifest(client, ref, root, platform);
  const imageBody = image && body(image);
  if (image && imageBody?.config && /config|container\.image/.test(imageBody.config.mediaType ?? '')) {
    const config = JSON.parse((await readConfig(client, ref.path, imageBody.config.digest)).toString('utf8')) as ConfigBody;
    const c = config.config ?? {};
    const name = platformName(config);
    // An image of one platform has only that one: --platform naming another names nothing (as under an index).
    if (platform && !isIndex(root.mediaType) && !samePlatform(parsePlatform(name), parsePlatform(platform)))
      throw new ConfigError([{ input: '--platform', message: `${formatFull(ref)} has no ${platform} image: it is one image, of ${name}` }]);
    if (!out.platforms.length) out.platforms = [{ platform: name, digest: image.digest, size: image.bytes.length }];
    out.labels = c.Labels ?? {};
    out.annotations = { ...imageBody.annotations, ...out.annotations };
    out.image = {
      platform: name,
      digest: image.digest,
      config: {
        digest: imageBody.config.digest,
        ...(config.created ? { created: config.created } : {}),
        ...(c.User ? { user: c.User } : {}),
        ...(c.Entrypoint?.length ? { entrypoint: c.Entrypoint } : {}),
        ...(c.Cmd?.length ? { cmd: c.Cmd } : {}),
        ...(c.WorkingDir ? { workingDir: c.WorkingDir } : {}),
        ...(c.ExposedPorts && Object.keys(c.ExposedPorts).length ? { exposedPorts: Object.keys(c.ExposedPorts) } : {}),
        env: (c.Env ?? []).map((e) => e.split('=')[0]!),
      },
      layers: imageBody.layers?.length ?? 0,
      size: imageBody.config.size + (imageBody.layers ?? []).reduce((n, l) => n + l.size, 0),
    };
  }
  // The image's own annotations first (Hoist sets them from the base's registry), then labels (inherited through FROM).
  const name = out.annotations[BASE_NAME] ?? out.labels[BASE_NAME];
  const digest = out.annotations[BASE_NAME] ? out.annotations[BASE_DIGEST] : (out.labels[BASE_DIGEST] ?? out.annotations[BASE_DIGEST]);
  if (name || digest) out.base = { ...(name ? { name } : {}), ...(digest ? { digest } : {}) };
  const rootReferrers = await client.referrers(ref.path, root.digest);
  out.referrers = rootReferrers.map((r) => ({
    digest: r.digest,
    mediaType: r.mediaType,
    size: r.size,
    ...(r.artifactType ? { artifactType: r.artifactType } : {}),
  }));
  const subjects = [
    { digest: root.digest, of: isIndex(root.mediaType) ? 'index' : 'image' },
    ...out.platforms.filter((p) => p.digest !== root.digest).map((p) => ({ digest: p.digest, of: p.platform })),
  ];
  for (const subject of subjects) {
    for (const t of await findTagged(client, ref.path, subject.digest))
      out.signatures.push({
        subject: subject.digest,
        of: subject.of,
        kind: t.kind,
        tag: t.tag,
        digest: t.manifest.digest,
        layers: layersOf(t.manifest).length,
      });
    const listed = subject.digest === root.digest ? rootReferrers : await client.referrers(ref.path, subject.digest);
    out.signatures.push(...bundleEntries(listed, subject));
  }
  return out;
}

/** Sigstore bundles stored as referrers (cosign 3's form): cosign's sign statement is a signature, any other predicate an attestation. */
function bundleEntries(listed: readonly Referrer[], subject: { digest: string; of: string }): TaggedEntry[] {
  return listed
    .filter((r) => r.artifactType?.startsWith('application/vnd.dev.sigstore.bundle'))
    .map((r) => ({
      subject: subject.digest,
      of: subject.of,
      kind: r.annotations?.['dev.sigstore.bundle.predicateType'] === 'https://sigstore.dev/cosign/sign/v1' ? 'sig' : 'att',
      tag: 'referrer',
      digest: r.digest,
      layers: 1,
    }));
}

/** The human page: one field a line, lists indented under their name. */
export function describeInspected(i: Inspected): string {
  const mib = (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : `${n} bytes`);
  const lines: Array<[string, string | string[] | undefined]> = [
    ['reference', i.reference],
    ['digest', i.digest],
    ['media type', i.mediaType],
    ['platforms', i.platforms.map((p) => `${p.platform}  ${p.digest}`)],
    ['created', i.image?.config.created],
    ['size', i.image ? `${mib(i.image.size)} (${i.image.platform}: config and ${i.image.layers} compressed layers)` : undefined],
    ['config', i.image?.config.digest],
    ['user', i.image?.config.user],
    ['entrypoint', i.image?.config.entrypoint && JSON.stringify(i.image.config.entrypoint)],
    ['cmd', i.image?.config.cmd && JSON.stringify(i.image.config.cmd)],
    ['workdir', i.image?.config.workingDir],
    ['ports', i.image?.config.exposedPorts?.join(' ')],
    ['env', i.image?.config.env.length ? `${i.image.config.env.join(' ')} (names only)` : undefined],
    ['base', i.base ? `${i.base.name ?? '?'}${i.base.digest ? `@${i.base.digest}` : ''}` : undefined],
    ['labels', Object.entries(i.labels).map(([k, v]) => `${k}=${v}`)],
    ['referrers', i.referrers.map((r) => `${r.digest}  ${r.artifactType ?? r.mediaType}`)],
    ['signatures', i.signatures.flatMap(describeTagged)],
  ];
  return lines
    .filter(([, v]) => (Array.isArray(v) ? v.length : v))
    .map(([k, v]) => `${k.padEnd(12)}${Array.isArray(v) ? v.join(`\n${' '.repeat(12)}`) : v}`)
    .join('\n');
}

const KIND_NAMES = { sig: ['signature', 'signatures'], att: ['attestation', 'attestations'], sbom: ['SBOM', 'SBOMs'] } as const;

/** One tagged artefact: its tag, what it holds and of what; with --key, the verdict under it. */
function describeTagged(t: TaggedEntry): string[] {
  const [one, many] = KIND_NAMES[t.kind];
  const head =
    t.tag === 'referrer' ? `referrer ${t.digest}  Sigstore bundle: 1 ${one} (${t.of})` : `${t.tag}  ${t.layers} ${t.layers === 1 ? one : many} (${t.of})`;
  if (t.verified) return [head, `  verified: ${t.verified}`];
  if (t.notVerified) return [head, `  not verified: ${t.notVerified}`];
  return [head];
}
