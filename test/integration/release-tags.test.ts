// Release tags are not re-pointed at another commit's image, run as a runner runs the action and
// as the `hoist` command (dist), against the lab's registry, checked with skopeo.
// Property: a full-version tag holding an image of revision A is moved by a run of revision B only
// with `release-tags: overwrite`; a re-run of revision A (another digest: builds are not
// reproducible here) moves it; a refused run moves no tag at all.
// Nearest real-world variant: re-running the `v1.4.2` tag's release job after a force-pushed tag,
// or `promote --tags 1.4.2` of the wrong build.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, runAction, skopeoDigest, uniqueRepo } from './lab.js';

const A = 'aaaaaaa111111111111111111111111111111111';
const B = 'bbbbbbb222222222222222222222222222222222';

describe('release-tags (action, dist)', () => {
  let ws: string;
  const repo = () => `${lab().registries.plain.host}/${path}`;
  const path = uniqueRepo('release/app');
  const build = (sha: string, extra: Record<string, string> = {}) =>
    runAction({
      workspace: ws,
      env: { GITHUB_SHA: sha, GITHUB_REF: 'refs/tags/v1.4.2' },
      inputs: { images: repo(), 'insecure-registries': lab().registries.plain.host, 'build-args': `NONCE=${Math.random()}`, ...extra },
    });

  beforeAll(async () => {
    ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
    await writeFile(join(ws, 'Dockerfile'), `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nARG NONCE\nRUN echo "$NONCE" > /nonce\n`);
  });

  it('a re-run of the same commit moves 1.4.2; another commit is refused (naming tag, digest, revision) and moves nothing; overwrite moves it', async () => {
    const first = await build(A);
    expect(first.errors).toEqual([]);
    const rerun = await build(A);
    expect(rerun.errors).toEqual([]);
    expect(rerun.outputs.digest).not.toBe(first.outputs.digest);
    expect(await skopeoDigest(`${repo()}:1.4.2`)).toBe(rerun.outputs.digest);

    const other = await build(B);
    expect(other.exitCode).toBe(1);
    expect(other.errors.join('\n')).toContain(
      `${repo()}:1.4.2 is a release tag and holds ${rerun.outputs.digest}, built from revision ${A}, not this image's revision ${B}: not moved`,
    );
    for (const tag of ['1.4.2', '1.4', '1', 'latest', `sha-${B.slice(0, 7)}`]) {
      expect(await skopeoDigest(`${repo()}:${tag}`), tag).toBe(tag.startsWith('sha-') ? undefined : rerun.outputs.digest);
    }

    const forced = await build(B, { 'release-tags': 'overwrite' });
    expect(forced.errors).toEqual([]);
    for (const tag of ['1.4.2', '1.4', '1', 'latest']) expect(await skopeoDigest(`${repo()}:${tag}`), tag).toBe(forced.outputs.digest);
  }, 300_000);

  it('hoist promote --tags 1.4.2 of another commit is refused; --release-tags overwrite moves it', async () => {
    const dest = `${lab().registries.plain.host}/${uniqueRepo('release/prod')}`;
    const plainArgs = ['--insecure-registries', lab().registries.plain.host];
    const cwd = tmpdir();
    const a = await build(A);
    const first = await hoist(['promote', '--source', `${repo()}@${a.outputs.digest}`, '--destinations', dest, '--tags', '1.4.2', ...plainArgs], { cwd });
    expect(first.code, first.stderr).toBe(0);
    const b = await build(B, { 'release-tags': 'overwrite' });
    const refused = await hoist(['promote', '--source', `${repo()}@${b.outputs.digest}`, '--destinations', dest, '--tags', '1.4.2', ...plainArgs], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${dest}:1.4.2 is a release tag and holds ${a.outputs.digest}, built from revision ${A}`);
    expect(await skopeoDigest(`${dest}:1.4.2`)).toBe(a.outputs.digest);
    const forced = await hoist(
      ['promote', '--source', `${repo()}@${b.outputs.digest}`, '--destinations', dest, '--tags', '1.4.2', '--release-tags', 'overwrite', ...plainArgs],
      { cwd },
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect(await skopeoDigest(`${dest}:1.4.2`)).toBe(b.outputs.digest);
  }, 300_000);
});
