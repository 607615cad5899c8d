// examples/: one app per scenario of ../shared/SCENARIOS.md, each built by the action in the lab
// with the inputs its README row names, and its outcome checked.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { lab, leaks, password, ROOT, run, runAction, skopeoDigest, toolEnv, uniqueRepo } from './lab.js';

const TOKEN = `ex-token-${Math.random().toString(36).slice(2)}-value`;
const example = (dir: string, inputs: Record<string, string>, env: Record<string, string> = {}) =>
  runAction({ workspace: ROOT, env, inputs: { context: `examples/${dir}`, ...inputs } });

describe('examples', () => {
  it('1 — a private dependency cloned over SSH, nothing of the key or token in the image', async () => {
    const { plain } = lab().registries;
    const repo = `${plain.host}/${uniqueRepo('ex1/app')}`;
    const key = await readFile(lab().ssh.privateKeyFile, 'utf8');
    const r = await example('1-ssh-private-dependency', {
      images: repo,
      version: '1.0.0',
      'insecure-registries': plain.host,
      network: 'host',
      'no-cache': 'true',
      'ssh-key': key,
      'ssh-known-hosts': await readFile(lab().ssh.knownHostsFile, 'utf8'),
      secrets: `registry_token=${TOKEN}`,
    });
    expect(r.errors).toEqual([]);
    expect(r.log).toMatch(/audit: .* none found/);
    expect((await run(lab().docker.cli, ['run', '--rm', `${repo}@${r.outputs.digest}`], toolEnv())).trim()).toBe(
      `app using ${(await run('git', ['--git-dir', `${lab().dir}/git/private-lib.git`, 'show', 'main:VERSION'])).trim()} of private-lib`,
    );
    expect(leaks(r.log, TOKEN)).toBe(false);
  }, 120_000);

  it('2 — release tags: 2.0.0, 2.1.0, then the backport 1.9.5 leaves 2 and latest alone', async () => {
    const { plain } = lab().registries;
    const repo = `${plain.host}/${uniqueRepo('ex2/app')}`;
    const digests: Record<string, string> = {};
    for (const v of ['2.0.0', '2.1.0', '1.9.5']) {
      const r = await example(
        '2-release-tags',
        { images: repo, 'insecure-registries': plain.host, 'build-args': `RELEASE=${v}`, 'auto-tags': 'version' },
        { GITHUB_REF: `refs/tags/v${v}` },
      );
      expect(r.errors, v).toEqual([]);
      digests[v] = r.outputs.digest!;
    }
    for (const [tag, v] of [
      ['latest', '2.1.0'],
      ['2', '2.1.0'],
      ['2.0', '2.0.0'],
      ['1', '1.9.5'],
      ['1.9', '1.9.5'],
    ] as const) {
      expect(await skopeoDigest(`${repo}:${tag}`), tag).toBe(digests[v]);
    }
  }, 180_000);

  it('3 — one build, three registries with their own credentials', async () => {
    const { plain, tls, token } = lab().registries;
    const name = uniqueRepo('ex3/app');
    const r = await example('3-many-registries', {
      images: `${plain.host}/${name}, ${tls.host}/${name}, ${token.host}/${name}`,
      version: '3.0.0',
      'insecure-registries': `${plain.host}, ${token.host}`,
      'registry-ca': `${tls.host}=${tls.ca}`,
      'registry-auth': `${tls.host}=${tls.username}:${password(tls.passwordFile)}\n${token.host}=${token.username}:${password(token.passwordFile)}`,
    });
    expect(r.errors).toEqual([]);
    expect(await skopeoDigest(`${plain.host}/${name}:3.0.0`)).toBe(r.outputs.digest);
    expect(await skopeoDigest(`${tls.host}/${name}:3.0.0`, { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile })).toBe(
      r.outputs.digest,
    );
    expect(await skopeoDigest(`${token.host}/${name}:3.0.0`, { username: token.username, passwordFile: token.passwordFile })).toBe(r.outputs.digest);
  }, 120_000);

  it('4 — public base, private application: the public registry gets only the base, proven', async () => {
    const { plain, token } = lab().registries;
    const name = uniqueRepo('ex4');
    const r = await example('4-public-base-private-app', {
      images: `${plain.host}/${name}/app-base target=app-base visibility=public\n${token.host}/${name}/app`,
      version: '1.0.0',
      'insecure-registries': `${plain.host}, ${token.host}`,
      'registry-auth': `${token.host}=${token.username}:${password(token.passwordFile)}`,
    });
    expect(r.errors).toEqual([]);
    const meta = JSON.parse(r.outputs.metadata ?? '{}') as { privateBytesKeptPrivate: number; images: Array<{ repository: string; digest: string }> };
    expect(meta.privateBytesKeptPrivate).toBeGreaterThan(0);
    expect(await skopeoDigest(`${plain.host}/${name}/app-base:1.0.0`)).toBe(meta.images[0]!.digest);
    expect(await skopeoDigest(`${plain.host}/${name}/app:1.0.0`)).toBeUndefined();
  }, 120_000);

  it('5 — golden bases: a pinned golden base passes and is recorded; any other base is refused', async () => {
    const { plain } = lab().registries;
    const digest = (await skopeoDigest(`${plain.host}/lab/busybox:1.36`))!;
    const golden = `${plain.host}/lab/busybox:1.36@${digest}`;
    const policy = { 'allowed-base-images': `${plain.host}/lab/*`, 'require-pinned-base': 'true', 'insecure-registries': plain.host };
    const ok = await example('5-golden-base', {
      images: `${plain.host}/${uniqueRepo('ex5/app')}`,
      version: '1.0.0',
      'build-args': `GOLDEN=${golden}`,
      ...policy,
    });
    expect(ok.errors).toEqual([]);
    expect(JSON.parse(ok.outputs.metadata ?? '{}').labels['org.opencontainers.image.base.digest']).toBe(digest);
    const refused = await example('5-golden-base', {
      images: `${plain.host}/${uniqueRepo('ex5/app')}`,
      version: '1.0.0',
      'build-args': 'GOLDEN=docker.io/library/alpine:latest',
      ...policy,
    });
    expect(refused.errors.join('\n')).toMatch(/Dockerfile:\d+: FROM docker.io\/library\/alpine:latest is not an allowed base image/);
  }, 120_000);

  it('6 — a registry of our own: TLS from a private CA, a password, checks on', async () => {
    const { tls } = lab().registries;
    const repo = `${tls.host}/${uniqueRepo('ex6/app')}`;
    const r = await example('6-own-registry', {
      images: repo,
      version: '1.0.0',
      'registry-ca': `${tls.host}=${tls.ca}`,
      'registry-auth': `${tls.host}=${tls.username}:${password(tls.passwordFile)}`,
      'insecure-registries': lab().registries.plain.host,
    });
    expect(r.errors).toEqual([]);
    expect(await skopeoDigest(`${repo}:1.0.0`, { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile })).toBe(r.outputs.digest);
  }, 120_000);
});
