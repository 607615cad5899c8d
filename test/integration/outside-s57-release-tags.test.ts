// The release version a monorepo's component tags give, through the bundle (HOIST_TEST_CLI for a
// private one): `hoist push` of an OCI layout (skopeo's copy of the lab's busybox) from a real git
// checkout whose HEAD carries the tags, to the lab's plain registry, checked with skopeo.
// Nearest real variants: release-please / changesets tag each released package of a monorepo at the
// same commit (`app/v1.2.3`, `lib/v2.0.0`); a Jenkins or Buildkite job runs `hoist push` with
// `--version-pattern '^lib/v(.+)$'` and no tag variable (TAG_NAME unset on a branch-triggered build).
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, run, skopeoDigest, uniqueRepo } from './lab.js';

const plain = () => lab().registries.plain.host;

/** A checkout whose one commit carries `tags` (lightweight, as release tools make them), and a layout in it. */
async function checkout(tags: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-s57-mono-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: { PATH: '/usr/bin:/bin', HOME: dir, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
    });
  git('init', '-q', '-b', 'main');
  git('commit', '-q', '--allow-empty', '-m', 'release');
  for (const t of tags) git('tag', t);
  await run('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${plain()}/lab/busybox:1.36`, `oci:${join(dir, 'layout')}`]);
  return dir;
}

describe('a monorepo commit released as two components', () => {
  /**
   * Property: with version-pattern, the release is the tag at HEAD the pattern reads — git describe
   * picks another component's tag (here app/v1.2.3), and the push failed 'does not match'.
   */
  it("--version-pattern '^lib/v(.+)$' pushes lib's 2.0.0 line, never app's 1.2.3", async () => {
    const dir = await checkout(['lib/v2.0.0', 'app/v1.2.3']);
    const repo = `${plain()}/${uniqueRepo('s57/mono')}`;
    const r = await hoist(['push', 'layout', '--images', repo, '--version-pattern', '^lib/v(.+)$', '--insecure-registries', plain(), '--json'], { cwd: dir });
    const digest = r.code === 0 ? (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest : 'none';
    const at = async (tag: string) => (await skopeoDigest(`${repo}:${tag}`)) ?? 'absent';
    expect({ code: r.code, '2.0.0': await at('2.0.0'), '2': await at('2'), '1.2.3': await at('1.2.3') }).toEqual({
      code: 0,
      '2.0.0': digest,
      '2': digest,
      '1.2.3': 'absent',
    });
  }, 120_000);

  /**
   * Property: a component tag without version-pattern names version-pattern and a pattern for it
   * (exit 2, nothing pushed) — it said only that the tag was not a semantic version.
   */
  it('app/v1.2.3 alone, no version-pattern: exit 2 naming --version-pattern with ^app/v(.+)$, nothing pushed', async () => {
    const dir = await checkout(['app/v1.2.3']);
    const repo = `${plain()}/${uniqueRepo('s57/mono')}`;
    const r = await hoist(['push', 'layout', '--images', repo, '--insecure-registries', plain()], { cwd: dir });
    expect({
      code: r.code,
      named: r.stderr.includes("--version-pattern: the git tag 'app/v1.2.3' is a version after a prefix: set --version-pattern to read it, e.g. ^app/v(.+)$"),
      pushed: await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${repo}`]).then(
        () => true,
        () => false,
      ),
    }).toEqual({ code: 2, named: true, pushed: false });
  }, 120_000);
});
