// Secret inputs given as File-type variables: GitLab writes such a variable's value to a file and
// sets the variable to the file's path (Jenkins' `withCredentials([file(...)])` does the same). The
// `hoist` command's HOIST_AUDIT_VALUES and HOIST_REGISTRY_AUTH, and the GitLab component's
// audit_values, were taken as the path itself: the audit looked for the path, passed, and pushed an
// image holding the tokens in the file; the login line was a file name. Through the shipped bundle
// (HOIST_TEST_CLI for a private one), against the lab's registries and gitlab-ci-local.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, hoist, lab, leaks, localLayout, password, ROOT, skopeoDigest, uniqueRepo } from './lab.js';
import { commitComponentProject, runShellPipeline } from '../support/gitlab-ci-local.js';

const plain = () => lab().registries.plain.host;
const TOKEN = `deploy-token-${Math.random().toString(36).slice(2)}-file`;

/** A layout from `hoist build --push=false`, a token written into one of its layers as a careless RUN does. */
async function leakyLayout(): Promise<{ dir: string; layout: string; valuesFile: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-filevar-'));
  const { layout } = await localLayout(dir, `echo ${TOKEN} > /root/.deploy-token`, ['--tags', 'local', '--audit', 'off']);
  // As GitLab writes a File-type variable: the value, then a newline, in a file of its own.
  const valuesFile = join(dir, 'DEPLOY_TOKENS');
  await writeFile(join(dir, 'DEPLOY_TOKENS'), `${TOKEN}\nanother-token-of-the-team-0123\n`, { mode: 0o600 });
  return { dir, layout, valuesFile };
}

describe('secret inputs as File-type variables', () => {
  /**
   * Property: a secret input whose value is the path of a file is read from the file — the audit
   * looks for the values in it. Nearest real-world variant: the same values given inline
   * (HOIST_AUDIT_VALUES="$DEPLOY_TOKEN"), found the same way; and the push refused, nothing pushed.
   */
  it('hoist audit and hoist push find the tokens of HOIST_AUDIT_VALUES given as a file path, as they do given inline', async () => {
    const { dir, layout, valuesFile } = await leakyLayout();
    const inline = await hoist(['audit', layout], { cwd: dir, env: { HOIST_AUDIT_VALUES: TOKEN } });
    expect(inline.code).toBe(1);
    const fromFile = await hoist(['audit', layout, '--json'], { cwd: dir, env: { HOIST_AUDIT_VALUES: valuesFile } });
    expect(fromFile.code).toBe(1);
    expect(fromFile.stdout).toMatch(/root\/\.deploy-token/);
    expect(leaks(fromFile.stdout + fromFile.stderr, TOKEN)).toBe(false);

    const repo = `${plain()}/${uniqueRepo('filevar/pushed')}`;
    const push = await hoist(['push', layout, '--images', repo, '--tags', 'edge', '--insecure-registries', plain()], {
      cwd: dir,
      env: { HOIST_AUDIT_VALUES: valuesFile },
    });
    expect(push.code).toBe(1);
    expect(await skopeoDigest(`${repo}:edge`)).toBeUndefined();
    expect(leaks(push.stdout + push.stderr, TOKEN)).toBe(false);
  }, 180_000);

  /**
   * Property: HOIST_REGISTRY_AUTH given as the path of a file logs in with the file's lines.
   * Nearest real-world variant: the same line given inline, and a directory's path, which is no
   * file and stays a value (refused as a line that is not REGISTRY=USERNAME:PASSWORD, naming the
   * variable — the registry verbs named a flag --registry-auth that does not exist).
   */
  it('hoist tags list logs in to the TLS registry with HOIST_REGISTRY_AUTH given as a file path', async () => {
    const { tls } = lab().registries;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-filevar-'));
    const line = `${tls.host}=${tls.username}:${password(tls.passwordFile)}`;
    const file = join(dir, 'REGISTRY_AUTH');
    await writeFile(file, `${line}\n`, { mode: 0o600 });
    const repo = `${tls.host}/${uniqueRepo('filevar/none')}`;
    const args = ['tags', 'list', repo, '--registry-ca', `${tls.host}=${tls.ca}`];
    const inline = await hoist(args, { cwd: dir, env: { HOIST_REGISTRY_AUTH: line } });
    expect(inline.code).toBe(0);
    const fromFile = await hoist(args, { cwd: dir, env: { HOIST_REGISTRY_AUTH: file } });
    expect(fromFile.stderr).not.toMatch(/is not REGISTRY=USERNAME:PASSWORD/);
    expect(fromFile.code).toBe(0);
    const directory = await hoist(args, { cwd: dir, env: { HOIST_REGISTRY_AUTH: dir } });
    expect(directory.code).toBe(2);
    expect(directory.stderr).toMatch(/HOIST_REGISTRY_AUTH.*line 1 is not REGISTRY=USERNAME:PASSWORD/);
    for (const r of [inline, fromFile, directory]) expect(leaks(r.stdout + r.stderr, password(tls.passwordFile))).toBe(false);
  }, 60_000);

  /**
   * Property: the GitLab component reads audit_values from a File-type variable and fails the job
   * on a token of the file found in the image, nothing pushed. Nearest real-world variant: the
   * ssh_key input, read from a File-type variable since the component began (gitlab.test.ts).
   */
  it('the GitLab build component fails on a token of audit_values: $TOKENS (a File-type variable), nothing pushed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-gl-filevar-'));
    const image = `${plain()}/${uniqueRepo('filevar/gitlab')}`;
    const node = join(ROOT, 'node_modules/.bin/node');
    const inputs = {
      hoist_command: `${node} ${join(dirname(CLI), 'index.js')}`,
      context: 'app',
      images: image,
      version: '1.2.3',
      insecure_registries: plain(),
      audit_values: '$DEPLOY_TOKENS',
    };
    await commitComponentProject(dir, {
      templates: ['build'],
      files: { 'app/Dockerfile': `FROM ${plain()}/lab/busybox:1.36\nRUN echo ${TOKEN} > /root/.deploy-token\n` },
      ci: { stages: ['build'], include: [{ local: 'templates/build.yml', inputs }] },
      variables: { DEPLOY_TOKENS: { type: 'file', values: { '*': `${TOKEN}\nanother-token-of-the-team-0123\n` } } },
    });
    const out = (
      await runShellPipeline(dir, { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: lab().docker.host }, 240_000)
    ).out;
    expect(out).toMatch(/FAIL\s+hoist-build/);
    expect(out).toMatch(/root\/\.deploy-token/);
    expect(await skopeoDigest(`${image}:1.2.3`)).toBeUndefined();
    expect(leaks(out, TOKEN)).toBe(false);
  }, 300_000);
});
