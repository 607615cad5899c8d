// The `hoist` command line (dist/cli.js) on the lab, as a developer laptop or a Jenkins agent runs
// it: the release version from the git checkout's tag, a secret from a file, registry passwords
// from HOIST_REGISTRY_AUTH, two registries (plain, TLS with the lab CA), then a promotion to the
// token registry; checked with skopeo. Secret material given as a flag is refused before anything
// runs, with exit code 2.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hoist, lab, leaks, password, skopeoDigest, uniqueRepo } from './lab.js';

const TOKEN = `cli-secret-${Math.random().toString(36).slice(2)}-value`;

/** A git checkout of a small app, its HEAD tagged `tag`. */
async function checkout(tag: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-cli-'));
  const base = `${lab().registries.plain.host}/lab/busybox:1.36`;
  await writeFile(join(dir, 'Dockerfile'), `FROM ${base}\nRUN --mount=type=secret,id=token test -s /run/secrets/token && echo built > /built\n`);
  await writeFile(join(dir, 'token.txt'), `${TOKEN}\n`);
  const git = (...args: string[]) => promisify(execFile)('git', ['-c', 'user.name=dev', '-c', 'user.email=dev@acme.test', ...args], { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('add', 'Dockerfile');
  await git('commit', '-q', '-m', 'app');
  await git('tag', tag);
  return dir;
}

describe('hoist build and hoist promote', () => {
  it('builds from a git checkout, pushes the release tags to two registries, then promotes by digest', async () => {
    const { plain, tls, token } = lab().registries;
    const dir = await checkout('v3.1.4');
    const repo = uniqueRepo('cli/app');
    const tlsPassword = password(tls.passwordFile);
    const r = await hoist(
      [
        'build',
        '--images',
        `${plain.host}/${repo}`,
        `--images=${tls.host}/${repo}`,
        '--secret-files',
        'token=token.txt',
        '--insecure-registries',
        plain.host,
        '--registry-ca',
        `${tls.host}=${tls.ca}`,
        '--json',
      ],
      { cwd: dir, env: { HOIST_REGISTRY_AUTH: `${tls.host}=${tls.username}:${tlsPassword}` } },
    );
    expect(r.stderr).toMatch(/Version 3\.1\.4 \(from the git tag v3\.1\.4\)/);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { ok: boolean; outputs: { digest?: string; tags?: string[]; metadata?: { labels: Record<string, string> } } };
    expect(result.ok).toBe(true);
    const digest = result.outputs.digest!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const sha = (await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
    const tags = ['3', '3.1', '3.1.4', 'latest', `sha-${sha.slice(0, 7)}`]; // a release build gets no branch tag
    expect([...result.outputs.tags!].sort()).toEqual(tags.flatMap((t) => [`${plain.host}/${repo}:${t}`, `${tls.host}/${repo}:${t}`]).sort());
    for (const t of ['3.1.4', 'latest']) {
      expect(await skopeoDigest(`${plain.host}/${repo}:${t}`)).toBe(digest);
      expect(await skopeoDigest(`${tls.host}/${repo}:${t}`, { username: tls.username, passwordFile: tls.passwordFile, certDir: tls.certDir })).toBe(digest);
    }
    const labels = result.outputs.metadata!;
    expect(labels.labels['org.opencontainers.image.version']).toBe('3.1.4');
    expect(labels.labels['org.opencontainers.image.revision']).toBe(sha);
    for (const text of [r.stdout, r.stderr]) {
      expect(leaks(text, TOKEN)).toBe(false);
      expect(leaks(text, tlsPassword)).toBe(false);
    }
    expect((await readdir(dir)).filter((f) => f.startsWith('hoist-'))).toEqual([]); // its private directory is gone

    // Promotion: plain → the token registry, with a human summary on stdout.
    const dest = `${token.host}/${uniqueRepo('cli/production')}`;
    const p = await hoist(
      [
        'promote',
        '--source',
        `${plain.host}/${repo}@${digest}`,
        '--destinations',
        dest,
        '--tags',
        '3.1.4',
        '--tags',
        'stable',
        `--insecure-registries=${plain.host},${token.host}`,
      ],
      {
        cwd: dir,
        // login-action's YAML form, which the bundle parses with yaml loaded on demand.
        env: { HOIST_REGISTRY_AUTH: `- registry: ${token.host}\n  username: ${token.username}\n  password: ${password(token.passwordFile)}\n` },
      },
    );
    expect(p.stderr).not.toContain('YAML does not parse');
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(new RegExp(`^digest +${digest}$`, 'm'));
    expect(p.stdout).toMatch(/^bytes-sent +\d+$/m);
    for (const t of ['3.1.4', 'stable'])
      expect(await skopeoDigest(`${dest}:${t}`, { username: token.username, passwordFile: token.passwordFile })).toBe(digest);
    expect(leaks(p.stdout + p.stderr, password(token.passwordFile))).toBe(false);
  }, 180_000);

  it.each([
    ['--secrets', `token=${TOKEN}`],
    ['--registry-auth', `127.0.0.1:5100=me:${TOKEN}`],
    ['--ssh-key', TOKEN],
  ])(
    'refuses %s as a plain flag before anything runs (exit 2), naming the safe forms',
    async (flag, value) => {
      const dir = await checkout('v1.0.0');
      const repo = `${lab().registries.plain.host}/${uniqueRepo('cli/refused')}`;
      const r = await hoist(['build', '--images', repo, '--insecure-registries', lab().registries.plain.host, flag, value], { cwd: dir });
      expect(r.code).toBe(2);
      const name = flag.slice(2);
      expect(r.stderr).toContain(`hoist: ${flag} would put secret material in argv`);
      expect(r.stderr).toContain(`--${name}-file PATH`);
      expect(r.stderr).toContain(`HOIST_${name.toUpperCase().replaceAll('-', '_')}`);
      expect(leaks(r.stdout + r.stderr, TOKEN)).toBe(false);
      expect(r.stderr).not.toMatch(/Builder:|Build |Push/); // nothing ran
      expect(await skopeoDigest(`${repo}:1.0.0`)).toBeUndefined();
    },
    60_000,
  );

  // The nearest real-world variants: a Jenkins agent whose Docker daemon is down or whose
  // DOCKER_HOST is wrong, a container image without buildah or BuildKit.
  it.each([
    ['a Docker daemon that does not answer', ['--builder', 'docker'], /^error: builder docker: no Docker daemon answers: start one .*, or set DOCKER_HOST$/],
    ['buildah not on PATH', ['--builder', 'buildah'], /^error: builder buildah: buildah is not on PATH: install it/],
    [
      'neither buildctl nor its rootless script on PATH',
      ['--builder', 'buildctl'],
      /^error: builder buildctl: neither buildctl nor buildctl-daemonless\.sh is on PATH/,
    ],
    ['no builder at all', [], /^error: no builder found: .*no Docker daemon answers.*buildah is not on PATH/],
  ])('%s: one line naming the fix, exit 2, no stack trace, nothing pushed', async (_, flags, line) => {
    const dir = await checkout('v1.0.0');
    const repo = `${lab().registries.plain.host}/${uniqueRepo('cli/nobuilder')}`;
    const empty = await mkdtemp(join(tmpdir(), 'hoist-nobin-')); // a PATH with no tools at all
    const r = await hoist(['build', '--images', repo, '--version', '1.0.0', '--insecure-registries', lab().registries.plain.host, ...flags], {
      cwd: dir,
      env: { PATH: empty, DOCKER_HOST: `unix://${join(empty, 'docker.sock')}` },
    });
    expect(r.code).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(line);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(await skopeoDigest(`${repo}:1.0.0`)).toBeUndefined();
  });

  it('names the flag of a bad value, a missing file, an untrusted or refused registry (exit 2), before the build', async () => {
    const dir = await checkout('v1.0.0');
    const {
      plain: { host: plain },
      tls,
    } = lab().registries;
    const bad = await hoist(['build', '--images', `${plain}/${uniqueRepo('cli/bad')}`, '--retries', 'many'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error: --retries: 'many' is not a whole number from 0 to 10/);
    const failed = await hoist(['build', '--images', `${plain}/${uniqueRepo('cli/fail')}`, '--insecure-registries', plain, '--file', 'Missing.Dockerfile'], {
      cwd: dir,
    });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/--file: no Dockerfile at .*Missing\.Dockerfile/);
    // NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment does not turn Hoist's TLS checks off.
    const untrusted = await hoist(['build', '--images', `${tls.host}/${uniqueRepo('cli/noca')}`, '--secret-files', 'token=token.txt'], {
      cwd: dir,
      env: { NODE_TLS_REJECT_UNAUTHORIZED: '0', HOIST_REGISTRY_AUTH: `${tls.host}=${tls.username}:${password(tls.passwordFile)}` },
    });
    // The login check before the build: a registry the step cannot trust is the input's error (exit 2), nothing built.
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toMatch(/TLS certificate is not trusted .*--registry-ca/); // the CLI's dialect
    const refused = await hoist(
      ['build', '--images', `${tls.host}/${uniqueRepo('cli/nologin')}`, '--secret-files', 'token=token.txt', '--registry-ca', `${tls.host}=${tls.ca}`],
      { cwd: dir },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the login was refused before the build/);
  }, 120_000);
});
