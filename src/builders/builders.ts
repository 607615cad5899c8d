/**
 * Which builder runs the build. `builder: auto` picks the best one this machine has and says
 * which and why; a named builder that is not there is an error that says how to get it.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Exec } from '../effects/exec.js';
import { createBuildahBuilder } from './buildah.js';
import { createBuildctlBuilder, createBuildxBuilder } from './buildkit.js';
import { createDockerBuilder } from './docker.js';
import { dockerEngineSocket } from './docker-api.js';
import type { Builder, BuilderDeps, BuilderName, BuilderProbe, Choice } from '../core/builder.js';

export class BuilderError extends Error {
  override readonly name = 'BuilderError';
}

/** Pure: the builder for a request, given what the machine has and whether a BuildKit address is set. */
export function chooseBuilder(requested: 'auto' | BuilderName, probe: BuilderProbe, buildkitHost: string | undefined): Choice {
  const missing: Record<BuilderName, string> = {
    buildx: 'the docker CLI has no working buildx plugin: install it (docker/setup-buildx-action on GitHub)',
    buildctl: 'neither buildctl nor buildctl-daemonless.sh is on PATH: use a moby/buildkit image or install buildctl',
    docker: 'no Docker daemon answers: start one (or docker:dind on GitLab), or set DOCKER_HOST',
    buildah: 'buildah is not on PATH: install it (apt-get install buildah) or use a quay.io/buildah/stable image',
  };
  if (requested !== 'auto') {
    const ok =
      requested === 'buildctl'
        ? buildkitHost
          ? probe.buildctl
          : probe.buildctl || probe.daemonless
        : probe[requested === 'docker' ? 'dockerDaemon' : requested];
    if (ok && requested === 'buildx' && probe.buildxDockerDriver) {
      throw new BuilderError(
        'builder buildx: the current buildx builder uses the docker driver, which cannot export an OCI layout: create one that can (docker buildx create --use --driver docker-container, or docker/setup-buildx-action), name it in buildx-builder, or use builder: docker',
      );
    }
    if (!ok)
      throw new BuilderError(
        `builder ${requested}: ${requested === 'buildctl' && buildkitHost && !probe.buildctl ? 'buildctl is not on PATH (buildkit-host needs it)' : missing[requested]}`,
      );
    if (requested === 'docker' && probe.dockerNoBuildKit) throw new BuilderError(`builder docker: ${probe.dockerNoBuildKit}`);
    return { name: requested, why: 'asked for', daemonless: requested === 'buildctl' && !buildkitHost, ...dockerCli(requested, probe) };
  }
  if (buildkitHost && probe.buildctl) return { name: 'buildctl', why: `buildkit-host ${buildkitHost} is set`, daemonless: false };
  if (probe.buildx && !probe.buildxDockerDriver)
    return { name: 'buildx', why: 'docker buildx is available with a builder that writes OCI layouts', daemonless: false };
  if (probe.daemonless) return { name: 'buildctl', why: 'rootless BuildKit (buildctl-daemonless.sh) is on PATH', daemonless: true };
  if (probe.dockerDaemon && !probe.dockerNoBuildKit) {
    const why = probe.buildx
      ? "buildx's current builder uses the docker driver, which cannot export OCI: the daemon's BuildKit builds and docker save is converted"
      : 'a Docker daemon answers and buildx is not installed (its BuildKit builds; docker save is converted)';
    return { name: 'docker', why: probe.dockerCli ? `${why}; ${probe.dockerCli.why}` : why, daemonless: false, ...dockerCli('docker', probe) };
  }
  // A daemon whose BuildKit no CLI here can reach is passed over, and the log says why.
  const unreachable = probe.dockerDaemon ? `; the Docker daemon answers, but ${probe.dockerNoBuildKit}` : '';
  if (probe.buildah) return { name: 'buildah', why: `buildah is on PATH and no BuildKit is${unreachable}`, daemonless: false };
  if (unreachable) throw new BuilderError(`no builder found: the Docker daemon answers, but ${probe.dockerNoBuildKit}`);
  throw new BuilderError(`no builder found: ${Object.values(missing).join('; ')}`);
}

function dockerCli(name: BuilderName, probe: BuilderProbe): { dockerCli?: string } {
  return name === 'docker' && probe.dockerCli ? { dockerCli: probe.dockerCli.path } : {};
}

/** Every executable `tool` on PATH, in PATH's order. */
async function allOnPath(tool: string, path: string | undefined): Promise<string[]> {
  const found: string[] = [];
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const file = join(dir, tool);
    if (
      await access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      found.push(file);
  }
  return found;
}

async function onPath(tool: string, path: string | undefined): Promise<boolean> {
  return (await allOnPath(tool, path)).length > 0;
}

/** Docker 23 moved BuildKit builds out of the CLI into the buildx plugin: older CLIs build with DOCKER_BUILDKIT=1 on their own. */
export function cliHasBuildKit(version: string): boolean {
  const major = Number(/^(\d+)\./.exec(version)?.[1]);
  return Number.isFinite(major) && major < 23;
}

/**
 * Without buildx, the first docker CLI on PATH builds on the daemon's BuildKit only when it is
 * older than 23 (runner images carry a new static CLI in /usr/local/bin ahead of the distribution's
 * 20.10 in /usr/bin). A later, older CLI is used then; otherwise the reason, with the fix.
 */
async function dockerBuildCli(
  exec: Exec,
  env: Readonly<Record<string, string | undefined>>,
  firstVersion: string,
): Promise<Pick<BuilderProbe, 'dockerCli' | 'dockerNoBuildKit'>> {
  if (cliHasBuildKit(firstVersion)) return {};
  const [first, ...later] = await allOnPath('docker', env.PATH);
  for (const path of later) {
    const version = await exec.run(path, ['version', '--format', '{{.Client.Version}}'], { env, timeoutMs: 15_000 }).then(
      (r) => r.stdout.trim(),
      () => '',
    );
    if (cliHasBuildKit(version))
      return {
        dockerCli: {
          path,
          why: `using ${path} (Docker ${version}, BuildKit built in): ${first} (Docker ${firstVersion}), first on PATH, has no buildx plugin`,
        },
      };
  }
  return {
    dockerNoBuildKit: `the docker CLI on PATH (${first}, Docker ${firstVersion}) needs the buildx plugin for BuildKit builds (since Docker 23 the CLI has none of its own): install docker-buildx (apt-get install docker-buildx, or docker/setup-buildx-action on GitHub), or put a docker CLI with built-in BuildKit (20.10) first on PATH`,
  };
}

/** The driver line of `docker buildx inspect` (`Driver: docker-container`). */
export function buildxDriver(inspect: string): string | undefined {
  return /^Driver:\s*(\S+)/m.exec(inspect)?.[1];
}

/** Looks at the machine: PATH lookups, and `docker` asked whether buildx (and its driver) and a daemon answer. */
export async function probeBuilders(exec: Exec, env: Readonly<Record<string, string | undefined>>, buildxBuilder?: string): Promise<BuilderProbe> {
  // At once, the docker calls first: each is a CLI start and a daemon round trip. Started before
  // PATH is looked through: a docker that is not there fails to start, which says the same.
  const [inspect, clientVersion, docker, buildctl, daemonless, buildah] = await Promise.all([
    exec.run('docker', ['buildx', 'inspect', ...(buildxBuilder ? [buildxBuilder] : [])], { env, timeoutMs: 15_000 }).then(
      (r) => r.stdout,
      () => undefined,
    ),
    // One CLI start for both: the client's version decides whether it builds without buildx; a daemon that does not answer fails it.
    exec.run('docker', ['version', '--format', '{{.Client.Version}}|{{.Server.Version}}'], { env, timeoutMs: 15_000 }).then(
      (r) => r.stdout.trim().split('|')[0]!,
      () => undefined,
    ),
    onPath('docker', env.PATH),
    onPath('buildctl', env.PATH),
    onPath('buildctl-daemonless.sh', env.PATH),
    onPath('buildah', env.PATH),
  ]);
  // Only a docker found on PATH counts (what the build and docker save will start).
  const dockerDaemon = docker && clientVersion !== undefined;
  return {
    buildx: docker && inspect !== undefined,
    buildxDockerDriver: docker && inspect !== undefined && buildxDriver(inspect) === 'docker',
    buildctl,
    daemonless,
    dockerDaemon,
    buildah,
    ...(dockerDaemon && inspect === undefined ? await dockerBuildCli(exec, env, clientVersion!) : {}),
  };
}

export function createBuilder(choice: Choice, d: BuilderDeps): Builder {
  switch (choice.name) {
    case 'docker':
      return createDockerBuilder(d.exec, d.env, d.readFile, choice.dockerCli, dockerEngineSocket(d.env));
    case 'buildah':
      return createBuildahBuilder(d.exec, d.env, d.workdir, d.insecureRegistries, d.readFile, d.certDir);
    case 'buildx':
      return createBuildxBuilder(d.exec, d.env, d.buildxBuilder, d.readFile);
    case 'buildctl':
      return createBuildctlBuilder(d.exec, d.env, d.buildkitHost, choice.daemonless);
  }
}
