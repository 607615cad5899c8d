import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dotenvLines, gitlabInput } from './gitlab.js';

describe('gitlabInput', () => {
  it('reads INPUT_ variables with _ for - (GitLab names cannot hold -)', () => {
    expect(gitlabInput({ INPUT_BUILD_ARGS: 'A=1' }, 'build-args')).toBe('A=1');
    expect(gitlabInput({}, 'build-args')).toBe('');
  });

  it('reads a File-type variable (a path) for ssh-key, and leaves other inputs as they are', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-gl-'));
    const file = join(dir, 'DEPLOY_KEY');
    writeFileSync(file, '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n');
    expect(gitlabInput({ INPUT_SSH_KEY: file }, 'ssh-key')).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(gitlabInput({ INPUT_CONTEXT: dir }, 'context')).toBe(dir);
  });

  it('reads File-type variables for signing-key and signing-key-password (COSIGN_PRIVATE_KEY, COSIGN_PASSWORD as files)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-gl-'));
    writeFileSync(join(dir, 'COSIGN_PRIVATE_KEY'), '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n');
    writeFileSync(join(dir, 'COSIGN_PASSWORD'), 'pw-from-a-file');
    expect(gitlabInput({ INPUT_SIGNING_KEY: join(dir, 'COSIGN_PRIVATE_KEY') }, 'signing-key')).toContain('BEGIN ENCRYPTED SIGSTORE PRIVATE KEY');
    expect(gitlabInput({ INPUT_SIGNING_KEY_PASSWORD: join(dir, 'COSIGN_PASSWORD') }, 'signing-key-password')).toBe('pw-from-a-file');
  });

  /**
   * Property: every secret input may be a File-type variable (its value the file's path). Nearest
   * real-world variant: audit_values: $DEPLOY_TOKENS and registry_auth: $REGISTRY_AUTH made File
   * variables in the project's settings; the job's own CI_REGISTRY login still added to the file's lines.
   */
  it('reads File-type variables for audit-values, registry-auth and secrets; registry-auth still gets the job login', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-gl-'));
    writeFileSync(join(dir, 'DEPLOY_TOKENS'), 'token-one-0123456789\ntoken-two-0123456789\n');
    writeFileSync(join(dir, 'REGISTRY_AUTH'), 'registry.acme.internal=ci-bot:pw-from-a-file\n');
    writeFileSync(join(dir, 'BUILD_SECRETS'), 'npm=npm-token-0123456789\n');
    expect(gitlabInput({ INPUT_AUDIT_VALUES: join(dir, 'DEPLOY_TOKENS') }, 'audit-values')).toBe('token-one-0123456789\ntoken-two-0123456789\n');
    expect(gitlabInput({ INPUT_SECRETS: join(dir, 'BUILD_SECRETS') }, 'secrets')).toBe('npm=npm-token-0123456789\n');
    const env = { CI_REGISTRY: 'registry.gitlab.com', CI_REGISTRY_USER: 'gitlab-ci-token', CI_REGISTRY_PASSWORD: 'job-token-123456' };
    expect(gitlabInput({ ...env, INPUT_REGISTRY_AUTH: join(dir, 'REGISTRY_AUTH') }, 'registry-auth')).toBe(
      'registry.acme.internal=ci-bot:pw-from-a-file\nregistry.gitlab.com=gitlab-ci-token:job-token-123456',
    );
    // A directory is no File-type variable: the value stays as given.
    expect(gitlabInput({ INPUT_AUDIT_VALUES: dir }, 'audit-values')).toBe(dir);
  });

  it('defaults images to CI_REGISTRY_IMAGE and logs in to CI_REGISTRY with the job credentials', () => {
    const env = {
      CI_REGISTRY_IMAGE: 'registry.gitlab.com/acme/app',
      CI_REGISTRY: 'registry.gitlab.com',
      CI_REGISTRY_USER: 'gitlab-ci-token',
      CI_REGISTRY_PASSWORD: 'job-token-123456',
    };
    expect(gitlabInput(env, 'images')).toBe('registry.gitlab.com/acme/app');
    expect(gitlabInput({ ...env, INPUT_IMAGES: 'ghcr.io/a/b' }, 'images')).toBe('ghcr.io/a/b');
    expect(gitlabInput({ ...env, INPUT_REGISTRY_AUTH: 'ghcr.io=u:p' }, 'registry-auth')).toBe(
      'ghcr.io=u:p\nregistry.gitlab.com=gitlab-ci-token:job-token-123456',
    );
    expect(gitlabInput({ ...env, INPUT_REGISTRY_AUTH: 'registry.gitlab.com=deploy:tok' }, 'registry-auth')).toBe('registry.gitlab.com=deploy:tok');
  });

  // Property: the job's own login reaches the project's registry whatever form registry-auth takes,
  // and never takes the place of a login the user gave for it. Nearest real-world variants: a
  // docker/login-action YAML list carried over from GitHub (the job's login was left out: the push
  // to $CI_REGISTRY_IMAGE went without one), a deploy token written https://$CI_REGISTRY=… or with
  // the registry quoted in YAML (the job's token was added after it and won: the deploy token lost).
  it('adds the job login to a YAML list, indented as the list; a login given for CI_REGISTRY in any spelling wins', async () => {
    const env = { CI_REGISTRY: 'registry.gitlab.com', CI_REGISTRY_USER: 'gitlab-ci-token', CI_REGISTRY_PASSWORD: 'job"tok:en#1' };
    const { parse } = await import('yaml');
    for (const list of ['- registry: ghcr.io\n  username: u\n  password: p', '  - registry: ghcr.io\n    username: u\n    password: p\n']) {
      const value = gitlabInput({ ...env, INPUT_REGISTRY_AUTH: list }, 'registry-auth');
      expect(parse(value)).toEqual([
        { registry: 'ghcr.io', username: 'u', password: 'p' },
        { registry: 'registry.gitlab.com', username: 'gitlab-ci-token', password: 'job"tok:en#1' },
      ]);
    }
    for (const given of [
      'https://registry.gitlab.com=deploy:tok',
      'Registry.GitLab.com=deploy:tok',
      'registry.gitlab.com/other/project=deploy:tok',
      '- registry: "registry.gitlab.com"\n  username: deploy\n  password: tok',
      '- username: deploy\n  password: tok\n  registry: https://registry.gitlab.com/',
    ])
      expect(gitlabInput({ ...env, INPUT_REGISTRY_AUTH: given }, 'registry-auth')).toBe(given);
  });

  // Property: the group dependency proxy's login the runner hands every job (CI_DEPENDENCY_PROXY_*)
  // reaches registry-auth, so the build pulls `FROM ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/…`
  // (gitlab.acme:443/…) and its DIRECT form (gitlab.acme/…) with it; a login the user gives for
  // that host wins. Nearest real variant: GitLab's docs' `docker login -u $CI_DEPENDENCY_PROXY_USER
  // -p $CI_DEPENDENCY_PROXY_PASSWORD $CI_DEPENDENCY_PROXY_SERVER` before a docker build.
  it('adds the dependency proxy login, under host:443 and the host alone, after the registry login', async () => {
    const env = {
      CI_REGISTRY: 'registry.gitlab.com',
      CI_REGISTRY_USER: 'gitlab-ci-token',
      CI_REGISTRY_PASSWORD: 'job-token-1',
      CI_DEPENDENCY_PROXY_SERVER: 'gitlab.com:443',
      CI_DEPENDENCY_PROXY_USER: 'gitlab-ci-token',
      CI_DEPENDENCY_PROXY_PASSWORD: 'job-token-1',
    };
    const { parse } = await import('yaml');
    const plain = gitlabInput(env, 'registry-auth');
    const list = gitlabInput({ ...env, INPUT_REGISTRY_AUTH: '- registry: ghcr.io\n  username: u\n  password: p' }, 'registry-auth');
    const own = gitlabInput({ ...env, INPUT_REGISTRY_AUTH: 'gitlab.com:443=deploy:tok\ngitlab.com=deploy:tok' }, 'registry-auth');
    expect({ plain, list: (parse(list) as Array<{ registry: string }>).map((l) => l.registry), own }).toEqual({
      plain: 'registry.gitlab.com=gitlab-ci-token:job-token-1\ngitlab.com:443=gitlab-ci-token:job-token-1\ngitlab.com=gitlab-ci-token:job-token-1',
      list: ['ghcr.io', 'registry.gitlab.com', 'gitlab.com:443', 'gitlab.com'],
      own: 'gitlab.com:443=deploy:tok\ngitlab.com=deploy:tok\nregistry.gitlab.com=gitlab-ci-token:job-token-1',
    });
  });
});

describe('dotenvLines', () => {
  it('writes the outputs later jobs read, one line each', () => {
    expect(
      dotenvLines(
        new Map([
          ['digest', 'sha256:abc'],
          ['tags', 'r/a:1\nr/a:latest'],
          ['version', '1.0.0'],
          ['labels', 'x=y'],
        ]),
      ),
    ).toEqual(['IMAGE_DIGEST=sha256:abc', 'IMAGE_VERSION=1.0.0', 'IMAGE_TAGS=r/a:1,r/a:latest']);
    expect(
      dotenvLines(
        new Map([
          ['bytes-sent', '1024'],
          ['bytes-shared', '2048'],
        ]),
      ),
    ).toEqual(['HOIST_BYTES_SENT=1024', 'HOIST_BYTES_SHARED=2048']);
    expect(dotenvLines(new Map([['signatures', 'r/a:sha256-1.sig\nr/a:sha256-2.sig']]))).toEqual(['IMAGE_SIGNATURES=r/a:sha256-1.sig,r/a:sha256-2.sig']);
  });
});

// Property: the runner's CI_SERVER_TLS_CA_FILE (a self-managed instance's private CA) trusts
// $CI_REGISTRY unless registry_ca names that registry; a file that holds no certificate adds nothing.
describe('registry-ca and the runner’s CI_SERVER_TLS_CA_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-glca-'));
  const ca = join(dir, 'CI_SERVER_TLS_CA_FILE');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const env = { CI_REGISTRY: 'registry.acme.internal:5050', CI_SERVER_TLS_CA_FILE: ca };

  it.each([
    ['no registry_ca', '', `registry.acme.internal:5050=${ca}`],
    ['registry_ca for another registry', 'harbor.acme.internal=/ca.pem', `harbor.acme.internal=/ca.pem\nregistry.acme.internal:5050=${ca}`],
    ['registry_ca naming $CI_REGISTRY itself', 'REGISTRY.acme.internal:5050=/own.pem', 'REGISTRY.acme.internal:5050=/own.pem'],
  ])('%s', (_what, given, expected) => {
    expect(gitlabInput({ ...env, INPUT_REGISTRY_CA: given }, 'registry-ca')).toBe(expected);
  });

  it('a CA file that is missing or holds no certificate adds nothing', () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    expect(gitlabInput({ ...env, CI_SERVER_TLS_CA_FILE: empty }, 'registry-ca')).toBe('');
    expect(gitlabInput({ ...env, CI_SERVER_TLS_CA_FILE: join(dir, 'none') }, 'registry-ca')).toBe('');
  });
});
