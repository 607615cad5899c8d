/**
 * Concurrent releases for tests: seeded random versions, one small image per release (its config
 * labelled with its version and revision, as Hoist's builds are), the push targets a build would
 * make for it (planned tags, forward-only floating ones), and the end state every floating tag must
 * reach — the highest release of its line.
 */
import { createHash, randomBytes } from 'node:crypto';
import semver from 'semver';
import type { Repository } from '../../src/core/reference.js';
import type { ImageGraph } from '../../src/oci/graph.js';
import { planTags, VERSION_LEVELS, type TagDecision, type Variant } from '../../src/plan/tags.js';
import type { PushTarget } from '../../src/push/engine.js';
import { pushTargets } from '../../src/push/stage.js';
import { memorySource, type TestImage } from './images.js';
import { mulberry32 } from './random.js';

/** mulberry32: a small seeded generator, so a failing interleaving can be replayed from its seed. */
export const rng = mulberry32;

/** `n` distinct versions from a small space (so lines collide): majors 1–2, minors 0–2, patches 0–3, some release candidates. */
export function randomVersions(random: () => number, n: number): string[] {
  const out = new Set<string>();
  while (out.size < n) {
    const v = `${1 + Math.floor(random() * 2)}.${Math.floor(random() * 3)}.${Math.floor(random() * 4)}`;
    out.add(random() < 0.2 ? `${v}-rc.${1 + Math.floor(random() * 3)}` : v);
  }
  return [...out];
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * A one-layer image whose config records `version` and `revision` (labels), so each release has its own digest;
 * `labels` adds to them (e.g. `org.opencontainers.image.created`, as Hoist's builds write it).
 */
export function releaseImage(version: string, revision: string, layerSize = 2048, labels: Record<string, string> = {}): TestImage {
  const blobs = new Map<string, Buffer>();
  const put = (bytes: Buffer, mediaType: string) => {
    const digest = sha256(bytes);
    blobs.set(digest, bytes);
    return { mediaType, digest, size: bytes.length };
  };
  const all = { 'org.opencontainers.image.version': version, 'org.opencontainers.image.revision': revision, ...labels };
  const config = put(
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: all }, rootfs: { type: 'layers', diff_ids: [] } })),
    'application/vnd.oci.image.config.v1+json',
  );
  const layer = put(randomBytes(layerSize), 'application/vnd.oci.image.layer.v1.tar+gzip');
  const body = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer] };
  const bytes = Buffer.from(JSON.stringify(body));
  const graph: ImageGraph = { root: { digest: sha256(bytes), mediaType: body.mediaType, bytes }, children: [], blobs: [config, layer] };
  return { graph, blobs, source: memorySource(blobs) };
}

/** The tags a release of `version` plans (version, minor, major, latest, channel), of `variant` if given. */
export function releaseTags(version: string, variant?: Variant) {
  return planTags({
    version,
    facts: { scheduled: false },
    auto: ['version'],
    levels: VERSION_LEVELS,
    tagLatest: 'auto',
    majorZero: false,
    channel: true,
    explicit: [],
    now: new Date(0),
    ...(variant ? { variant } : {}),
  });
}

/** The push target a build of `version` makes (version, minor, major, latest, channel; forward-only), as `push/stage.ts` does. */
export function releaseTarget(repository: Repository, version: string, decisions = new Map<string, TagDecision[]>(), variant?: Variant): PushTarget {
  const tags = releaseTags(version, variant);
  return pushTargets([{ repository, visibility: 'private', tags }], version, 'forward', decisions, variant)[0]!;
}

/** Every floating tag the releases plan, with the release it must end on: the highest of its line. */
export function expectedFloating(versions: readonly string[], variant?: Variant): Map<string, string> {
  const want = new Map<string, string>();
  for (const v of versions) {
    const target = releaseTarget({ registry: 'x', host: 'x', path: 'x' }, v, new Map(), variant);
    for (const { tag, rule } of target.floating?.tags ?? []) {
      const line = versions.filter((o) => {
        const a = semver.parse(o)!;
        const b = semver.parse(v)!;
        if (rule === 'channel') return a.prerelease.length > 0 && a.prerelease[0] === b.prerelease[0];
        if (a.prerelease.length) return false;
        return rule === 'latest' || (a.major === b.major && (rule === 'major' || a.minor === b.minor));
      });
      want.set(tag, line.sort(semver.rcompare)[0]!);
    }
  }
  return want;
}
