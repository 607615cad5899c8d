/**
 * One unit's build into its OCI layout: the builder run (its output watched for secret-mounting
 * steps served from the cache), the times clamped where the builder cannot, and the base's layers
 * named by the base's own blobs. Builders that make one platform at a time (the Docker daemon's
 * BuildKit, buildah) build each platform of `platforms` into a layout of its own, each on its
 * platform's base, and Hoist assembles the index; BuildKit's own builders make the index.
 */
import { formatReference } from '../core/reference.js';
import { ConfigError } from '../core/errors.js';
import type { Effects } from '../effects/effects.js';
import type { Files } from '../effects/files.js';
import { absentBaseLayers, adoptBaseLayers, type Adopted } from '../oci/adopt.js';
import { assembleIndex, madePlatform } from '../oci/assemble.js';
import { toolDiskFull } from '../oci/disk.js';
import { clampLayoutTimes } from '../oci/reproducible.js';
import { formatPlatform, hostPlatform, parsePlatform, samePlatform, type Platform } from '../oci/platform.js';
import { runLines } from '../plan/dockerfile.js';
import type { BaseFinder } from './bases.js';
import { baseBlobsOf } from './base-blobs.js';
import { CacheWatch } from './cache-watch.js';
import type { Builder, BuilderName, BuildPlan } from '../core/builder.js';

/** Builders that hand back layers without the base's original compressed blobs, and build one platform at a time. */
export const RECOMPRESSING = new Set<BuilderName>(['docker', 'buildah']);

export interface LayoutBuild {
  imageId: string;
  cachedSecretSteps: string[];
  adopted: Adopted;
  /** The base's digest in its registry, when the image holds every layer of it. */
  baseDigest: string | undefined;
  /** The platforms built one by one (empty when the builder made the image, or the index, itself). */
  platforms: Platform[];
}

type Fx = Pick<Effects, 'platform' | 'files'>;

/**
 * One build, its output watched for secret-mounting steps served from the cache: said (warn),
 * built again without the cache (rebuild), or refused (fail).
 */
async function buildWatched(fx: Fx, builder: Builder, plan: BuildPlan, layoutDir: string, mode: 'warn' | 'rebuild' | 'fail') {
  const { platform } = fx;
  const run = async (p: BuildPlan) => {
    const watch = new CacheWatch();
    const imageId = await builder.build(p, layoutDir, (line) => {
      watch.feed(line);
      platform.info(line);
    });
    return { imageId, cachedSecretSteps: watch.cached };
  };
  const first = await run(plan);
  if (!first.cachedSecretSteps.length || plan.noCache) return first;
  const steps = first.cachedSecretSteps.map((s) => `"${s}"`).join(', ');
  const why = `came from the build cache: ${first.cachedSecretSteps.length === 1 ? 'it' : 'they'} ran with an earlier value of the secret, which the audit cannot know`;
  if (mode === 'fail')
    throw new Error(
      `secret-cache: fail — ${steps} ${why}; nothing was pushed. Set secret-cache: rebuild to run ${first.cachedSecretSteps.length === 1 ? 'it' : 'them'} again`,
    );
  if (mode === 'warn') {
    platform.warning(`${steps} ${why}; set secret-cache: rebuild to run such steps again, or fail to refuse the build`);
    return first;
  }
  platform.info(`secret-cache: rebuild — ${steps} came from the build cache: building again without the cache`);
  await fx.files.remove(layoutDir);
  return { ...(await run({ ...plan, noCache: true })), cachedSecretSteps: [] };
}

/** One platform into one layout: built, clamped (buildah, reproducible), its base's layers adopted. */
async function buildOne(
  fx: Fx,
  builder: Builder,
  plan: BuildPlan,
  layoutDir: string,
  secretCache: 'warn' | 'rebuild' | 'fail',
  learn: () => ReturnType<BaseFinder>,
): Promise<Omit<LayoutBuild, 'platforms'>> {
  const { platform } = fx;
  // The base's layers are learned from its registry while the builder runs.
  const learning = learn();
  const keepUncompressed = async (diffIds: readonly string[]) => {
    const layers = (await learning)?.layers;
    return new Set(diffIds.filter((d) => layers?.has(d)));
  };
  const baseBlobs = async () => baseBlobsOf(await learning);
  const result = await buildWatched(fx, builder, { ...plan, keepUncompressed, baseBlobs }, layoutDir, secretCache);
  const learned = await learning;
  // buildah's --timestamp does not reach the layers it takes from its cache: Hoist clamps what buildah made.
  if (plan.epoch !== undefined && builder.name === 'buildah') {
    const clamped = await clampLayoutTimes(layoutDir, plan.epoch, new Set(learned?.layers.keys()));
    platform.info(`reproducible: ${clamped} file times in the build's own layers clamped to ${new Date(plan.epoch * 1000).toISOString()}`);
  }
  if (!learned) return { ...result, adopted: new Map(), baseDigest: undefined };
  platform.info(`Base ${formatReference(learned.reference, learned.reference.tag, learned.reference.digest)}: ${learned.note}`);
  const { adopted: recompressed, matched } = await adoptBaseLayers(layoutDir, learned.layers);
  if (recompressed.size)
    platform.info(`${recompressed.size} base layer${recompressed.size === 1 ? '' : 's'} named by the base's own blobs, not the builder's recompression`);
  // The docker path's base blobs left in the base's registry (read clean before: not fetched into the layout).
  const adopted = new Map([...recompressed, ...(await absentBaseLayers(layoutDir, learned.layers, recompressed))]);
  // The base's digest only when the image holds every layer of it (a daemon's older cached base does not).
  return { ...result, adopted, baseDigest: matched === learned.layers.size ? learned.digest : undefined };
}

/**
 * One platform of several. buildah's layer cache (1.28) keys a step by its base and instructions, not
 * the platform: where both platforms have the same base (FROM scratch, a one-platform base) the second
 * platform's build is the first one's image from the cache. Built again without the cache then, said;
 * assembleIndex still refuses an image for another platform whatever made it.
 */
async function buildPlatform(
  fx: Fx,
  builder: Builder,
  plan: BuildPlan,
  dir: string,
  secretCache: 'warn' | 'rebuild' | 'fail',
  learn: () => ReturnType<BaseFinder>,
  asked: Platform,
): Promise<Omit<LayoutBuild, 'platforms'>> {
  const built = await buildOne(fx, builder, plan, dir, secretCache, learn);
  if (builder.name !== 'buildah' || plan.noCache) return built;
  const { made } = await madePlatform(dir, asked);
  if (samePlatform(made, asked)) return built;
  fx.platform.info(
    `buildah's layer cache gave the ${formatPlatform(asked)} build an image for ${formatPlatform(made)} (its cache does not key on the platform): building ${formatPlatform(asked)} again without the cache`,
  );
  await fx.files.remove(dir);
  return buildOne(fx, builder, { ...plan, noCache: true }, dir, secretCache, learn);
}

/** Builds a unit into `layoutDir`: at once, or (one-platform builders, several platforms) platform by platform, then the index. */
export async function buildLayout(
  fx: Fx,
  builder: Builder,
  plan: BuildPlan,
  layoutDir: string,
  secretCache: 'warn' | 'rebuild' | 'fail',
  base: string | undefined,
  findBase: BaseFinder,
): Promise<LayoutBuild> {
  try {
    return await buildLayoutOnce(fx, builder, plan, layoutDir, secretCache, base, findBase);
  } catch (e) {
    throw await toolDiskFull(e, layoutDir, builder.name);
  }
}

async function buildLayoutOnce(
  fx: Fx,
  builder: Builder,
  plan: BuildPlan,
  layoutDir: string,
  secretCache: 'warn' | 'rebuild' | 'fail',
  base: string | undefined,
  findBase: BaseFinder,
): Promise<LayoutBuild> {
  const recompressing = RECOMPRESSING.has(builder.name);
  const learn = (p?: Platform) => () => (recompressing ? findBase(base, p) : Promise.resolve(undefined));
  if (!recompressing || plan.platforms.length < 2) return { ...(await buildOne(fx, builder, plan, layoutDir, secretCache, learn())), platforms: [] };
  const platforms = plan.platforms.map(parsePlatform);
  const parts = [];
  const builds = [];
  for (const [i, p] of platforms.entries()) {
    const name = formatPlatform(p);
    const dir = `${layoutDir}-${name.replace(/\//g, '-')}`;
    fx.platform.info(`Platform ${name} (${i + 1} of ${platforms.length})`);
    // Local names belong to one image: a daemon's tag cannot hold an index, so the platforms' images stay unnamed.
    const one = { ...plan, platforms: [name], localTags: [], iidFile: `${plan.iidFile}-${i}` };
    builds.push(await buildPlatform(fx, builder, one, dir, secretCache, learn(p), p));
    parts.push({ dir, platform: p });
  }
  const index = await assembleIndex(layoutDir, parts);
  for (const part of parts) await fx.files.remove(part.dir);
  fx.platform.info(`Index of ${platforms.map(formatPlatform).join(', ')} assembled: ${index.digest}`);
  const baseDigests = new Set(builds.map((b) => b.baseDigest));
  return {
    imageId: index.digest,
    cachedSecretSteps: builds.flatMap((b) => b.cachedSecretSteps),
    adopted: new Map(builds.flatMap((b) => [...b.adopted])),
    baseDigest: baseDigests.size === 1 ? builds[0]!.baseDigest : undefined,
    platforms,
  };
}

/** binfmt_misc names QEMU's interpreters after the machine, not the OCI architecture. */
const QEMU_NAME: Record<string, string> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  arm: 'arm',
  '386': 'i386',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips64le: 'mips64el',
};
export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

/**
 * Platforms of another architecture than this machine's can run `RUN` steps only through QEMU user
 * emulation registered in binfmt_misc. Refused before anything is built when the Dockerfile runs
 * something and the emulation is missing, with how to get it; without `RUN`, any platform builds.
 */
export async function checkEmulation(
  files: Pick<Files, 'readTextIfExists'>,
  builder: BuilderName,
  platforms: readonly string[],
  dockerfile: string,
): Promise<void> {
  if (!RECOMPRESSING.has(builder)) return; // BuildKit's own builders say so themselves, and may run elsewhere
  const host = hostPlatform().architecture;
  const foreign = [...new Set(platforms.map((p) => parsePlatform(p).architecture))].filter((a) => a !== host);
  const runs = runLines(dockerfile);
  if (!foreign.length || !runs.length) return;
  const missing = [];
  for (const a of foreign) {
    const entry = await files.readTextIfExists(`${BINFMT_DIR}/qemu-${QEMU_NAME[a] ?? a}`).catch(() => undefined);
    if (!entry?.startsWith('enabled')) missing.push(a);
  }
  if (!missing.length) return;
  throw new ConfigError([
    {
      input: 'platforms',
      message:
        `${missing.map((a) => `linux/${a}`).join(', ')} on this ${host} machine needs QEMU user emulation for the Dockerfile's RUN step${runs.length === 1 ? '' : 's'} (line${runs.length === 1 ? '' : 's'} ${runs.join(', ')}), ` +
        `and ${BINFMT_DIR} has no ${missing.map((a) => `qemu-${QEMU_NAME[a] ?? a}`).join(', ')} entry. Register it — Debian/Ubuntu: apt-get install qemu-user-static (binfmt-support registers it); ` +
        `elsewhere: docker run --privileged --rm tonistiigi/binfmt --install ${missing.join(',')} — or build each platform on a runner of its own with push-by-digest: true and join them with merge`,
    },
  ]);
}
