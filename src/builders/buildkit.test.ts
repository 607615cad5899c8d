import { describe, expect, it } from 'vitest';
import { basePlan as plan } from '../../test/support/plan.js';
import { createBuildxBuilder, renderBuildctlArgs, renderBuildxArgs } from './buildkit.js';
import type { BuildPlan } from '../core/builder.js';

const full: Partial<BuildPlan> = {
  target: 'runtime',
  network: 'host',
  platforms: ['linux/amd64', 'linux/arm64'],
  buildArgs: [['A', '1']],
  labels: [['org.opencontainers.image.version', '1.0.0']],
  secretFiles: [{ id: 'npm', path: '/tmp/hoist-x/secrets/npm' }],
  ssh: [{ id: 'default', paths: ['/tmp/hoist-x/agent.sock'] }],
  cacheFrom: ['ghcr.io/acme/app:cache'],
  cacheTo: ['type=registry,ref=ghcr.io/acme/app:cache,mode=max'],
  noCache: true,
  pull: true,
  addHosts: ['git.acme:10.0.0.5'],
  buildContexts: [
    ['base', 'docker-image://alpine:3.20'],
    ['assets', '/ws/assets'],
  ],
  provenance: 'max',
  sbom: true,
};

describe('renderBuildxArgs', () => {
  it('minimal: an OCI layout directory, and provenance in the safe min mode', () => {
    expect(renderBuildxArgs(plan, '/tmp/hoist-x/oci')).toEqual([
      'buildx',
      'build',
      '--progress=plain',
      '--file',
      '/ws/Dockerfile',
      '--output',
      'type=oci,dest=/tmp/hoist-x/oci,tar=false',
      '--provenance=mode=min',
      '/ws',
    ]);
  });

  it('every option, and a named builder', () => {
    expect(renderBuildxArgs({ ...plan, ...full }, '/o', 'ci-builder')).toEqual([
      'buildx',
      'build',
      '--progress=plain',
      '--builder',
      'ci-builder',
      '--file',
      '/ws/Dockerfile',
      '--output',
      'type=oci,dest=/o,tar=false',
      '--target',
      'runtime',
      '--network',
      'host',
      '--platform',
      'linux/amd64,linux/arm64',
      '--build-arg',
      'A=1',
      '--label',
      'org.opencontainers.image.version=1.0.0',
      '--secret',
      'id=npm,src=/tmp/hoist-x/secrets/npm',
      '--ssh',
      'default=/tmp/hoist-x/agent.sock',
      '--cache-from',
      'ghcr.io/acme/app:cache',
      '--cache-to',
      'type=registry,ref=ghcr.io/acme/app:cache,mode=max',
      '--no-cache',
      '--pull',
      '--add-host',
      'git.acme:10.0.0.5',
      '--build-context',
      'base=docker-image://alpine:3.20',
      '--build-context',
      'assets=/ws/assets',
      '--provenance=mode=max',
      '--sbom=true',
      '/ws',
    ]);
  });

  it('provenance off', () => {
    expect(renderBuildxArgs({ ...plan, provenance: 'false' }, '/o')).toContain('--provenance=false');
  });
});

describe('renderBuildctlArgs', () => {
  it('minimal, against a daemon address', () => {
    expect(renderBuildctlArgs(plan, '/o', 'tcp://buildkitd:1234')).toEqual([
      '--addr',
      'tcp://buildkitd:1234',
      'build',
      '--progress=plain',
      '--frontend',
      'dockerfile.v0',
      '--local',
      'context=/ws',
      '--local',
      'dockerfile=/ws',
      '--opt',
      'filename=Dockerfile',
      '--opt',
      'attest:provenance=mode=min',
      '--output',
      'type=oci,dest=/o,tar=false',
    ]);
  });

  it('every option (daemonless: no address)', () => {
    expect(renderBuildctlArgs({ ...plan, ...full, file: '/ws/docker/app.Dockerfile' }, '/o')).toEqual([
      'build',
      '--progress=plain',
      '--frontend',
      'dockerfile.v0',
      '--local',
      'context=/ws',
      '--local',
      'dockerfile=/ws/docker',
      '--opt',
      'filename=app.Dockerfile',
      '--opt',
      'target=runtime',
      '--opt',
      'force-network-mode=host',
      '--allow',
      'network.host',
      '--opt',
      'platform=linux/amd64,linux/arm64',
      '--opt',
      'build-arg:A=1',
      '--opt',
      'label:org.opencontainers.image.version=1.0.0',
      '--secret',
      'id=npm,src=/tmp/hoist-x/secrets/npm',
      '--ssh',
      'default=/tmp/hoist-x/agent.sock',
      '--import-cache',
      'type=registry,ref=ghcr.io/acme/app:cache',
      '--export-cache',
      'type=registry,ref=ghcr.io/acme/app:cache,mode=max',
      '--no-cache',
      '--opt',
      'image-resolve-mode=pull',
      '--opt',
      'add-hosts=git.acme=10.0.0.5',
      '--opt',
      'context:base=docker-image://alpine:3.20',
      '--local',
      'assets=/ws/assets',
      '--opt',
      'context:assets=local:assets',
      '--opt',
      'attest:provenance=mode=max',
      '--opt',
      'attest:sbom=',
      '--output',
      'type=oci,dest=/o,tar=false',
    ]);
  });

  it('never puts a secret value in argv: only the file path', () => {
    const args = renderBuildctlArgs({ ...plan, secretFiles: [{ id: 'token', path: '/p/token' }] }, '/o').join(' ');
    expect(args).toContain('id=token,src=/p/token');
  });

  it('hands the annotations to the exporter at their levels, a comma in a value quoted', () => {
    const annotations = [
      { levels: ['manifest' as const], key: 'org.x', value: 'plain', prefix: '' },
      { levels: ['index' as const, 'manifest-descriptor' as const], key: 'org.v', value: 'acme, inc', prefix: 'index,manifest-descriptor' },
      { levels: ['manifest' as const], platform: 'linux/arm64', key: 'com.arch', value: 'arm', prefix: 'manifest[linux/arm64]' },
    ];
    const args = renderBuildctlArgs({ ...plan, annotations }, '/o');
    expect(args.slice(-2)).toEqual([
      '--output',
      'type=oci,dest=/o,tar=false,annotation.org.x=plain,"annotation-index.org.v=acme, inc","annotation-manifest-descriptor.org.v=acme, inc",annotation-manifest[linux/arm64].com.arch=arm',
    ]);
    const buildx = renderBuildxArgs({ ...plan, annotations }, '/o');
    expect(buildx.filter((_, i) => buildx[i - 1] === '--annotation')).toEqual([
      'org.x=plain',
      'index,manifest-descriptor:org.v=acme, inc',
      'manifest[linux/arm64]:com.arch=arm',
    ]);
  });

  it('passes shm-size, ulimit, allow, no-cache-filters and attests to buildx and buildctl as each spells them', () => {
    const extras = {
      shmSize: 2 * 1024 ** 3,
      ulimits: ['nofile=1024:2048'],
      allow: ['security.insecure'],
      noCacheFilters: ['deps', 'test'],
      attests: ['type=sbom,generator=acme/scanner'],
      call: 'build',
    };
    const p = { ...plan, extras, sbom: true };
    const buildx = renderBuildxArgs(p, '/o');
    const after = (flag: string, args: string[]) => args.filter((_, i) => args[i - 1] === flag);
    expect(after('--shm-size', buildx)).toEqual([String(2 * 1024 ** 3)]);
    expect(after('--ulimit', buildx)).toEqual(['nofile=1024:2048']);
    expect(after('--allow', buildx)).toEqual(['security.insecure']);
    expect(after('--no-cache-filter', buildx)).toEqual(['deps,test']);
    expect(after('--attest', buildx)).toEqual(['type=sbom,generator=acme/scanner']);
    expect(buildx).not.toContain('--sbom=true'); // the attests line of that type says it all
    const buildctl = renderBuildctlArgs(p, '/o');
    expect(after('--opt', buildctl)).toEqual(
      expect.arrayContaining([
        `shm-size=${2 * 1024 ** 3}`,
        'ulimit=nofile=1024:2048',
        'no-cache=deps,test',
        'attest:sbom=generator=acme/scanner',
        'attest:provenance=mode=min',
      ]),
    );
    expect(after('--opt', buildctl)).not.toContain('attest:sbom=');
    expect(after('--allow', buildctl)).toEqual(['security.insecure']);
  });

  it('runs a frontend method (call: check) with no output, attestations or provenance', () => {
    const args = renderBuildxArgs(
      { ...plan, extras: { ...plan.extras, attests: ['type=sbom'], call: 'check' }, sbom: true },
      '',
      undefined,
      'check,error=true',
    );
    expect(args.slice(0, 7)).toEqual(['buildx', 'build', '--progress=plain', '--file', '/ws/Dockerfile', '--call', 'check,error=true']);
    expect(args.join(' ')).not.toMatch(/--output|--attest|--provenance|--sbom/);
    expect(args[args.length - 1]).toBe('/ws');
  });

  it("keeps buildx's build reference from its metadata file, for build-push-action's buildx.build.ref", async () => {
    const { mkdtemp, readFile, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { initLayout, writeBlobBytes, writeIndex, MediaType } = await import('../oci/layout.js');
    const layoutDir = join(await mkdtemp(join(tmpdir(), 'hoist-unit-')), 'oci');
    const seen: string[][] = [];
    const exec = {
      run: async (_file: string, args: readonly string[]) => {
        seen.push([...args]);
        // What buildx does: the layout, and the metadata file it was told to write.
        await initLayout(layoutDir);
        const config = await writeBlobBytes(layoutDir, Buffer.from('{}'));
        const manifest = Buffer.from(
          JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, ...config }, layers: [] }),
        );
        await writeIndex(layoutDir, [{ mediaType: MediaType.ociManifest, ...(await writeBlobBytes(layoutDir, manifest)) }]);
        await writeFile(
          args[args.indexOf('--metadata-file') + 1]!,
          JSON.stringify({ 'buildx.build.ref': 'ci/ci0/qm2cxy3j9d4t', 'containerimage.digest': 'x' }),
        );
        return { stdout: '', stderr: '' };
      },
      stream: () => {
        throw new Error('not used');
      },
      sink: () => {
        throw new Error('not used');
      },
      stopAll: () => undefined,
    };
    const builder = createBuildxBuilder(exec, {}, undefined, (p) => readFile(p, 'utf8'));
    await builder.build(plan, layoutDir, () => undefined);
    expect(seen[0]![seen[0]!.length - 1]).toBe(plan.context); // the context stays last
    expect(builder.buildRef?.()).toBe('ci/ci0/qm2cxy3j9d4t');
  });
});

/**
 * The gha cache's runtime variables: buildx and buildctl read ACTIONS_RUNTIME_TOKEN and the cache
 * URLs from their environment (buildctl's loadGithubEnv), so they reach the builder's environment
 * only when a type=gha cache is asked for, and never its argv. Nearest real workflow:
 * build-push-action's README cache example (cache-from: type=gha, cache-to: type=gha,mode=max).
 */
describe('the gha cache variables', () => {
  const env = {
    PATH: '/usr/bin',
    ACTIONS_RUNTIME_TOKEN: 'eyJ0eXAi.runtime-token',
    ACTIONS_CACHE_URL: 'https://artifactcache.example/abc/',
    ACTIONS_RESULTS_URL: 'https://results.example/',
    ACTIONS_CACHE_SERVICE_V2: 'True',
    GITHUB_TOKEN: 'ghs_notforbuildkit',
  };
  const childEnvOf = async (which: 'buildx' | 'buildctl', cache: Partial<typeof plan>) => {
    const { childEnvironment } = await import('../effects/exec.js');
    const seen: Array<{ args: readonly string[]; env: Record<string, string> }> = [];
    const exec = {
      run: async (_file: string, args: readonly string[], o: { env?: Record<string, string | undefined>; allowEnv?: RegExp } = {}) => {
        seen.push({ args, env: childEnvironment(o.env, o.allowEnv) });
        throw new Error('stop after the call is seen');
      },
      stream: () => {
        throw new Error('not used');
      },
      sink: () => {
        throw new Error('not used');
      },
      stopAll: () => undefined,
    };
    const { createBuildctlBuilder } = await import('./buildkit.js');
    const builder = which === 'buildx' ? createBuildxBuilder(exec, env, undefined) : createBuildctlBuilder(exec, env, 'tcp://buildkitd:1234', false);
    await builder.build({ ...plan, ...cache }, '/tmp/hoist-x/oci', () => undefined).catch(() => undefined);
    return seen[0]!;
  };

  it.each(['buildx', 'buildctl'] as const)('reach %s with a type=gha cache, in its environment only', async (which) => {
    const { args, env: child } = await childEnvOf(which, { cacheFrom: ['type=gha,scope=app'], cacheTo: ['type=gha,mode=max,scope=app'] });
    expect(child).toMatchObject({
      ACTIONS_RUNTIME_TOKEN: env.ACTIONS_RUNTIME_TOKEN,
      ACTIONS_CACHE_URL: env.ACTIONS_CACHE_URL,
      ACTIONS_RESULTS_URL: env.ACTIONS_RESULTS_URL,
      ACTIONS_CACHE_SERVICE_V2: 'True',
    });
    expect(child.GITHUB_TOKEN).toBeUndefined();
    expect(args.join(' ')).not.toContain('runtime-token');
    expect(args).toContain('type=gha,mode=max,scope=app'); // one entry, as given
  });

  it.each(['buildx', 'buildctl'] as const)('never reach %s without one', async (which) => {
    const { env: child } = await childEnvOf(which, { cacheFrom: ['ghcr.io/acme/app:cache'], cacheTo: ['type=registry,ref=ghcr.io/acme/app:cache,mode=max'] });
    expect(Object.keys(child).filter((k) => k.startsWith('ACTIONS_'))).toEqual([]);
  });

  it('passes cgroup-parent to buildctl as the frontend option', () => {
    expect(renderBuildctlArgs({ ...plan, extras: { ...plan.extras, cgroupParent: 'ci.slice' } }, '/o')).toEqual(
      expect.arrayContaining(['--opt', 'cgroup-parent=ci.slice']),
    );
    expect(renderBuildxArgs({ ...plan, extras: { ...plan.extras, cgroupParent: 'ci.slice' } }, '/o')).toEqual(
      expect.arrayContaining(['--cgroup-parent', 'ci.slice']),
    );
  });
});
