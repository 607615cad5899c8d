// The login check before the build, on the shipped dist/cli.js against the lab's TLS + htpasswd and
// token registries: a wrong password ends the run in seconds with exit 2, naming the registry and
// the input to fix — nothing built, nothing pushed; the right one (the clean twin) builds and
// pushes; `--push=false` checks nothing; a push target nothing listens on ends the run before the
// build (exit 3; one of several down is a warning: login-check.test.ts). And the CLI's words for inputs: flags, not the Action's input names.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hoist, lab, leaks, password, skopeoDigest, uniqueRepo } from './lab.js';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await rm(dirs.pop()!, { recursive: true, force: true });
});

/** A context whose build prints a marker of its own: seen in the log only when something was built. */
async function context(): Promise<{ dir: string; marker: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-login-'));
  dirs.push(dir);
  const marker = `built-${Math.random().toString(36).slice(2)}`;
  await writeFile(join(dir, 'Dockerfile'), `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nRUN echo ${marker} > /marker\n`);
  return { dir, marker };
}

const WRONG = 'not-the-password-7f3a';

describe('hoist build: the login is checked before the build', () => {
  const { tls, token, plain } = lab().registries;
  const cases = [
    {
      name: 'TLS + htpasswd',
      host: tls.host,
      user: tls.username,
      passwordFile: tls.passwordFile,
      flags: ['--registry-ca', `${tls.host}=${tls.ca}`, '--insecure-registries', plain.host],
      access: { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile },
      said: /\(answered 401\)/,
    },
    {
      name: 'token service',
      host: token.host,
      user: token.username,
      passwordFile: token.passwordFile,
      flags: ['--insecure-registries', `${plain.host},${token.host}`],
      access: { username: token.username, passwordFile: token.passwordFile },
      said: /\(the token service refused the credentials for \S+ \(from HOIST_REGISTRY_AUTH or --registry-auth-file\): [^)]+\)/,
    },
  ];

  it.each(cases)(
    '$name: a wrong password is exit 2 naming the registry and HOIST_REGISTRY_AUTH; nothing built or pushed',
    async (c) => {
      const { dir, marker } = await context();
      const repo = `${c.host}/${uniqueRepo('login/wrong')}`;
      const started = Date.now();
      const r = await hoist(['build', '--images', repo, '--version', '1.0.0', '--retries', '0', ...c.flags], {
        cwd: dir,
        env: { HOIST_REGISTRY_AUTH: `${c.host}=${c.user}:${WRONG}` },
      });
      expect(r.code, r.stderr).toBe(2);
      const error = r.stderr.split('\n').find((l) => l.startsWith('error: '));
      expect(error).toMatch(new RegExp(`^error: HOIST_REGISTRY_AUTH or --registry-auth-file: ${repo}: the login was refused before the build `));
      expect(error).toMatch(c.said);
      expect(error).toContain(`correct the line for ${c.host} in HOIST_REGISTRY_AUTH or --registry-auth-file`);
      expect(leaks(r.stderr + r.stdout, WRONG)).toBe(false);
      expect(r.stderr).not.toContain(marker);
      expect(r.stderr).not.toMatch(/audit:/);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(await skopeoDigest(`${repo}:1.0.0`, c.access)).toBeUndefined();
    },
    60_000,
  );

  it.each(cases)(
    '$name: the right password builds and pushes (the clean twin)',
    async (c) => {
      const { dir, marker } = await context();
      const repo = `${c.host}/${uniqueRepo('login/right')}`;
      const r = await hoist(['build', '--images', repo, '--version', '1.0.0', '--json', ...c.flags], {
        cwd: dir,
        env: { HOIST_REGISTRY_AUTH: `${c.host}=${c.user}:${password(c.passwordFile)}` },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(marker);
      const digest = (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest;
      expect(await skopeoDigest(`${repo}:1.0.0`, c.access)).toBe(digest);
    },
    180_000,
  );

  it('a TLS registry whose CA is not given: exit 2 naming --registry-ca, nothing built', async () => {
    const { dir, marker } = await context();
    const repo = `${tls.host}/${uniqueRepo('login/ca')}`;
    const r = await hoist(['build', '--images', repo, '--version', '1.0.0', '--insecure-registries', plain.host], {
      cwd: dir,
      env: { HOIST_REGISTRY_AUTH: `${tls.host}=${tls.username}:${password(tls.passwordFile)}` },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: --registry-ca: ${repo}: the registry's TLS certificate is not trusted \\([^)]*certificate[^)]*\\): trust its CA with --registry-ca \\(${tls.host}=PATH`,
        'm',
      ),
    );
    expect(r.stderr).not.toContain(marker);
  }, 60_000);

  it('--push=false checks no login: the build runs with a wrong password given', async () => {
    const { dir, marker } = await context();
    const r = await hoist(['build', '--images', `${tls.host}/${uniqueRepo('login/nopush')}`, '--version', '1.0.0', '--push=false', ...cases[0]!.flags], {
      cwd: dir,
      env: { HOIST_REGISTRY_AUTH: `${tls.host}=${tls.username}:${WRONG}` },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(marker);
  }, 180_000);

  it('the only push target cannot be reached: exit 3 before the build, naming it (nothing built)', async () => {
    const { dir, marker } = await context();
    const down = '127.0.0.1:9'; // discard: nothing listens
    const repo = `${down}/${uniqueRepo('login/down')}`;
    const r = await hoist(['build', '--images', repo, '--version', '1.0.0', '--retries', '0', '--insecure-registries', `${plain.host},${down}`], {
      cwd: dir,
      env: { HOIST_REGISTRY_AUTH: `${down}=u:${WRONG}` },
    });
    expect(r.stderr).toContain(`${repo} (ECONNREFUSED: `);
    expect(r.stderr).toContain('the push target could not be reached before the build, so nothing was built');
    expect(r.stderr).not.toContain(marker);
    expect(r.code, r.stderr).toBe(3);
  }, 180_000);
});

describe('the CLI names its flags, not the Action inputs', () => {
  it('no version, no tags, no commit: set --version, --tags, or run on a commit (exit 2)', async () => {
    const { dir } = await context();
    const r = await hoist(['build', '--images', `${lab().registries.plain.host}/${uniqueRepo('login/notag')}`, '--push=false'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^error: --tags: \S+ gets no tag: set --version, --tags, or run on a commit$/m);
  }, 60_000);
});
