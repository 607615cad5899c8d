// The Action's own release (.github/workflows/release.yml): its major tag moves forward only, on
// a real git repository pushing to a real bare remote — v1.0.0 creates v1, v1.1.0 moves it, the
// backport v1.0.1 leaves it on v1.1.0, v2.0.0 starts v2 and leaves v1 alone, a pre-release is
// refused; a major tag moved elsewhere meanwhile (another release job) fails the lease instead of
// being moved back. The workflow itself passes actionlint (scripts/action.test.ts lints every
// workflow in .github/workflows).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const script = join(import.meta.dirname, 'major-tag.sh');
const env = {
  PATH: '/usr/bin:/bin',
  HOME: tmpdir(),
  GIT_AUTHOR_NAME: 'ci',
  GIT_AUTHOR_EMAIL: 'ci@acme.test',
  GIT_COMMITTER_NAME: 'ci',
  GIT_COMMITTER_EMAIL: 'ci@acme.test',
};

function repository() {
  const root = mkdtempSync(join(tmpdir(), 'hoist-major-'));
  const remote = join(root, 'remote.git');
  const work = join(root, 'work');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, env, encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '-q', '--bare', remote], { env });
  execFileSync('git', ['init', '-q', '-b', 'main', work], { env });
  git('remote', 'add', 'origin', remote);
  let n = 0;
  /** A commit tagged `tag`, pushed as a release job sees it. */
  const release = (tag: string, from = 'main') => {
    if (n > 0) git('checkout', '-q', from); // the first commit makes main
    writeFileSync(join(work, 'n'), String(++n));
    git('add', 'n');
    git('commit', '-qm', tag);
    git('tag', tag);
    git('push', '-q', 'origin', 'HEAD', `refs/tags/${tag}`);
    return git('rev-parse', 'HEAD');
  };
  const move = (tag: string) => spawnSync('bash', [script, tag], { cwd: work, env, encoding: 'utf8' });
  const remoteTag = (tag: string) =>
    execFileSync('git', ['rev-parse', '-q', '--verify', `refs/tags/${tag}^{commit}`], { cwd: remote, env, encoding: 'utf8' }).trim();
  return { git, release, move, remoteTag };
}

describe('the major tag of the Action', () => {
  it('moves forward only: first release, a higher one, a backport, the next major', () => {
    const r = repository();
    const v100 = r.release('v1.0.0');
    expect(r.move('v1.0.0').stdout).toContain('v1 moved to v1.0.0');
    expect(r.remoteTag('v1')).toBe(v100);
    const v110 = r.release('v1.1.0');
    expect(r.move('v1.1.0').status).toBe(0);
    expect(r.remoteTag('v1')).toBe(v110);
    r.git('branch', 'release-1.0', 'v1.0.0');
    r.release('v1.0.1', 'release-1.0'); // a backport, built after v1.1.0
    const back = r.move('v1.0.1');
    expect(back.status).toBe(0);
    expect(back.stdout).toContain('v1 stays where it is: v1.1.0 is higher than v1.0.1');
    expect(r.remoteTag('v1')).toBe(v110);
    const v200 = r.release('v2.0.0', 'main');
    expect(r.move('v2.0.0').status).toBe(0);
    expect(r.remoteTag('v2')).toBe(v200);
    expect(r.remoteTag('v1')).toBe(v110);
    expect(r.move('v2.0.0').stdout).toContain('v2 is already at v2.0.0'); // a re-run
  });

  it('refuses a pre-release, naming why, and moves nothing', () => {
    const r = repository();
    r.release('v1.0.0');
    r.move('v1.0.0');
    r.release('v1.1.0-rc.1');
    const rc = r.move('v1.1.0-rc.1');
    expect(rc.status).toBe(2);
    expect(rc.stderr).toBe("major-tag: 'v1.1.0-rc.1' is not a release tag vX.Y.Z: a pre-release never moves the major tag\n");
    expect(r.remoteTag('v1')).toBe(r.git('rev-parse', 'v1.0.0^{commit}'));
  });

  it('fails rather than move back a major tag another release job moved meanwhile (the lease)', () => {
    const r = repository();
    r.release('v1.0.0');
    r.move('v1.0.0');
    const v110 = r.release('v1.1.0');
    // Another job pushed v1 to v1.1.0's commit after this checkout fetched its tags.
    r.git('push', '-q', '--force', 'origin', `${v110}:refs/tags/v1`);
    r.release('v1.2.0');
    expect(r.move('v1.2.0').status).not.toBe(0);
    expect(r.remoteTag('v1')).toBe(v110);
  });

  it('is what the release workflow runs, on plain release tags, after checking dist/', () => {
    const wf = parse(readFileSync(join(import.meta.dirname, '../.github/workflows/release.yml'), 'utf8')) as {
      on: { push: { tags: string[] } };
      jobs: { release: { steps: Array<{ run?: string; with?: Record<string, unknown> }> } };
    };
    expect(wf.on.push.tags).toEqual(['v[0-9]+.[0-9]+.[0-9]+']);
    const runs = wf.jobs.release.steps.map((s) => s.run ?? '');
    const at = (text: string) => runs.findIndex((r) => r.includes(text));
    expect(at('npm run check-dist')).toBeGreaterThan(-1);
    expect(at('npm run check-dist')).toBeLessThan(at('gh release create'));
    expect(at('gh release create')).toBeLessThan(at('scripts/major-tag.sh'));
    expect(wf.jobs.release.steps[0]!.with).toEqual({ 'fetch-depth': 0 });
  });
});
