import { describe, expect, it } from 'vitest';
import { renderDockerBuildArgs } from './docker.js';
import { basePlan as plan } from '../../test/support/plan.js';
import type { BuildPlan } from './plan.js';

describe('renderDockerBuildArgs', () => {
  it.each<[string, Partial<BuildPlan>, string[]]>([
    ['minimal', {}, []],
    ['target and network', { target: 'runtime', network: 'host' }, ['--target', 'runtime', '--network', 'host']],
    [
      'build args and labels',
      {
        buildArgs: [
          ['A', '1'],
          ['B', 'x=y'],
        ],
        labels: [['org.opencontainers.image.version', '1.0.0']],
      },
      ['--build-arg', 'A=1', '--build-arg', 'B=x=y', '--label', 'org.opencontainers.image.version=1.0.0'],
    ],
    ['secrets as files', { secretFiles: [{ id: 'npm', path: '/tmp/hoist-x/secrets/npm' }] }, ['--secret', 'id=npm,src=/tmp/hoist-x/secrets/npm']],
    [
      'ssh default and keys',
      {
        ssh: [
          { id: 'default', paths: [] },
          { id: 'git', paths: ['/k/a', '/k/b'] },
        ],
      },
      ['--ssh', 'default', '--ssh', 'git=/k/a,/k/b'],
    ],
    ['local tags', { localTags: ['r/app:1', 'r/app:latest'] }, ['--tag', 'r/app:1', '--tag', 'r/app:latest']],
    [
      'platform, cache, no-cache, pull, hosts',
      { platforms: ['linux/arm64'], cacheFrom: ['r/app:cache'], noCache: true, pull: true, addHosts: ['git.acme:10.0.0.5'] },
      ['--platform', 'linux/arm64', '--cache-from', 'r/app:cache', '--no-cache', '--pull', '--add-host', 'git.acme:10.0.0.5'],
    ],
  ])('%s', (_name, extra, middle) => {
    expect(renderDockerBuildArgs({ ...plan, ...extra })).toEqual([
      'build',
      '--progress=plain',
      '--file',
      '/ws/Dockerfile',
      '--iidfile',
      '/tmp/iid',
      ...middle,
      '/ws',
    ]);
  });
});
