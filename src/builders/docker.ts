/**
 * The `docker` builder: `DOCKER_BUILDKIT=1 docker build` on the daemon's own BuildKit, then
 * `docker save` converted into an OCI layout. The argv is rendered by a pure function.
 */
import { CommandError, type Exec } from '../effects/exec.js';
import { Transform } from 'node:stream';
import { convertDockerSave } from '../oci/docker-save.js';
import { mib, progressInterval, startTicker } from '../platform/ticker.js';
import { commonBuildFlags, type Builder, type BuildPlan } from './plan.js';

/** `docker build` arguments for a plan. No secret value is ever part of argv: only file paths. */
export function renderDockerBuildArgs(plan: BuildPlan): string[] {
  const args = ['build', '--progress=plain', '--file', plan.file, '--iidfile', plan.iidFile, ...commonBuildFlags(plan, { pull: plan.pull ? ['--pull'] : [] })];
  for (const t of plan.localTags) args.push('--tag', t);
  args.push(plan.context);
  return args;
}

/** Builds with the daemon's BuildKit, then converts `docker save` into the OCI layout at `layoutDir`. */
export function createDockerBuilder(exec: Exec, env: Readonly<Record<string, string | undefined>>, readIidFile: (path: string) => Promise<string>): Builder {
  const dockerEnv = { ...env, DOCKER_BUILDKIT: '1' };
  const exportLayout = async (imageId: string, layoutDir: string, plan: BuildPlan, log: (line: string) => void) => {
    const save = exec.stream('docker', ['save', imageId], { env: dockerEnv });
    // A large image spends a while here: the bytes read so far, every few seconds.
    let read = 0;
    const counted = save.stdout.pipe(
      new Transform({
        transform(chunk: Buffer, _, next) {
          read += chunk.length;
          next(null, chunk);
        },
      }),
    );
    save.stdout.on('error', (e) => counted.destroy(e));
    const stop = startTicker(log, 'docker save → OCI layout', () => `${mib(read)} read`, progressInterval(env));
    try {
      const [converted] = await Promise.all([
        convertDockerSave(counted, layoutDir, { keepUncompressed: plan.keepUncompressed, epoch: plan.epoch }).finally(stop),
        save.done,
      ]);
      const kept = converted.manifest.layers.length - converted.compressed;
      log(
        `docker save → OCI layout: ${converted.compressed} layer${converted.compressed === 1 ? '' : 's'} compressed` +
          (kept ? `, ${kept} left for the base's own blob${kept === 1 ? '' : 's'}` : '') +
          (plan.epoch === undefined ? '' : `, ${converted.clamped} file times clamped to ${new Date(plan.epoch * 1000).toISOString()}`),
      );
    } catch (e) {
      stop();
      save.kill(); // a failed conversion stops reading: docker save must not stay blocked on its pipe
      save.done.catch(() => undefined);
      throw e;
    }
  };
  // The daemon keeps nothing of a build it was not asked to load: the tags `docker build` made go
  // (the image with them, unless another tag of the user's names it). Failing to is said, not fatal.
  const removeTags = async (tags: readonly string[], log: (line: string) => void) => {
    try {
      await exec.run('docker', ['image', 'rm', ...tags], { env: dockerEnv });
      log(`removed the tags it made from the Docker daemon (load is false): ${tags.join(', ')}`);
    } catch (e) {
      log(`could not remove the tags it made from the Docker daemon (${tags.join(', ')}): ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  };
  return {
    name: 'docker',
    async build(plan, layoutDir, log) {
      try {
        await exec.run('docker', renderDockerBuildArgs(plan), { env: dockerEnv, onLine: log });
      } catch (e) {
        if (e instanceof CommandError && /buildx component is missing/i.test(e.outputTail)) {
          throw new Error(
            'the docker CLI on PATH needs the buildx plugin for BuildKit builds: install docker-buildx, or put a docker CLI with built-in BuildKit (20.10) first on PATH',
          );
        }
        throw e;
      }
      const id = (await readIidFile(plan.iidFile)).trim();
      if (!/^sha256:[a-f0-9]{64}$/.test(id)) throw new Error(`docker build wrote no image id to ${plan.iidFile}`);
      await exportLayout(id, layoutDir, plan, log);
      if (!plan.keepLocalTags && plan.localTags.length) await removeTags(plan.localTags, log);
      return id;
    },
  };
}
