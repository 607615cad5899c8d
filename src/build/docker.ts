/**
 * The `docker` builder: `DOCKER_BUILDKIT=1 docker build` on the daemon's own BuildKit, then
 * `docker save` converted into an OCI layout. The argv is rendered by a pure function.
 */
import type { Config } from '../config.js';
import { CommandError, type Exec } from '../exec.js';
import { convertDockerSave, type ConvertedImage } from './docker-save.js';

/** What to build: the build settings of the config, plus where secrets, names and the id go. */
export interface BuildPlan extends Pick<Config, 'context' | 'file' | 'target' | 'buildArgs' | 'labels' | 'network' | 'ssh'> {
  /** Secrets as files the builder reads (`id` → a 0600 file in the step's private directory). */
  secretFiles: Array<{ id: string; path: string }>;
  /** Local names for the built image. */
  localTags: string[];
  /** Where the builder writes the image id. */
  iidFile: string;
}

/** `docker build` arguments for a plan. No secret value is ever part of argv: only file paths. */
export function renderDockerBuildArgs(plan: BuildPlan): string[] {
  const args = ['build', '--progress=plain', '--file', plan.file, '--iidfile', plan.iidFile];
  if (plan.target) args.push('--target', plan.target);
  if (plan.network) args.push('--network', plan.network);
  for (const [k, v] of plan.buildArgs) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of plan.labels) args.push('--label', `${k}=${v}`);
  for (const s of plan.secretFiles) args.push('--secret', `id=${s.id},src=${s.path}`);
  for (const s of plan.ssh) args.push('--ssh', s.paths.length ? `${s.id}=${s.paths.join(',')}` : s.id);
  for (const t of plan.localTags) args.push('--tag', t);
  args.push(plan.context);
  return args;
}

export interface DockerBuilder {
  /** Builds; returns the image id. */
  build(plan: BuildPlan, log: (line: string) => void): Promise<string>;
  /** Exports an image from the daemon into an OCI layout. */
  exportLayout(imageId: string, layoutDir: string, refName?: string, annotations?: ReadonlyArray<readonly [string, string]>): Promise<ConvertedImage>;
}

export function createDockerBuilder(exec: Exec, env: Readonly<Record<string, string | undefined>>, readIidFile: (path: string) => Promise<string>): DockerBuilder {
  const dockerEnv = { ...env, DOCKER_BUILDKIT: '1' };
  return {
    async build(plan, log) {
      try {
        await exec.run('docker', renderDockerBuildArgs(plan), { env: dockerEnv, onLine: log });
      } catch (e) {
        if (e instanceof CommandError && /buildx component is missing/i.test(e.outputTail)) {
          throw new Error('the docker CLI on PATH needs the buildx plugin for BuildKit builds: install docker-buildx, or put a docker CLI with built-in BuildKit (20.10) first on PATH');
        }
        throw e;
      }
      const id = (await readIidFile(plan.iidFile)).trim();
      if (!/^sha256:[a-f0-9]{64}$/.test(id)) throw new Error(`docker build wrote no image id to ${plan.iidFile}`);
      return id;
    },
    async exportLayout(imageId, layoutDir, refName, annotations) {
      const save = exec.stream('docker', ['save', imageId], { env: dockerEnv });
      try {
        const [converted] = await Promise.all([convertDockerSave(save.stdout, layoutDir, refName, annotations), save.done]);
        return converted;
      } catch (e) {
        save.kill(); // a failed conversion stops reading: docker save must not stay blocked on its pipe
        save.done.catch(() => undefined);
        throw e;
      }
    },
  };
}
