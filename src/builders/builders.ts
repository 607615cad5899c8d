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
    return { name: requested, why: 'asked for', daemonless: requested === 'buildctl' && !buildkitHost };
  }
  if (buildkitHost && probe.buildctl) return { name: 'buildctl', why: `buildkit-host ${buildkitHost} is set`, daemonless: false };
  if (probe.buildx && !probe.buildxDockerDriver)
    return { name: 'buildx', why: 'docker buildx is available with a builder that writes OCI layouts', daemonless: false };
  if (probe.daemonless) return { name: 'buildctl', why: 'rootless BuildKit (buildctl-daemonless.sh) is on PATH', daemonless: true };
  if (probe.dockerDaemon) {
    const why = probe.buildx
      ? "buildx's current builder uses the docker driver, which cannot export OCI: the daemon's BuildKit builds and docker save is converted"
      : 'a Docker daemon answers and buildx is not installed (its BuildKit builds; docker save is converted)';
    return { name: 'docker', why, daemonless: false };
  }
  if (probe.buildah) return { name: 'buildah', why: 'buildah is on PATH and no BuildKit is', daemonless: false };
  throw new BuilderError(`no builder found: ${Object.values(missing).join('; ')}`);
}

async function onPath(tool: string, path: string | undefined): Promise<boolean> {
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    if (
      await access(join(dir, tool), constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

/** The driver line of `docker buildx inspect` (`Driver: docker-container`). */
export function buildxDriver(inspect: string): string | undefined {
  return /^Driver:\s*(\S+)/m.exec(inspect)?.[1];
}

/** Looks at the machine: PATH lookups, and `docker` asked whether buildx (and its driver) and a daemon answer. */
export async function probeBuilders(exec: Exec, env: Readonly<Record<string, string | undefined>>, buildxBuilder?: string): Promise<BuilderProbe> {
  const works = (file: string, args: string[]) =>
    exec.run(file, args, { env, timeoutMs: 15_000 }).then(
      () => true,
      () => false,
    );
  const docker = await onPath('docker', env.PATH);
  // At once: each docker call is a CLI start and a daemon round trip.
  const [inspect, dockerDaemon, buildctl, daemonless, buildah] = await Promise.all([
    docker
      ? exec.run('docker', ['buildx', 'inspect', ...(buildxBuilder ? [buildxBuilder] : [])], { env, timeoutMs: 15_000 }).then(
          (r) => r.stdout,
          () => undefined,
        )
      : undefined,
    docker ? works('docker', ['version', '--format', '{{.Server.Version}}']) : false,
    onPath('buildctl', env.PATH),
    onPath('buildctl-daemonless.sh', env.PATH),
    onPath('buildah', env.PATH),
  ]);
  return {
    buildx: inspect !== undefined,
    buildxDockerDriver: inspect !== undefined && buildxDriver(inspect) === 'docker',
    buildctl,
    daemonless,
    dockerDaemon,
    buildah,
  };
}

export function createBuilder(choice: Choice, d: BuilderDeps): Builder {
  switch (choice.name) {
    case 'docker':
      return createDockerBuilder(d.exec, d.env, d.readFile);
    case 'buildah':
      return createBuildahBuilder(d.exec, d.env, d.workdir, d.insecureRegistries, d.readFile, d.certDir);
    case 'buildx':
      return createBuildxBuilder(d.exec, d.env, d.buildxBuilder, d.readFile);
    case 'buildctl':
      return createBuildctlBuilder(d.exec, d.env, d.buildkitHost, choice.daemonless);
  }
}
