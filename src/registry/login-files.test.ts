// Property: a login the containers tools left on the machine is found as a `docker login` is —
// REGISTRY_AUTH_FILE (podman/buildah/skopeo's auth file, `podman login --authfile`), else their
// default files ($XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json) — in the order
// skopeo reads them; a file that cannot be read or is no JSON is named, the login never in the message.
// Nearest real variants: a GitLab runner with podman (`podman login -u … $CI_REGISTRY` writes
// /run/user/1000/containers/auth.json), a job that exports REGISTRY_AUTH_FILE=$CI_PROJECT_DIR/auth.json.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Credentials } from './auth.js';
import { CredentialError, fetchDockerCredentials, type CredentialSources } from './credentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function machine(files: Record<string, unknown>, env: Record<string, string>): CredentialSources {
  const root = mkdtempSync(join(tmpdir(), 'hoist-logins-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
  }
  const at = (p: string) => p.replace('@', root);
  return {
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, at(v)])),
    readFile: (path) =>
      readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      }),
    runHelper: () => Promise.reject(new Error('no helper here')),
  };
}

const podman = { auths: { 'registry.acme.internal:5000': { auth: b64('ci:p0dman-pass') } } };

describe('the containers tools’ login files', () => {
  it.each([
    ['REGISTRY_AUTH_FILE', { 'job/auth.json': podman }, { REGISTRY_AUTH_FILE: '@/job/auth.json', HOME: '@/home' }],
    ['$XDG_RUNTIME_DIR/containers/auth.json (podman login’s default)', { 'run/containers/auth.json': podman }, { XDG_RUNTIME_DIR: '@/run', HOME: '@/home' }],
    ['~/.config/containers/auth.json', { 'home/.config/containers/auth.json': podman }, { HOME: '@/home' }],
    [
      'a namespaced key (registry/team, as podman login registry/team writes)',
      { 'job/a.json': { auths: { 'registry.acme.internal:5000/team': { auth: b64('ci:p0dman-pass') } } } },
      { REGISTRY_AUTH_FILE: '@/job/a.json' },
    ],
  ])('%s is read', async (_what, files, env) => {
    const found = await fetchDockerCredentials('registry.acme.internal:5000', machine(files, env));
    expect(found?.basic()).toBe(new Credentials('ci', 'p0dman-pass').basic());
  });

  /**
   * Property: in a containers auth file the most specific key that holds the repository is its login
   * (containers-auth.json(5)); a namespace key that does not hold it is not. Nearest real variant:
   * `podman login quay.io/team-a` and `podman login quay.io/team-b` with each team's robot account.
   */
  it.each([
    ['team-b/app', 'robot-b'],
    ['team-a/app', 'robot-a'],
    ['team-a/sub/app', 'robot-a-sub'],
    ['other/app', 'registry-wide'],
  ])('a login per namespace: %s gets %s', async (repository, user) => {
    const auths = {
      'quay.example/team-a': { auth: b64('robot-a:pa') },
      'quay.example/team-b': { auth: b64('robot-b:pb') },
      'quay.example/team-a/sub': { auth: b64('robot-a-sub:ps') },
      'quay.example': { auth: b64('registry-wide:pw') },
    };
    const s = machine({ 'job/auth.json': { auths } }, { REGISTRY_AUTH_FILE: '@/job/auth.json' });
    expect((await fetchDockerCredentials('quay.example', s, repository))?.username).toBe(user);
  });

  it('a namespace key that does not hold the repository is not its login; the Docker config keys by registry only', async () => {
    const files = {
      'job/auth.json': { auths: { 'quay.example/team-a': { auth: b64('robot-a:pa') } } },
      'docker/config.json': { auths: { 'https://quay.example/v1/': { auth: b64('docker-user:pd') } } },
    };
    const s = machine(files, { REGISTRY_AUTH_FILE: '@/job/auth.json', DOCKER_CONFIG: '@/docker' });
    expect([
      (await fetchDockerCredentials('quay.example', s, 'team-b/app'))?.username,
      (await fetchDockerCredentials('quay.example', s, 'team-a/app'))?.username,
    ]).toEqual(['docker-user', 'robot-a']);
  });

  /**
   * Property: GitLab's DOCKER_AUTH_CONFIG (a Docker config as the variable's text, or a File variable's
   * path) is a login source, before the runner's Docker config; a value that is neither is named,
   * never printed. Nearest real variant: the CI/CD variable GitLab documents for private job images,
   * `{"auths":{"registry.acme:5000":{"auth":"<base64 user:password>"}}}`.
   */
  it.each([
    ['as text', {}, JSON.stringify(podman), 'DOCKER_AUTH_CONFIG'],
    ['as a File variable', { 'vars/DOCKER_AUTH_CONFIG': podman }, '@/vars/DOCKER_AUTH_CONFIG', expect.stringContaining('vars/DOCKER_AUTH_CONFIG')],
  ])('DOCKER_AUTH_CONFIG %s is read, before the Docker config', async (_how, files, value, origin) => {
    const all = { ...files, 'docker/config.json': { auths: { 'registry.acme.internal:5000': { auth: b64('old:docker') } } } };
    const s = machine(all, { DOCKER_AUTH_CONFIG: value, DOCKER_CONFIG: '@/docker' });
    const found = await fetchDockerCredentials('registry.acme.internal:5000', s);
    expect([found?.username, found?.origin]).toEqual(['ci', origin]);
  });

  it.each([
    ['JSON that is not', '{"auths": {"registry.acme.internal:5000": {"auth": "Y2k6c2VjcmV0LXZhbHVl"}', 'DOCKER_AUTH_CONFIG is not valid JSON'],
    ['a bare token', 'glpat-secretvalue0123', 'DOCKER_AUTH_CONFIG is neither a Docker config'],
  ])('DOCKER_AUTH_CONFIG holding %s is named, its value never in the message', async (_what, value, message) => {
    const error = await fetchDockerCredentials('registry.acme.internal:5000', machine({}, { DOCKER_AUTH_CONFIG: value })).catch((e: unknown) => e);
    expect([error instanceof CredentialError, (error as Error).message.startsWith(message), (error as Error).message.includes('secret')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('REGISTRY_AUTH_FILE comes before the Docker config, as skopeo reads them; the Docker config serves what it lacks', async () => {
    const files = {
      'job/auth.json': podman,
      'docker/config.json': { auths: { 'registry.acme.internal:5000': { auth: b64('old:docker') }, 'ghcr.io': { auth: b64('octo:ghp') } } },
    };
    const s = machine(files, { REGISTRY_AUTH_FILE: '@/job/auth.json', DOCKER_CONFIG: '@/docker' });
    expect((await fetchDockerCredentials('registry.acme.internal:5000', s))?.username).toBe('ci');
    expect((await fetchDockerCredentials('ghcr.io', s))?.username).toBe('octo');
  });

  it('REGISTRY_AUTH_FILE set before any login (no file yet) holds none, as for podman', async () => {
    expect(await fetchDockerCredentials('ghcr.io', machine({}, { REGISTRY_AUTH_FILE: '@/nothing.json', HOME: '@/home' }))).toBeUndefined();
  });

  it.each([
    ['not JSON', { 'job/auth.json': 'p0dman-pass' }, /REGISTRY_AUTH_FILE=.*job\/auth\.json is not valid JSON: fix or remove it/],
    ['a directory', { 'job/auth.json/x': '{}' }, /REGISTRY_AUTH_FILE=.*auth\.json cannot be read \(EISDIR\)/],
  ])('a REGISTRY_AUTH_FILE that is %s is named, its content never echoed', async (_what, files, message) => {
    const e = await fetchDockerCredentials('ghcr.io', machine(files, { REGISTRY_AUTH_FILE: '@/job/auth.json' })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CredentialError);
    expect((e as Error).message).toMatch(message);
    expect((e as Error).message).not.toContain('p0dman');
  });
});
