/**
 * One build plan for every builder, and what each builder can do with it. Pure: each adapter turns
 * the plan into its own argv; options a builder cannot honour are errors named here, before anything
 * runs — never silently dropped.
 */
import type { BuilderName, BuildPlan, SshForward } from '../core/builder.js';
import { cacheImageRefs } from '../inputs/cache-entry.js';

/** docker build's and buildah's `--cache-from`: image references only (`type=registry,ref=R` given as R). */
export const cacheFromRefs = (plan: BuildPlan) => plan.cacheFrom.flatMap((c) => cacheImageRefs(c) ?? [c]);

/** `id` or `id=socket-or-key[,…]`, BuildKit's `--ssh` forms. */
export const sshFlag = (s: SshForward) => (s.paths.length ? `${s.id}=${s.paths.join(',')}` : s.id);

/**
 * The flags docker build, buildx and buildah spell the same way: stage, network, platforms,
 * build arguments, labels, secrets (file paths only), SSH forwards, cache sources, no-cache, host
 * entries — with each builder's own cache exports and pull flag in their place.
 */
export function commonBuildFlags(plan: BuildPlan, own: { cacheFrom?: string[]; cacheTo?: string[]; pull: string[] }): string[] {
  const args: string[] = [];
  if (plan.target) args.push('--target', plan.target);
  if (plan.network) args.push('--network', plan.network);
  if (plan.platforms.length) args.push('--platform', plan.platforms.join(','));
  for (const [k, v] of plan.buildArgs) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of plan.labels) args.push('--label', `${k}=${v}`);
  for (const s of plan.secretFiles) args.push('--secret', `id=${s.id},src=${s.path}`);
  for (const s of plan.ssh) args.push('--ssh', sshFlag(s));
  for (const c of own.cacheFrom ?? plan.cacheFrom) args.push('--cache-from', c);
  args.push(...(own.cacheTo ?? []));
  if (plan.noCache) args.push('--no-cache');
  args.push(...own.pull);
  for (const h of plan.addHosts) args.push('--add-host', h);
  if (plan.extras.cgroupParent) args.push('--cgroup-parent', plan.extras.cgroupParent);
  return args;
}

export interface PlanIssue {
  input: string;
  message: string;
}

/**
 * What `builder` cannot do with this plan. `provenanceSet` says whether the user asked for
 * provenance (the default `min` is dropped without an error where no attestation can be made,
 * and said so in the log).
 */
export function unsupported(builder: BuilderName, plan: BuildPlan, provenanceSet: boolean): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const need = (input: string, what: string, builders: string) =>
    issues.push({ input, message: `${what} needs ${builders}; builder ${builder} cannot${builder === 'docker' ? ' (the docker CLI without buildx)' : ''}` });
  const placed = plan.annotations.filter((a) => a.platform || a.levels.some((l) => l !== 'manifest'));
  if ((builder === 'docker' || builder === 'buildah') && placed.length) {
    need(
      'annotations',
      `annotations at ${[...new Set(placed.map((a) => `'${a.prefix}:'`))].join(', ')} (an image index, descriptors, a platform's manifest)`,
      'buildx or buildctl; this builder makes one image manifest, which takes manifest: (the default)',
    );
  }
  const x = plan.extras;
  if (builder === 'docker') {
    if (x.shmSize !== undefined) need('shm-size', "a /dev/shm size (the daemon's BuildKit ignores --shm-size)", 'buildx or buildctl');
    if (x.ulimits.length) need('ulimit', "ulimits (the daemon's BuildKit ignores --ulimit)", 'buildx, buildctl or buildah');
  }
  if (builder === 'buildah' && x.shmSize !== undefined) {
    need('shm-size', "a /dev/shm size (buildah's chroot isolation, which Hoist runs it with, shares the host's /dev/shm)", 'buildx or buildctl');
  }
  // BuildKit's RUN steps know three network modes; buildah's take more (private, ns:PATH, slirp4netns…).
  if (builder !== 'buildah' && plan.network !== undefined && !['default', 'none', 'host'].includes(plan.network)) {
    issues.push({
      input: 'network',
      message: `'${plan.network}' is not a network mode BuildKit runs RUN steps in: default, none or host (builder ${builder}; buildah takes more)`,
    });
  }
  if (x.call !== 'build' && builder !== 'buildx') need('call', `call: ${x.call.split(',')[0]} (a frontend method: lint, outline, targets)`, 'buildx');
  if (builder === 'docker' || builder === 'buildah') {
    if (x.allow.length) need('allow', 'BuildKit entitlements', 'buildx or buildctl');
    if (x.noCacheFilters.length) need('no-cache-filters', 'stages built without the cache', 'buildx or buildctl');
    if (x.attests.length) need('attests', 'attestations', 'buildx or buildctl');
  }
  if (builder === 'docker' || builder === 'buildah') {
    const other = plan.cacheFrom.filter((c) => !cacheImageRefs(c));
    if (other.length) need('cache-from', `a cache other than an image reference (${other.map((c) => `'${c}'`).join(', ')})`, 'buildx or buildctl');
  }
  if (builder === 'docker') {
    if (plan.cacheTo.length) need('cache-to', 'exporting a build cache', 'buildx or buildctl');
    if (plan.buildContexts.length) need('build-contexts', 'named build contexts', 'buildx, buildctl or buildah');
    if (plan.sbom) need('sbom', 'an SBOM attestation', 'buildx or buildctl');
    if (provenanceSet && plan.provenance !== 'false') need('provenance', 'a provenance attestation', 'buildx or buildctl');
  }
  if (builder === 'buildah') {
    if (plan.cacheTo.length) need('cache-to', 'exporting a build cache', 'buildx or buildctl');
    if (plan.sbom) need('sbom', 'an SBOM attestation', 'buildx or buildctl');
    if (provenanceSet && plan.provenance !== 'false') need('provenance', 'a provenance attestation', 'buildx or buildctl');
  }
  return issues;
}
