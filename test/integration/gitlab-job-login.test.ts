// The GitLab build component logs in to the project's own registry ($CI_REGISTRY) with the job's
// credentials (CI_REGISTRY_USER / CI_REGISTRY_PASSWORD) whatever form registry_auth takes, and never
// in place of a login the user gave for it. Two variants that failed:
// - registry_auth a docker/login-action YAML list (carried over from a GitHub workflow) for another
//   registry: the job's login was left out, and the push to the project's registry went without one;
// - a deploy token for the project's registry written `https://$CI_REGISTRY=…` (as docker login
//   takes it) while the job's token cannot push there (another project's repository): the job's
//   login was added after it and won, the deploy token silently unused — the push refused.
// Against the lab: the TLS htpasswd registry stands for $CI_REGISTRY, the token registry for the
// other one; the pipeline runs under gitlab-ci-local with the component's template.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, lab, leaks, password, ROOT, skopeoDigest, uniqueRepo } from './lab.js';
import { commitComponentProject, runShellPipeline } from '../support/gitlab-ci-local.js';

async function pipeline(inputs: Record<string, string>, variables: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-gl-login-'));
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

describe("the GitLab component's job login to $CI_REGISTRY", () => {
  it('is added to a docker/login-action YAML list given for another registry: both pushes land', async () => {
    const { tls, token, plain } = lab().registries;
    const repo = uniqueRepo('gllogin/yaml');
    const tlsPassword = password(tls.passwordFile);
    const tokenPassword = password(token.passwordFile);
    const out = await pipeline(
      {
        images: `${tls.host}/${repo}\n${token.host}/${repo}`,
        registry_auth: `- registry: ${token.host}\n  username: ${token.username}\n  password: $OTHER_REGISTRY_PASSWORD\n`,
        registry_ca: `${tls.host}=${tls.ca}`,
        insecure_registries: `${plain.host}, ${token.host}`,
      },
      { CI_REGISTRY: tls.host, CI_REGISTRY_USER: tls.username, CI_REGISTRY_PASSWORD: tlsPassword, OTHER_REGISTRY_PASSWORD: tokenPassword },
    );
    expect(out, out.slice(-3000)).toMatch(/PASS\s+hoist-build/);
    expect(await skopeoDigest(`${tls.host}/${repo}:1.0.0`, { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile })).toMatch(
      /^sha256:/,
    );
    expect(leaks(out, tlsPassword) || leaks(out, tokenPassword)).toBe(false);
  }, 300_000);

  it("keeps a deploy token given as https://$CI_REGISTRY=… over the job's token", async () => {
    const { tls, plain } = lab().registries;
    const repo = uniqueRepo('gllogin/deploy');
    const tlsPassword = password(tls.passwordFile);
    const out = await pipeline(
      {
        images: `${tls.host}/${repo}`,
        registry_auth: `https://${tls.host}=${tls.username}:$DEPLOY_TOKEN`,
        registry_ca: `${tls.host}=${tls.ca}`,
        insecure_registries: plain.host,
      },
      // The job's token has no access here (another project's repository): only the deploy token works.
      { CI_REGISTRY: tls.host, CI_REGISTRY_USER: 'gitlab-ci-token', CI_REGISTRY_PASSWORD: 'job-token-of-another-project', DEPLOY_TOKEN: tlsPassword },
    );
    expect(out, out.slice(-3000)).toMatch(/PASS\s+hoist-build/);
    expect(await skopeoDigest(`${tls.host}/${repo}:1.0.0`, { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile })).toMatch(
      /^sha256:/,
    );
    expect(leaks(out, tlsPassword)).toBe(false);
  }, 300_000);
});
