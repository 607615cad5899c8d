import { describe, expect, it } from 'vitest';
import { Credentials } from './auth.js';
import { CredentialError, fetchDockerCredentials, type CredentialSources } from './credentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function sources(config: unknown, helpers: Record<string, (server: string) => string> = {}): CredentialSources & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    env: { HOME: '/home/runner', DOCKER_CONFIG: '/tmp/docker-cfg' },
    readFile: async (path) => (path === '/tmp/docker-cfg/config.json' ? (typeof config === 'string' ? config : JSON.stringify(config)) : undefined),
    runHelper: async (helper, server) => {
      asked.push(`${helper} ${server}`);
      const h = helpers[helper];
      if (!h) throw new Error(`docker-credential-${helper} was not found: install it or put it on PATH`);
      return h(server);
    },
  };
}

describe('fetchDockerCredentials', () => {
  it('reads what docker/login-action writes (auths with base64 auth), by bare host or URL key', async () => {
    const s = sources({ auths: { 'ghcr.io': { auth: b64('octo:ghp_secret') }, 'https://registry.acme.internal/v1/': { auth: b64('ci:pw:with:colons') } } });
    expect((await fetchDockerCredentials('ghcr.io', s))?.basic()).toBe(new Credentials('octo', 'ghp_secret').basic());
    expect((await fetchDockerCredentials('registry.acme.internal', s))?.basic()).toBe(new Credentials('ci', 'pw:with:colons').basic());
    expect(await fetchDockerCredentials('quay.io', s)).toBeUndefined();
  });

  it('finds Docker Hub under its historical key whatever name the image uses', async () => {
    const s = sources({ auths: { 'https://index.docker.io/v1/': { username: 'hubuser', password: 'hubpass' } } });
    expect((await fetchDockerCredentials('docker.io', s))?.username).toBe('hubuser');
    expect((await fetchDockerCredentials('registry-1.docker.io', s))?.username).toBe('hubuser');
  });

  it('asks the credential helper named for the registry, then the default store', async () => {
    const s = sources(
      { credHelpers: { '123.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login' }, credsStore: 'pass' },
      {
        'ecr-login': () => JSON.stringify({ ServerURL: 'x', Username: 'AWS', Secret: 'ecr-token' }),
        pass: () => JSON.stringify({ ServerURL: 'x', Username: '<token>', Secret: 'refresh-token' }),
      },
    );
    const ecr = await fetchDockerCredentials('123.dkr.ecr.eu-west-1.amazonaws.com', s);
    expect(ecr?.basic()).toBe(new Credentials('AWS', 'ecr-token').basic());
    expect(ecr?.origin).toMatch(/docker-credential-ecr-login/);
    const other = await fetchDockerCredentials('docker.io', s);
    expect(other?.kind).toBe('identity-token');
    expect(s.asked).toEqual(['ecr-login 123.dkr.ecr.eu-west-1.amazonaws.com', 'pass https://index.docker.io/v1/']);
  });

  it('treats "credentials not found" from a helper as none, and other helper failures as errors', async () => {
    const notFound = sources(
      { credsStore: 'desktop' },
      {
        desktop: () => {
          throw new Error('exited with code 1: credentials not found in native keychain');
        },
      },
    );
    expect(await fetchDockerCredentials('ghcr.io', notFound)).toBeUndefined();
    const missing = sources({ credsStore: 'osxkeychain' });
    await expect(fetchDockerCredentials('ghcr.io', missing)).rejects.toThrow(/docker-credential-osxkeychain .*failed for ghcr.io: .*not found/);
  });

  it('keeps identity tokens as refresh tokens, and refuses a config that is not JSON', async () => {
    const s = sources({ auths: { 'myregistry.azurecr.io': { identitytoken: 'eyJ-refresh' } } });
    const c = await fetchDockerCredentials('myregistry.azurecr.io', s);
    expect(c?.kind).toBe('identity-token');
    expect(c?.refreshGrant('svc', ['repository:a:pull'], 'hoist').get('refresh_token')).toBe('eyJ-refresh');
    expect(JSON.stringify(c)).not.toContain('eyJ-refresh');
    await expect(fetchDockerCredentials('ghcr.io', sources('{not json'))).rejects.toBeInstanceOf(CredentialError);
  });
});

// Property: a Docker config that cannot be read is an error naming the setting and the fix. Nearest
// real-world variant: DOCKER_CONFIG set to the file (~/.docker/config.json), as REGISTRY_AUTH_FILE
// is for podman — it was a bare "ENOTDIR: not a directory, open …/config.json/config.json".
describe('a Docker config that cannot be read', () => {
  it('DOCKER_CONFIG naming the file: the setting and the directory to give', async () => {
    const notDir = Object.assign(new Error('ENOTDIR: not a directory'), { code: 'ENOTDIR' });
    const sources = { env: { DOCKER_CONFIG: '/home/ci/.docker/config.json' }, readFile: () => Promise.reject(notDir), runHelper: () => Promise.resolve('') };
    await expect(fetchDockerCredentials('ghcr.io', sources)).rejects.toThrow(
      'DOCKER_CONFIG=/home/ci/.docker/config.json names a file: it is the directory that holds config.json — set DOCKER_CONFIG=/home/ci/.docker',
    );
  });
});
