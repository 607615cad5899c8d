/**
 * The `buildah` builder: daemonless `buildah build` (secrets and SSH through its own `--secret` /
 * `--ssh`), then `buildah push` of the image into an OCI layout with gzip layers. Registries named
 * in `insecure-registries` reach buildah through a registries.conf of the step's own (plain HTTP
 * for those only); the argv is rendered by a pure function.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec } from '../effects/exec.js';
import { commonBuildFlags, type Builder, type BuildPlan } from './plan.js';

export function renderBuildahArgs(plan: BuildPlan): string[] {
  const args = [
    'build',
    '--file',
    plan.file,
    '--iidfile',
    plan.iidFile,
    '--layers',
    ...commonBuildFlags(plan, { pull: [`--pull=${plan.pull ? 'always' : 'true'}`] }),
  ];
  for (const [name, source] of plan.buildContexts) args.push('--build-context', `${name}=${source}`);
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
      await exec.run('buildah', args, { env: buildahEnv, onLine: log });
      const id = (await readIidFile(plan.iidFile)).trim().replace(/^(sha256:)?/, 'sha256:');
      if (!/^sha256:[a-f0-9]{64}$/.test(id)) throw new Error(`buildah build wrote no image id to ${plan.iidFile}`);
      await exec.run('buildah', ['push', '--quiet', '--format', 'oci', '--compression-format', 'gzip', id, `oci:${layoutDir}`], {
        env: buildahEnv,
        onLine: log,
      });
      return id;
    },
  };
}
