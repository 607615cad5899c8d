// The GitLab build component on a self-managed instance with a private CA: the runner hands every job
// that CA as CI_SERVER_TLS_CA_FILE (its tls-ca-file), and the project's registry ($CI_REGISTRY) is
// under it. The push to $CI_REGISTRY_IMAGE failed TLS ('unable to get local issuer certificate')
// unless registry_ca named the registry and the file; now the job's CA trusts the job's registry, as
// the job's login logs in to it. Against the lab: the TLS htpasswd registry stands for $CI_REGISTRY
// (its CA for the runner's), under gitlab-ci-local with the component's template, through the bundle
// (HOIST_TEST_CLI's directory for a private one).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, lab, leaks, password, ROOT, skopeoDigest, uniqueRepo } from './lab.js';
import { commitComponentProject, runShellPipeline } from '../support/gitlab-ci-local.js';

async function pipeline(inputs: Record<string, string>, variables: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-s57-glca-'));
  const node = join(ROOT, 'node_modules/.bin/node');
  const all = { hoist_command: `${node} ${join(dirname(CLI), 'index.js')}`, context: 'app', version: '1.0.0', ...inputs };
  await commitComponentProject(dir, {
    templates: ['build'],
    files: { 'app/Dockerfile': `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nRUN echo ${Math.random()} > /n\n` },
    ci: { stages: ['build'], include: [{ local: 'templates/build.yml', inputs: all }] },
    variables,
  });
  return (await runShellPipeline(dir, { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: lab().docker.host }, 240_000))
    .out;
}

describe("the runner's CI_SERVER_TLS_CA_FILE", () => {
  /**
   * Property: the instance's CA the runner gives the job trusts $CI_REGISTRY with no registry_ca.
   * Nearest real variant: a self-managed GitLab at gitlab.acme.internal, its registry at
   * registry.acme.internal:5050, both under the company CA the runner's config.toml names.
   */
  it('trusts $CI_REGISTRY: the push lands with no registry_ca input', async () => {
    const { tls, plain } = lab().registries;
    const repo = uniqueRepo('s57/glca');
    const tlsPassword = password(tls.passwordFile);
    const out = await pipeline(
      { images: `${tls.host}/${repo}`, insecure_registries: plain.host },
      { CI_REGISTRY: tls.host, CI_REGISTRY_USER: tls.username, CI_REGISTRY_PASSWORD: tlsPassword, CI_SERVER_TLS_CA_FILE: tls.ca },
    );
    const pushed = await skopeoDigest(`${tls.host}/${repo}:1.0.0`, { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile });
    expect(
      { passed: /PASS\s+hoist-build/.test(out), pushed: pushed?.startsWith('sha256:') ?? false, leaked: leaks(out, tlsPassword) },
      out.slice(-2000),
    ).toEqual({
      passed: true,
      pushed: true,
      leaked: false,
    });
  }, 300_000);
});
