// The GitLab component project as scripts/catalog.mjs lays it out, run for real: its own
// .gitlab-ci.yml under gitlab-ci-local (shell executor, on the lab), every component included by
// `component:` from the very commit, as the catalog's docs advise. The runtime image is built by
// Hoist's build component from the project's runtime/Dockerfile on local bases (the lab cannot
// pull moby/buildkit or node), and carries Node 24, git, ssh and the bundle; the test build clones
// the lab's private repository over SSH with a secret; a matrix builds two platforms that the
// merge component joins; the promotion takes the test build's digest from its dotenv; prune runs
// dry; a build without push writes an OCI layout that the push component pushes (build once, push
// later). The release job waits for a semver tag.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { labBase } from '../support/lab-node-base.js';
import { lab, leaks, ROOT, run, skopeoDigest, toolEnv, uniqueRepo } from './lab.js';
import { runShellPipeline } from '../support/gitlab-ci-local.js';

const execFileAsync = promisify(execFile);
const SECRET = `catalog-token-${Math.random().toString(36).slice(2)}-value`;

describe('the component project’s own pipeline', () => {
  const { plain } = lab().registries;
  const group = uniqueRepo('catalog');
  const runtime = `${plain.host}/${group}/runtime`;
  const tests = `${plain.host}/${group}/test`;
  let result: { code: number; out: string };
  let sha = '';
  let dir = '';

  beforeAll(async () => {
    const base = await labBase();
    dir = join(await mkdtemp(join(tmpdir(), 'hoist-catalog-')), 'hoist');
    await execFileAsync(process.execPath, [join(ROOT, 'scripts/catalog.mjs'), '0.9.0', dir, runtime]);
    const git = (...args: string[]) => execFileAsync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: dir });
    await git('init', '-q', '-b', 'main');
    // The project's path, which the `component:` includes name: acme/hoist.
    await git('remote', 'add', 'origin', 'git@gitlab.example.com:acme/hoist.git');
    await writeFile(join(dir, '.gitignore'), '.gitlab-ci-local-variables.yml\n.gitlab-ci-local/\n');
    await git('add', '-A');
    await git('commit', '-qm', 'components');
    sha = (await git('rev-parse', 'HEAD')).stdout.trim();
    const variables = {
      // A plain string starting with / would be a File-type variable to gitlab-ci-local: typed, it is text.
      HOIST_RUN: { type: 'variable', values: { '*': `${process.execPath} dist/index.js` } },
      HOIST_BOOTSTRAP_IMAGE: 'the lab runs jobs in its shell',
      HOIST_RUNTIME_IMAGE: runtime,
      HOIST_NODE_IMAGE: base,
      HOIST_BUILDKIT_IMAGE: base,
      HOIST_RUNTIME_PACKAGES: '',
      HOIST_TEST_IMAGE: tests,
      HOIST_TEST_BASE: `${plain.host}/lab/git:1`,
      HOIST_TEST_MULTI_BASE: lab().multiImage.reference,
      HOIST_TEST_GIT_URL: lab().ssh.repoUrl,
      HOIST_TEST_KNOWN_HOSTS: await readFile(lab().ssh.knownHostsFile, 'utf8'),
      HOIST_TEST_NETWORK: 'host',
      HOIST_TEST_INSECURE: plain.host,
      HOIST_TEST_SECRET: SECRET,
      HOIST_TEST_SSH_KEY: { type: 'file', values: { '*': await readFile(lab().ssh.privateKeyFile, 'utf8') } },
    };
    await writeFile(join(dir, '.gitlab-ci-local-variables.yml'), stringify(variables), { mode: 0o600 });
    result = await runShellPipeline(dir, { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: lab().docker.host }, 420_000);
  }, 480_000);

  it('runs every job: the runtime image, then each component tested from the same commit; no release without a tag', () => {
    for (const job of [
      'runtime-image',
      'test-build',
      'test-platforms: \\[amd64\\]',
      'test-platforms: \\[arm64\\]',
      'test-merge',
      'test-promote',
      'test-stale',
      'test-prune',
      'test-layout',
      'test-push',
    ])
      expect(result.out, job).toMatch(new RegExp(`PASS\\s+${job}`));
    expect(result.out).not.toMatch(/PASS\s+release/);
    // GitLab has no job summary page: the summary is a collapsed section of each job's log.
    expect(result.out).toMatch(/test-build +hoist_\d+_started\n(?:test-build +> .*\n)*?test-build +> ### Hoist: `sha256:[a-f0-9]{64}`/);
    expect(result.code).toBe(0);
    expect(leaks(result.out, SECRET)).toBe(false);
  });

  it('runs each component’s job in the runtime image of the commit it was included from (component.sha, in the job body)', async () => {
    const preview = (
      await execFileAsync(
        process.execPath,
        [join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js'), '--preview', '--ignore-schema-paths', '#/definitions/tags/minItems'],
        {
          cwd: dir,
          env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/root' },
          maxBuffer: 16 << 20,
        },
      )
    ).stdout;
    const images = [...preview.matchAll(/^ {2}image:\n {4}name: (\S+)$/gm)].map((m) => m[1]);
    expect(images.filter((i) => i === `${runtime}:commit-${sha}`).length).toBe(8); // test-build, -platforms, -merge, -promote, -stale, -prune, -layout, -push
    expect(images.filter((i) => i !== `${runtime}:commit-${sha}`).sort()).toEqual(['$HOIST_BOOTSTRAP_IMAGE', 'registry.gitlab.com/gitlab-org/cli:latest']);
  });

  it('releases on a plain semver tag only', async () => {
    const list = async (tag: string) =>
      (
        await execFileAsync(
          process.execPath,
          [
            join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js'),
            '--list',
            '--variable',
            `CI_COMMIT_TAG=${tag}`,
            '--ignore-schema-paths',
            '#/definitions/tags/minItems',
          ],
          { cwd: dir, env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/root' } },
        )
      ).stdout;
    expect(await list('v0.9.0')).not.toMatch(/^release\s/m);
    expect(await list('0.9.0')).toMatch(/^release\s+release\s/m);
  });

  it('built the runtime image with Hoist: Node 24, git, ssh and the bundle', async () => {
    const image = `${runtime}:commit-${sha}`;
    const inImage = async (...cmd: string[]) =>
      (await execFileAsync('docker', ['run', '--rm', '--pull', 'always', image, ...cmd], { env: toolEnv() })).stdout.trim();
    expect(await inImage('node', '--version')).toMatch(/^v24\./);
    expect(await inImage('git', '--version')).toMatch(/^git version/);
    expect(await inImage('sh', '-c', 'ssh -V 2>&1')).toMatch(/OpenSSH/);
    // Without inputs the bundle runs and fails naming the input it lacks.
    expect(await inImage('sh', '-c', 'node /opt/hoist/dist/index.js 2>&1; echo "exit $?"')).toMatch(/images[\s\S]*exit 1$/);
    expect(await inImage('id', '-u')).toBe('1000');
  });

  it('promoted the test build by the digest its dotenv handed on, and merged both platforms into one index', async () => {
    const built = await skopeoDigest(`${tests}/app:sha-${sha.slice(0, 7)}`);
    expect(built).toMatch(/^sha256:/);
    expect(await skopeoDigest(`${tests}/promoted:stable`)).toBe(built);
    const index = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${tests}/multi:sha-${sha.slice(0, 7)}`])) as {
      manifests: Array<{ platform: { architecture: string } }>;
    };
    expect(index.manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm64']);
  });

  it('pushed the layout the build without push wrote, by its own digest', async () => {
    // The build's summary names the digest it built; the push job names the layout's; the registry holds it.
    const built = /test-layout +> ### Hoist: `(sha256:[a-f0-9]{64})`/.exec(result.out)?.[1];
    const layout = /test-push +> hoist-layout: \S+ (sha256:[a-f0-9]{64})/.exec(result.out)?.[1];
    expect(built).toMatch(/^sha256:/);
    expect(layout).toBe(built);
    expect(await skopeoDigest(`${tests}/pushed:sha-${sha.slice(0, 7)}`)).toBe(built);
  });
});
