// The GitLab build component with the login in DOCKER_AUTH_CONFIG, the CI/CD variable GitLab documents
// for private registries (the runner pulls the job's images with it), and no registry_auth: the push to
// the TLS htpasswd registry logs in with it. Before, Hoist did not read the variable, and the push went
// without a login ("the registry requires a login"). Under gitlab-ci-local with the component's
// template, through the bundle (HOIST_TEST_CLI's directory for a private one). The password is in the
// variable only, never in the job's output.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, lab, leaks, password, ROOT, skopeoDigest, uniqueRepo } from './lab.js';
import { commitComponentProject, runShellPipeline } from '../support/gitlab-ci-local.js';

describe('DOCKER_AUTH_CONFIG in a GitLab job', () => {
  /**
   * Property: the Docker config in DOCKER_AUTH_CONFIG is a login as the machine's Docker config is.
   * Nearest real variant: a project variable DOCKER_AUTH_CONFIG =
   * {"auths":{"registry.acme.internal:5050":{"auth":"<base64 deploy:token>"}}} and images on that registry.
   */
  it('the push to the TLS registry logs in with DOCKER_AUTH_CONFIG, no registry_auth', async () => {
    const { tls, plain } = lab().registries;
    const repo = uniqueRepo('s59/glauth');
    const secret = password(tls.passwordFile);
    const dir = await mkdtemp(join(tmpdir(), 'hoist-s59-glauth-'));
    const node = join(ROOT, 'node_modules/.bin/node');
    const inputs = {
      hoist_command: `${node} ${join(dirname(CLI), 'index.js')}`,
      context: 'app',
      version: '1.0.0',
      images: `${tls.host}/${repo}`,
      registry_ca: `${tls.host}=${tls.ca}`,
      insecure_registries: plain.host,
    };
    const auth = Buffer.from(`${tls.username}:${secret}`).toString('base64');
    await commitComponentProject(dir, {
      templates: ['build'],
      files: { 'app/Dockerfile': `FROM ${plain.host}/lab/busybox:1.36\nRUN echo ${Math.random()} > /n\n` },
      ci: { stages: ['build'], include: [{ local: 'templates/build.yml', inputs }] },
      variables: { DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { [tls.host]: { auth } } }) },
    });
    const env = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: lab().docker.host };
    const { out } = await runShellPipeline(dir, env, 150_000); // ~35 s on a quiet machine; room for a loaded one
    const pushed = await skopeoDigest(`${tls.host}/${repo}:1.0.0`, { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile });
    expect({ passed: /PASS\s+hoist-build/.test(out), pushed: pushed?.startsWith('sha256:') ?? false, leaked: leaks(out, secret) }, out.slice(-1500)).toEqual({
      passed: true,
      pushed: true,
      leaked: false,
    });
  }, 180_000);
});
