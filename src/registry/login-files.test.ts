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
