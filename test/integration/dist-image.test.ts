// The Hoist image, built and pushed by Hoist itself: `hoist build` (dist/cli.js) of this
// repository's Dockerfile (the bundle only: .dockerignore), its bases given as build arguments
// since the lab cannot pull node or moby/buildkit. Then the image as a CI system that runs steps in
// containers uses it — `docker run IMAGE tags list …` doing real registry work, `docker run IMAGE
// build …` on a machine without a builder (one line, exit 2) — and as the GitLab components run
// it: a job's shell as given, `node /opt/hoist/dist/index.js`, user 1000. The nearest real-world
// variants: a Buildkite or Tekton step `image: hoist …`, and GitLab's docker executor, which runs
// the entrypoint with its own shell script.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { labBase } from '../support/lab-node-base.js';
import { hoist, lab, ROOT, skopeoDigest, toolEnv, uniqueRepo } from './lab.js';

const execFileAsync = promisify(execFile);

/** `docker run --rm [options] IMAGE args…` on the lab's daemon: exit code and output. */
async function docker(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return execFileAsync('docker', ['run', '--rm', ...args], { env: toolEnv(), maxBuffer: 16 << 20 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('the Hoist image (Dockerfile), built and pushed by Hoist', () => {
  const { plain } = lab().registries;
  const repo = `${plain.host}/${uniqueRepo('hoist-image')}/hoist`;
  let image = '';

  beforeAll(async () => {
    const base = await labBase();
    const tmp = await mkdtemp(`${tmpdir()}/hoist-image-`);
    const r = await hoist(
      [
        'build',
        '--file',
        'Dockerfile',
        '--images',
        repo,
        '--version',
        '0.1.0',
        '--build-args',
        `NODE_IMAGE=${base}`,
        '--build-args',
        `BUILDKIT_IMAGE=${base}`,
        '--build-args',
        'PACKAGES=',
        '--insecure-registries',
        plain.host,
        '--json',
      ],
      { cwd: ROOT, env: { TMPDIR: tmp } },
    );
    if (r.code !== 0) throw new Error(`hoist build of the Dockerfile failed (exit ${r.code}): ${r.stderr}`);
    const digest = (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest;
    if ((await skopeoDigest(`${repo}:0.1.0`)) !== digest) throw new Error(`${repo}:0.1.0 is not at the digest the build output, ${digest}`);
    image = `${repo}@${digest}`;
    await execFileAsync('docker', ['pull', '-q', image], { env: toolEnv() });
  }, 300_000);

  it('runs hoist: with no arguments its help, and any Hoist command', async () => {
    const bare = await docker([image]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(/^Usage: hoist <command>/m);
    const help = await docker([image, 'build', '--help']);
    expect(help.stdout).toContain('--images VALUE');
  });

  it('does registry work from inside the container: tags list of its own repository', async () => {
    const r = await docker(['--network', 'host', image, 'tags', 'list', repo, '--insecure-registries', plain.host]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining(['0.1.0', '0.1', 'latest'])); // 0.x gets no 0 tag by default
  });

  it('a build where the container has no builder (no BuildKit in this base, no daemon): one line, exit 2', async () => {
    const src = await mkdtemp(`${tmpdir()}/hoist-image-src-`);
    await writeFile(`${src}/Dockerfile`, `FROM ${plain.host}/lab/busybox:1.36\n`);
    await chmod(src, 0o755);
    const r = await docker(['-v', `${src}:/src:ro`, '-w', '/src', image, 'build', '--images', `${plain.host}/never/app`, '--version', '1.0.0']);
    expect(r.code).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: no builder found: /);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('serves as the GitLab components’ runtime: a job’s shell as given, the components’ command, user 1000', async () => {
    expect((await docker([image, 'sh', '-c', 'echo "job shell on $(node --version)"'])).stdout.trim()).toBe(`job shell on ${process.version}`);
    const component = await docker(['-e', 'GITLAB_CI=true', image, 'node', '/opt/hoist/dist/index.js']);
    expect(component.code).toBe(1);
    expect(component.stdout + component.stderr).toMatch(/images/); // runs, and names the input it lacks
    expect((await docker([image, 'id', '-u'])).stdout.trim()).toBe('1000');
  });
});
