/**
 * The `buildah` builder: daemonless `buildah build` (secrets and SSH through its own `--secret` /
 * `--ssh`), then `buildah push` of the image into an OCI layout with gzip layers. Registries named
 * in `insecure-registries` reach buildah through a registries.conf of the step's own (plain HTTP
 * for those only); the argv is rendered by a pure function.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, type Exec } from '../effects/exec.js';
import { blobPath, readLayoutRoot, writeBlobBytes, writeIndex, type ImageManifest } from '../oci/layout.js';
import type { Builder, BuildPlan } from '../core/builder.js';
import { cacheFromRefs, commonBuildFlags } from './plan.js';

export function renderBuildahArgs(plan: BuildPlan): string[] {
  const args = [
    'build',
    '--file',
    plan.file,
    '--iidfile',
    plan.iidFile,
    '--layers',
    ...commonBuildFlags(plan, { cacheFrom: cacheFromRefs(plan), pull: [`--pull=${plan.pull ? 'always' : 'true'}`] }),
  ];
  for (const [name, source] of plan.buildContexts) args.push('--build-context', `${name}=${source}`);
  for (const u of plan.extras.ulimits) args.push('--ulimit', u);
  // buildah's own reproducibility: the image's times and every file of the layers it makes at the epoch.
  if (plan.epoch !== undefined) args.push('--timestamp', String(plan.epoch));
  for (const t of plan.localTags) args.push('--tag', t);
  args.push(plan.context);
  return args;
}

/** A registries.conf marking exactly the named registries as plain HTTP. */
export function registriesConf(insecure: readonly string[]): string {
  return ['unqualified-search-registries = ["docker.io"]', ...insecure.map((r) => `\n[[registry]]\nlocation = "${r}"\ninsecure = true`)].join('\n') + '\n';
}

/**
 * buildah's storage (containers-storage) is shared by every run and client on the machine, and the
 * image a build made is named there only by the user's tags — which another run of the same names
 * moves to its own image (two pipelines of one branch) — or, a platform's image of a multi-platform
 * build, by nothing at all. Whatever removes dangling images meanwhile (`buildah rmi --prune`, a
 * runner's cleanup) removes it before or while `buildah push` reads it ("sha256:…: image not known",
 * "reading config blob sha256:…: locating image with ID …: image not known"), or removes a cached
 * step's image while the build looks it up ("checking if cached image exists from a previous build:
 * getting top layer info: layer not known"). On the lab's storage, two runs of one tag with a cleanup
 * every 0.2 s: 4 of 24 and 4 of 30 raw builds failed so (concurrent-builds.test holds the push to make
 * it certain). The build is run again (its layers from the cache where they survive), at most
 * LOST_IMAGE_BUILDS builds, saying why; no other failure is retried. Not a tag of the run's own to hold
 * the image: removing it afterwards would remove an otherwise unnamed image and, with it, every cached
 * step of its build (`buildah rmi` takes the dangling parents too), which a multi-platform build keeps.
 */
const LOST_IMAGE_BUILDS = 3;
const said = (e: unknown) => (e instanceof CommandError ? `${e.outputTail}\n${e.message}` : '');
/** The push's image went from the storage (before or while the push read it). */
const lostAtPush = (id: string, e: unknown) => said(e).includes(id.slice('sha256:'.length)) && /: image not known/.test(said(e));
/** A cached step's image went from the storage while the build looked it up. */
const LOST_IN_CACHE = /checking if cached image exists from a previous build: [^\n]*(?:layer|image) not known/;

export function createBuildahBuilder(
  exec: Exec,
  env: Readonly<Record<string, string | undefined>>,
  workdir: string,
  insecure: readonly string[],
  readIidFile: (path: string) => Promise<string>,
  certDir?: string,
): Builder {
  return {
    name: 'buildah',
    async build(plan, layoutDir, log) {
      const conf = join(workdir, 'registries.conf');
      await writeFile(conf, registriesConf(insecure));
      const buildahEnv = { ...env, CONTAINERS_REGISTRIES_CONF: conf, BUILDAH_ISOLATION: env.BUILDAH_ISOLATION ?? 'chroot' };
      // The step's CAs for every pull (an added trust, beside the system's); logins come with REGISTRY_AUTH_FILE.
      const args = renderBuildahArgs(plan);
      if (certDir) args.splice(1, 0, '--cert-dir', certDir);
      for (let attempt = 1; ; attempt++) {
        const again = (what: string) =>
          log(`buildah's storage lost ${what} (another client removed it meanwhile); building again (attempt ${attempt + 1} of ${LOST_IMAGE_BUILDS})`);
        try {
          await exec.run('buildah', args, { env: buildahEnv, onLine: log });
        } catch (e) {
          if (attempt >= LOST_IMAGE_BUILDS || !LOST_IN_CACHE.test(said(e))) throw e;
          again('an image of its layer cache while this build read it');
          continue;
        }
        const id = (await readIidFile(plan.iidFile)).trim().replace(/^(sha256:)?/, 'sha256:');
        if (!/^sha256:[a-f0-9]{64}$/.test(id)) throw new Error(`buildah build wrote no image id to ${plan.iidFile}`);
        try {
          await exec.run('buildah', ['push', '--quiet', '--format', 'oci', '--compression-format', 'gzip', id, `oci:${layoutDir}`], {
            env: buildahEnv,
            onLine: log,
          });
        } catch (e) {
          if (attempt >= LOST_IMAGE_BUILDS || !lostAtPush(id, e)) throw e;
          again('the image this build had just made, before the push had read it');
          await rm(layoutDir, { recursive: true, force: true });
          continue;
        }
        if (plan.epoch !== undefined) await forgetIntermediates(layoutDir);
        return id;
      }
    },
  };
}

/**
 * What buildah's layer cache leaks into an image, for reproducible builds: the ids of the
 * intermediate images it committed (`FROM 080eadf30bc7` history comments) and the digest it puts
 * in the `base.digest` annotation — both differ between a cached build and one without the cache.
 * The comments go; the annotation is left to Hoist, which sets it from the base's registry.
 */
export async function forgetIntermediates(layoutDir: string): Promise<void> {
  const root = await readLayoutRoot(layoutDir);
  const manifest = JSON.parse(root.bytes.toString('utf8')) as ImageManifest;
  const config = JSON.parse(await readFile(blobPath(layoutDir, manifest.config.digest), 'utf8')) as { history?: Array<{ comment?: string }> };
  const history = config.history?.map(({ comment, ...h }) =>
    comment && /^FROM [0-9a-f]{12,64}$/.test(comment) ? h : { ...h, ...(comment ? { comment } : {}) },
  );
  const written = await writeBlobBytes(layoutDir, Buffer.from(JSON.stringify({ ...config, ...(history ? { history } : {}) })));
  const { 'org.opencontainers.image.base.digest': _leaked, ...annotations } = manifest.annotations ?? {};
  const bytes = Buffer.from(
    JSON.stringify({
      ...manifest,
      config: { ...manifest.config, digest: written.digest, size: written.size },
      ...(manifest.annotations ? { annotations } : {}),
    }),
  );
  const blob = await writeBlobBytes(layoutDir, bytes);
  await writeIndex(layoutDir, [{ ...root.descriptor, digest: blob.digest, size: blob.size }]);
}
