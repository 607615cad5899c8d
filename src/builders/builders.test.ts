import { describe, expect, it } from 'vitest';
import { basePlan as plan } from '../../test/support/plan.js';
import { renderBuildahArgs, registriesConf } from './buildah.js';
import type { BuilderProbe } from '../core/builder.js';
import { buildxDriver, chooseBuilder, cliHasBuildKit } from './builders.js';
import { unsupported } from './plan.js';

const none: BuilderProbe = { buildx: false, buildxDockerDriver: false, buildctl: false, daemonless: false, dockerDaemon: false, buildah: false };

describe('chooseBuilder', () => {
  it.each<[string, Partial<BuilderProbe>, string | undefined, string, RegExp]>([
    ['a BuildKit address and buildctl', { buildctl: true, buildx: true }, 'tcp://bk:1234', 'buildctl', /buildkit-host tcp:\/\/bk:1234 is set/],
    ['buildx over the daemon', { buildx: true, dockerDaemon: true, buildah: true }, undefined, 'buildx', /buildx is available/],
    [
      'buildx whose builder has the docker driver (a stock GitHub runner)',
      { buildx: true, buildxDockerDriver: true, dockerDaemon: true },
      undefined,
      'docker',
      /uses the docker driver, which cannot export OCI/,
    ],
    ['rootless BuildKit (GitLab)', { daemonless: true, buildah: true }, undefined, 'buildctl', /rootless BuildKit/],
    ['a daemon without buildx', { dockerDaemon: true, buildah: true }, undefined, 'docker', /buildx is not installed/],
    ['only buildah', { buildah: true }, undefined, 'buildah', /no BuildKit/],
  ])('auto with %s', (_name, probe, host, name, why) => {
    const c = chooseBuilder('auto', { ...none, ...probe }, host);
    expect(c.name).toBe(name);
    expect(c.why).toMatch(why);
  });

  // Property: without buildx, the docker builder is chosen only when some docker CLI here builds on
  // the daemon's BuildKit. Nearest real-world variant: a runner image with Docker 28's static CLI in
  // /usr/local/bin ahead of Debian's docker.io 20.10 in /usr/bin.
  const noBuildKit = 'the docker CLI on PATH (/usr/local/bin/docker, Docker 28.2.2) needs the buildx plugin';
  it('passes over a daemon no CLI here can build on: buildah when there is one, else an error naming the fix', () => {
    const probe = { ...none, dockerDaemon: true, dockerNoBuildKit: noBuildKit };
    expect(chooseBuilder('auto', { ...probe, buildah: true }, undefined)).toMatchObject({
      name: 'buildah',
      why: expect.stringMatching(
        /no BuildKit is; the Docker daemon answers, but the docker CLI on PATH \(\/usr\/local\/bin\/docker, Docker 28.2.2\) needs the buildx plugin/,
      ),
    });
    expect(() => chooseBuilder('auto', probe, undefined)).toThrow(
      /^no builder found: the Docker daemon answers, but the docker CLI on PATH .* needs the buildx plugin/,
    );
    expect(() => chooseBuilder('docker', { ...probe, buildah: true }, undefined)).toThrow(/^builder docker: the docker CLI on PATH .* needs the buildx plugin/);
  });

  it('builds with a later docker CLI that has BuildKit built in, saying which and why', () => {
    const dockerCli = {
      path: '/usr/bin/docker',
      why: 'using /usr/bin/docker (Docker 20.10.24, BuildKit built in): /usr/local/bin/docker (Docker 28.2.2), first on PATH, has no buildx plugin',
    };
    const auto = chooseBuilder('auto', { ...none, dockerDaemon: true, buildah: true, dockerCli }, undefined);
    expect(auto).toMatchObject({ name: 'docker', dockerCli: '/usr/bin/docker' });
    expect(auto.why).toMatch(/buildx is not installed .*; using \/usr\/bin\/docker \(Docker 20.10.24, BuildKit built in\)/);
    expect(chooseBuilder('docker', { ...none, dockerDaemon: true, dockerCli }, undefined)).toMatchObject({ name: 'docker', dockerCli: '/usr/bin/docker' });
  });

  it.each([
    ['20.10.24+dfsg1', true],
    ['19.03.15', true],
    ['22.06.0-beta.0', true],
    ['23.0.0', false],
    ['28.2.2', false],
    ['', false],
    ['garbage', false],
  ])('a docker CLI of version %j builds without buildx: %s', (version, yes) => {
    expect(cliHasBuildKit(version)).toBe(yes);
  });

  it('says what is missing when nothing builds', () => {
    expect(() => chooseBuilder('auto', none, undefined)).toThrow(/no builder found: .*buildx.*buildctl.*Docker daemon.*buildah/);
  });

  it.each<['docker' | 'buildx' | 'buildctl' | 'buildah', string | undefined, RegExp]>([
    ['buildx', undefined, /builder buildx: the docker CLI has no working buildx plugin/],
    ['buildctl', undefined, /builder buildctl: neither buildctl nor buildctl-daemonless.sh is on PATH/],
    ['buildctl', 'tcp://bk:1234', /builder buildctl: buildctl is not on PATH \(buildkit-host needs it\)/],
    ['docker', undefined, /builder docker: no Docker daemon answers/],
    ['buildah', undefined, /builder buildah: buildah is not on PATH/],
  ])('a named builder that is missing: %s', (name, host, message) => {
    expect(() => chooseBuilder(name, none, host)).toThrow(message);
  });

  it('refuses buildx by name when its builder cannot export OCI, saying how to get one that can', () => {
    expect(() => chooseBuilder('buildx', { ...none, buildx: true, buildxDockerDriver: true }, undefined)).toThrow(
      /docker driver, which cannot export an OCI layout: create one that can \(docker buildx create --use --driver docker-container/,
    );
  });

  it('reads the driver from docker buildx inspect', () => {
    expect(buildxDriver('Name:          default\nDriver:        docker\nLast Activity: 2026-11-23\n')).toBe('docker');
    expect(buildxDriver('Name:   ci\nDriver: docker-container\n')).toBe('docker-container');
    expect(buildxDriver('garbage')).toBeUndefined();
  });

  it('runs buildctl daemonless when asked for without an address', () => {
    expect(chooseBuilder('buildctl', { ...none, daemonless: true }, undefined)).toMatchObject({ name: 'buildctl', daemonless: true });
  });
});

describe('unsupported', () => {
  // Nearest real-world variant: `network: bridge` or a compose network name, which BuildKit refuses
  // only once the build has started ("network mode … not supported by buildkit", exit 3).
  it('refuses a network mode BuildKit does not run RUN steps in, before the build; buildah takes its own', () => {
    for (const b of ['docker', 'buildx', 'buildctl'] as const) {
      expect(unsupported(b, { ...plan, network: 'bogus net' }, false)).toEqual([
        { input: 'network', message: `'bogus net' is not a network mode BuildKit runs RUN steps in: default, none or host (builder ${b}; buildah takes more)` },
      ]);
      for (const network of [undefined, 'default', 'none', 'host']) expect(unsupported(b, { ...plan, network }, false)).toEqual([]);
    }
    expect(unsupported('buildah', { ...plan, network: 'private' }, false)).toEqual([]);
  });

  it('refuses what the docker CLI cannot do, naming the input', () => {
    const p = { ...plan, platforms: ['linux/amd64', 'linux/arm64'], cacheTo: ['r:cache'], buildContexts: [['a', '/a']] as Array<[string, string]>, sbom: true };
    expect(unsupported('docker', p, true).map((i) => i.input)).toEqual(['cache-to', 'build-contexts', 'sbom', 'provenance']);
    expect(unsupported('buildx', p, true)).toEqual([]);
  });

  it('takes several platforms on every builder: docker and buildah build them one at a time, Hoist assembles the index', () => {
    for (const b of ['docker', 'buildah', 'buildx', 'buildctl'] as const)
      expect(unsupported(b, { ...plan, platforms: ['linux/amd64', 'linux/arm64'] }, false)).toEqual([]);
  });

  it('refuses annotations at levels one image manifest does not have, on docker and buildah', () => {
    const index = { levels: ['index' as const], key: 'org.x', value: '1', prefix: 'index' };
    const manifest = { levels: ['manifest' as const], key: 'org.y', value: '2', prefix: 'manifest' };
    for (const b of ['docker', 'buildah'] as const) {
      expect(unsupported(b, { ...plan, annotations: [manifest, index] }, false)).toEqual([
        { input: 'annotations', message: expect.stringMatching(/^annotations at 'index:' .* needs buildx or buildctl; .*manifest: \(the default\)/) },
      ]);
    }
    expect(unsupported('docker', { ...plan, annotations: [manifest] }, false)).toEqual([]);
    expect(unsupported('buildctl', { ...plan, annotations: [manifest, index] }, false)).toEqual([]);
  });

  it('refuses the build options a builder would ignore, naming each input', () => {
    const extras = { shmSize: 1024, ulimits: ['nofile=1:2'], allow: ['network.host'], noCacheFilters: ['a'], attests: ['type=sbom'], call: 'build' };
    expect(unsupported('docker', { ...plan, extras }, false).map((i) => i.input)).toEqual(['shm-size', 'ulimit', 'allow', 'no-cache-filters', 'attests']);
    expect(unsupported('buildah', { ...plan, extras }, false).map((i) => i.input)).toEqual(['shm-size', 'allow', 'no-cache-filters', 'attests']);
    expect(unsupported('buildx', { ...plan, extras }, false)).toEqual([]);
    const check = { ...plan, extras: { ...plan.extras, call: 'check' } };
    expect(unsupported('buildctl', check, false).map((i) => i.input)).toEqual(['call']);
    expect(unsupported('buildx', check, false)).toEqual([]);
  });

  it('drops the default provenance without an error, but refuses one asked for', () => {
    expect(unsupported('docker', plan, false)).toEqual([]);
    expect(unsupported('buildah', { ...plan, provenance: 'max' }, true)).toEqual([
      { input: 'provenance', message: expect.stringMatching(/needs buildx or buildctl; builder buildah cannot/) },
    ]);
  });
});

describe('renderBuildahArgs', () => {
  it('renders the plan, with secret files and agent sockets only', () => {
    expect(
      renderBuildahArgs({
        ...plan,
        target: 't',
        network: 'host',
        secretFiles: [{ id: 'npm', path: '/p/npm' }],
        ssh: [{ id: 'default', paths: ['/p/agent.sock'] }],
        pull: true,
        buildContexts: [['b', '/ws/b']],
      }),
    ).toEqual([
      'build',
      '--file',
      '/ws/Dockerfile',
      '--iidfile',
      '/tmp/iid',
      '--layers',
      '--target',
      't',
      '--network',
      'host',
      '--secret',
      'id=npm,src=/p/npm',
      '--ssh',
      'default=/p/agent.sock',
      '--pull=always',
      '--build-context',
      'b=/ws/b',
      '/ws',
    ]);
  });

  it('marks exactly the insecure registries as plain HTTP', () => {
    expect(registriesConf(['127.0.0.1:5100'])).toBe(
      'unqualified-search-registries = ["docker.io"]\n\n[[registry]]\nlocation = "127.0.0.1:5100"\ninsecure = true\n',
    );
  });
});
