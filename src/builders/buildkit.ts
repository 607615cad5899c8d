/**
 * BuildKit clients that write an OCI layout themselves: `docker buildx build` (any driver:
 * docker-container, remote, kubernetes) and `buildctl` (a `buildkit-host` address, or rootless
 * `buildctl-daemonless.sh` as GitLab jobs run it). The argv is rendered by pure functions; no
 * secret value is ever part of it, only file paths and socket paths.
 */
import { dirname, basename } from 'node:path';
import { CommandError, type Exec } from '../effects/exec.js';
import { readLayoutRoot } from '../oci/layout.js';
import { GHA_CACHE_ENV, isGhaCache } from '../inputs/builder.js';
import type { Builder, BuildPlan } from '../core/builder.js';
import { commonBuildFlags, sshFlag } from './plan.js';

/**
 * The runner's cache variables reach buildx and buildctl only when the plan asks for a `type=gha`
 * cache: both read them from their environment (buildctl's `loadGithubEnv`), never from argv.
 */
const ghaEnv = (plan: BuildPlan) => ([...plan.cacheFrom, ...plan.cacheTo].some(isGhaCache) ? { allowEnv: GHA_CACHE_ENV } : {});

const provenanceValue = (p: BuildPlan['provenance']) => (p === 'false' ? 'false' : `mode=${p}`);
/** A bare cache reference means a registry cache, as with buildx. */
const cacheSpec = (v: string, key: 'ref') => (v.includes('type=') ? v : `type=registry,${key}=${v}`);

/** The attestation types `attests` names. */
const attestTypes = (plan: BuildPlan) => new Set(plan.extras.attests.map((a) => /^type=([a-z]+)/.exec(a)?.[1]));

/** `docker buildx build` writing an OCI layout directory at `layoutDir`. */
export function renderBuildxArgs(plan: BuildPlan, layoutDir: string, builder?: string, call?: string): string[] {
  const output = ['--output', `type=oci,dest=${layoutDir},tar=false${plan.epoch === undefined ? '' : ',rewrite-timestamp=true'}`];
  const args = ['buildx', 'build', '--progress=plain', ...(builder ? ['--builder', builder] : []), '--file', plan.file, ...(call ? ['--call', call] : output)];
  args.push(...commonBuildFlags(plan, { cacheTo: plan.cacheTo.flatMap((c) => ['--cache-to', c]), pull: plan.pull ? ['--pull'] : [] }));
  for (const [name, source] of plan.buildContexts) args.push('--build-context', `${name}=${source}`);
  for (const a of plan.annotations) args.push('--annotation', `${a.prefix ? `${a.prefix}:` : ''}${a.key}=${a.value}`);
  const x = plan.extras;
  if (x.shmSize !== undefined) args.push('--shm-size', String(x.shmSize));
  for (const u of x.ulimits) args.push('--ulimit', u);
  for (const a of x.allow) args.push('--allow', a);
  if (x.noCacheFilters.length) args.push('--no-cache-filter', x.noCacheFilters.join(','));
  for (const a of x.attests) args.push('--attest', a);
  if (call) {
    args.push(plan.context); // a frontend method: no attestations, nothing exported
    return args.filter((a, i) => !(a === '--attest' || args[i - 1] === '--attest'));
  }
  // An `attests` line of a type says all about that type: the provenance and sbom inputs step aside.
  if (!attestTypes(plan).has('provenance')) args.push(`--provenance=${provenanceValue(plan.provenance)}`);
  if (plan.sbom && !attestTypes(plan).has('sbom')) args.push('--sbom=true');
  args.push(plan.context);
  return args;
}

/** `buildctl build` (or `buildctl-daemonless.sh build`) with the Dockerfile frontend, writing an OCI layout. */
export function renderBuildctlArgs(plan: BuildPlan, layoutDir: string, address?: string): string[] {
  const args = [
    ...(address ? ['--addr', address] : []),
    'build',
    '--progress=plain',
    '--frontend',
    'dockerfile.v0',
    '--local',
    `context=${plan.context}`,
    '--local',
    `dockerfile=${dirname(plan.file)}`,
    '--opt',
    `filename=${basename(plan.file)}`,
  ];
  if (plan.target) args.push('--opt', `target=${plan.target}`);
  // buildctl calls network modes "force-network-mode" and needs the entitlement for host.
  if (plan.network) args.push('--opt', `force-network-mode=${plan.network}`, ...(plan.network === 'host' ? ['--allow', 'network.host'] : []));
  if (plan.platforms.length) args.push('--opt', `platform=${plan.platforms.join(',')}`);
  for (const [k, v] of plan.buildArgs) args.push('--opt', `build-arg:${k}=${v}`);
  for (const [k, v] of plan.labels) args.push('--opt', `label:${k}=${v}`);
  for (const s of plan.secretFiles) args.push('--secret', `id=${s.id},src=${s.path}`);
  for (const s of plan.ssh) args.push('--ssh', sshFlag(s));
  for (const c of plan.cacheFrom) args.push('--import-cache', cacheSpec(c, 'ref'));
  for (const c of plan.cacheTo) args.push('--export-cache', cacheSpec(c, 'ref'));
  if (plan.noCache) args.push('--no-cache');
  if (plan.pull) args.push('--opt', 'image-resolve-mode=pull');
  if (plan.addHosts.length) args.push('--opt', `add-hosts=${plan.addHosts.map((h) => h.replace(':', '=')).join(',')}`);
  for (const [name, source] of plan.buildContexts) {
    // A directory goes up as its own local; an image or layout reference is passed on as it is.
    if (/^[a-z-]+:\/\//.test(source)) args.push('--opt', `context:${name}=${source}`);
    else args.push('--local', `${name}=${source}`, '--opt', `context:${name}=local:${name}`);
  }
  const x = plan.extras;
  if (x.shmSize !== undefined) args.push('--opt', `shm-size=${x.shmSize}`);
  if (x.cgroupParent) args.push('--opt', `cgroup-parent=${x.cgroupParent}`);
  if (x.ulimits.length) args.push('--opt', `ulimit=${x.ulimits.join(',')}`);
  for (const a of x.allow) if (!(a === 'network.host' && plan.network === 'host')) args.push('--allow', a);
  if (x.noCacheFilters.length) args.push('--opt', `no-cache=${x.noCacheFilters.join(',')}`);
  // buildx's --attest type=sbom,generator=… is the frontend's attest:sbom=generator=…
  for (const a of x.attests) args.push('--opt', `attest:${/^type=([a-z]+)/.exec(a)![1]}=${a.replace(/^type=[a-z]+,?/, '')}`);
  if (plan.provenance !== 'false' && !attestTypes(plan).has('provenance')) args.push('--opt', `attest:provenance=mode=${plan.provenance}`);
  if (plan.sbom && !attestTypes(plan).has('sbom')) args.push('--opt', 'attest:sbom=');
  const output = [`type=oci`, `dest=${layoutDir}`, 'tar=false', ...(plan.epoch === undefined ? [] : ['rewrite-timestamp=true']), ...annotationAttributes(plan)];
  args.push('--output', output.map(csvField).join(','));
  return args;
}

/** The exporter's annotation attributes: `annotation-index.k=v`, `annotation-manifest[linux/arm64].k=v`, `annotation.k=v`. */
function annotationAttributes(plan: BuildPlan): string[] {
  return plan.annotations.flatMap((a) =>
    a.prefix ? a.levels.map((l) => `annotation-${l}${a.platform ? `[${a.platform}]` : ''}.${a.key}=${a.value}`) : [`annotation.${a.key}=${a.value}`],
  );
}

/** One field of BuildKit's comma-separated output spec, quoted as CSV when it holds a comma or a quote. */
const csvField = (f: string) => (/[",]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);

/** The image id of what a BuildKit client wrote: the config digest of one manifest, else the index digest. */
async function layoutImageId(layoutDir: string): Promise<string> {
  const root = await readLayoutRoot(layoutDir);
  const parsed = JSON.parse(root.bytes.toString('utf8')) as { config?: { digest?: string } };
  return parsed.config?.digest ?? root.descriptor.digest;
}

/** Turns a failed BuildKit client run into a message that says what to do. */
function explain(e: unknown, tool: string, hint: string): never {
  if (e instanceof CommandError && e.exitCode === undefined) throw new Error(`builder ${tool}: ${e.message}. ${hint}`);
  if (e instanceof CommandError && /is not a docker command|unknown command "?buildx/i.test(e.outputTail)) {
    throw new Error(`builder buildx: the docker CLI has no buildx plugin. ${hint}`);
  }
  if (
    e instanceof CommandError &&
    /exporter "?oci"? (is )?not supported|OCI exporter is not supported|docker driver (currently )?(only supports|does not support)/i.test(e.outputTail)
  ) {
    throw new Error(
      `builder buildx: the current builder cannot export an OCI layout (the docker driver cannot): create one that can, e.g. docker buildx create --use --driver docker-container, or name it in buildx-builder`,
    );
  }
  throw e;
}

export function createBuildxBuilder(
  exec: Exec,
  env: Readonly<Record<string, string | undefined>>,
  builder?: string,
  readFile?: (path: string) => Promise<string>,
): Builder {
  let ref: string | undefined;
  return {
    name: 'buildx',
    buildRef: () => ref,
    async build(plan, layoutDir, log) {
      const metadataFile = `${layoutDir}.buildx-metadata.json`;
      const args = renderBuildxArgs(plan, layoutDir, builder);
      args.splice(args.length - 1, 0, '--metadata-file', metadataFile);
      await exec
        .run('docker', args, { env, onLine: log, ...ghaEnv(plan) })
        .catch((e: unknown) => explain(e, 'buildx', 'Install the docker CLI with the buildx plugin (docker/setup-buildx-action), or choose another builder'));
      // buildx's own record of the build; only its reference is kept (an older buildx may write none).
      ref = await readFile?.(metadataFile).then(
        (text) => (JSON.parse(text) as Record<string, unknown>)['buildx.build.ref'] as string | undefined,
        () => undefined,
      );
      return layoutImageId(layoutDir);
    },
    async call(plan, method, log) {
      await exec
        .run('docker', renderBuildxArgs(plan, '', builder, method), { env, onLine: log })
        .catch((e: unknown) => explain(e, 'buildx', `call: ${method} needs buildx 0.15 or later (docker/setup-buildx-action)`));
    },
  };
}

export function createBuildctlBuilder(
  exec: Exec,
  env: Readonly<Record<string, string | undefined>>,
  address: string | undefined,
  daemonless: boolean,
): Builder {
  const tool = daemonless ? 'buildctl-daemonless.sh' : 'buildctl';
  return {
    name: 'buildctl',
    async build(plan, layoutDir, log) {
      await exec
        .run(tool, renderBuildctlArgs(plan, layoutDir, daemonless ? undefined : address), { env, onLine: log, ...ghaEnv(plan) })
        .catch((e: unknown) =>
          explain(
            e,
            'buildctl',
            daemonless
              ? 'Run in an image with rootless BuildKit (moby/buildkit:rootless), or set buildkit-host to a BuildKit daemon'
              : 'Install buildctl (moby/buildkit releases), and set buildkit-host to a BuildKit daemon',
          ),
        );
      return layoutImageId(layoutDir);
    },
  };
}
