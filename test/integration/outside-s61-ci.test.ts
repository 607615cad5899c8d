// `hoist` in a CI job's script reads the run from the CI system's variables, as the Action and the
// GitLab components do, through the CLI bundle (HOIST_TEST_CLI for a private one) pushing an OCI
// layout to the lab's plain registry; skopeo reads back the tags.
// Property: a scheduled run (GitHub `on: schedule`, a GitLab pipeline schedule) gets the nightly tags
// the Action gives it; a manual run (workflow_dispatch) does not. It got none: the command line's
// facts said every run was unscheduled. Nearest real-world variant: a nightly workflow whose step is
// `npx hoist-cli push out/layout --images ghcr.io/acme/app` instead of the Action.
// Property: in a GitLab job's script, `hoist` has the job's defaults the components have — the
// project's image (CI_REGISTRY_IMAGE) and the job's login to CI_REGISTRY — and never prints the
// password. It said "no image given", and with --images the push went without a login (refused).
// The lab's token registry stands for $CI_REGISTRY. Nearest real-world variant: GitLab's Docker
// template with `docker build` replaced by `hoist build` and its `docker login` line dropped.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, leaks, password, run, skopeoDigest, uniqueRepo } from './lab.js';

const plain = () => lab().registries.plain.host;
const SHA = '0123456789abcdef0123456789abcdef01234567';
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-s61-ci-'));
  await run('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${plain()}/lab/busybox:1.36`, `oci:${join(dir, 'layout')}`]);
}, 60_000);

const tagsOf = async (repo: string) =>
  ((JSON.parse((await promisify(execFile)('skopeo', ['list-tags', '--tls-verify=false', `docker://${repo}`])).stdout) as { Tags: string[] }).Tags ?? []).sort();

describe('a CI job script’s run, as the CI system says', () => {
  const today = () => new Date().toISOString().slice(0, 10).replaceAll('-', '');
  it.each([
    ['GitHub on: schedule', { GITHUB_ACTIONS: 'true', GITHUB_SHA: SHA, GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'schedule' }, true],
    ['a GitLab pipeline schedule', { GITLAB_CI: 'true', CI_COMMIT_SHA: SHA, CI_COMMIT_BRANCH: 'main', CI_PIPELINE_SOURCE: 'schedule' }, true],
    ['GitHub workflow_dispatch', { GITHUB_ACTIONS: 'true', GITHUB_SHA: SHA, GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'workflow_dispatch' }, false],
  ])('%s: nightly tags only when the run is scheduled', async (_what, env, nightly) => {
    const repo = `${plain()}/${uniqueRepo('outside-s61/ci')}`;
    const days = [today()];
    const r = await hoist(['push', join(dir, 'layout'), '--images', repo, '--audit', 'off'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    days.push(today()); // a run across midnight (UTC) may name either day
    const expected = days.map((day) => ['main', ...(nightly ? ['nightly', `nightly-${day}`] : []), 'sha-0123456'].sort());
    expect(expected).toContainEqual(await tagsOf(repo));
  });
});

describe('a GitLab job script: the job’s image and login, as the components have them', () => {
  const job = (image: string) => {
    const { host, username, passwordFile } = lab().registries.token;
    return {
      GITLAB_CI: 'true',
      CI_COMMIT_SHA: SHA,
      CI_COMMIT_TAG: 'v1.2.3',
      CI_REGISTRY: host,
      CI_REGISTRY_IMAGE: image,
      CI_REGISTRY_USER: username,
      CI_REGISTRY_PASSWORD: password(passwordFile),
    };
  };
  const access = () => ({ username: lab().registries.token.username, passwordFile: lab().registries.token.passwordFile });

  it('hoist push with no --images pushes to $CI_REGISTRY_IMAGE with the job’s login', async () => {
    const image = `${lab().registries.token.host}/${uniqueRepo('outside-s61/gitlab-job')}`;
    const r = await hoist(['push', join(dir, 'layout'), '--audit', 'off'], { cwd: dir, env: job(image) });
    expect({ code: r.code, leaked: leaks(r.stdout + r.stderr, password(lab().registries.token.passwordFile)) }).toEqual({ code: 0, leaked: false });
    expect(await skopeoDigest(`${image}:1.2.3`, access())).toMatch(/^sha256:/);
  });
});
