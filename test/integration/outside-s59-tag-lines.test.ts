// metadata-action's tags lines as people write them, through the CLI bundle (HOIST_TEST_CLI for a
// private one): `hoist push` of an OCI layout (skopeo's copy of the lab's busybox) from a real git
// checkout on a branch, to the lab's plain registry, checked with skopeo.
// - A line that is an expression alone (`{{branch}}`, `build-{{sha}}`) is a raw rule, as
//   metadata-action reads a line without type=; it was taken as a tag and refused (exit 2).
// - A run whose rules make no tag says why (the value that is no version), not only "gets no tag".
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, run, skopeoDigest, uniqueRepo } from './lab.js';

const plain = () => lab().registries.plain.host;
let layoutDir = '';
let sha = '';

beforeAll(async () => {
  layoutDir = await mkdtemp(join(tmpdir(), 'hoist-s59-taglines-'));
  const env = { PATH: '/usr/bin:/bin', HOME: layoutDir, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: layoutDir, env, encoding: 'utf8' });
  git('init', '-q', '-b', 'feature-x');
  git('commit', '-q', '--allow-empty', '-m', 'work');
  sha = git('rev-parse', 'HEAD').trim();
  await run('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${plain()}/lab/busybox:1.36`, `oci:${join(layoutDir, 'layout')}`]);
}, 60_000);

const push = (repo: string, tags: string) =>
  hoist(['push', 'layout', '--images', repo, '--tags', tags, '--insecure-registries', plain(), '--json'], { cwd: layoutDir });

describe('tags lines written as metadata-action reads them', () => {
  /**
   * Property: `{{branch}}` and `build-{{sha}}` alone on a line are rendered, as type=raw would be.
   * Nearest real variant: `tags: |` with `{{branch}}` and `{{branch}}-{{sha}}` under metadata-action's README habits.
   */
  it('{{branch}} and build-{{sha}}: the branch and build-<short sha> tags land', async () => {
    const repo = `${plain()}/${uniqueRepo('s59/taglines')}`;
    const r = await push(repo, '{{branch}}\nbuild-{{sha}}');
    const digest = r.code === 0 ? (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest : 'none';
    expect({ code: r.code, branch: await skopeoDigest(`${repo}:feature-x`), build: await skopeoDigest(`${repo}:build-${sha.slice(0, 7)}`) }).toEqual({
      code: 0,
      branch: digest,
      build: digest,
    });
  }, 60_000);

  /** Property: no tag made is exit 2 with the rule's reason. Nearest real variant: a four-part version `1.2.3.4` in value=. */
  it('type=semver with value=1.2.3.4: exit 2 saying it is no semantic version', async () => {
    const r = await push(`${plain()}/${uniqueRepo('s59/taglines')}`, 'type=semver,pattern={{version}},value=1.2.3.4');
    expect({ code: r.code, why: r.stderr.includes('1.2.3.4 is not a valid semver') }).toEqual({ code: 2, why: true });
  }, 30_000);
});
