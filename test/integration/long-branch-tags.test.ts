// Every branch build gets its branch tag, whatever the variant adds: a branch name is cut to leave
// room for tag-prefix/tag-suffix within the registry's 128 characters. Before, a branch of 120+
// characters with tag-suffix -alpine made a 130-character tag and failed the build before it began,
// naming --version (no version was given). The real-world variant: Renovate's and Dependabot's
// branches in a monorepo (`renovate/packages-<path>-<dep>-<range>`), built for an Alpine variant.
// Pushed to the lab's plain registry and read back with skopeo.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, skopeoDigest, uniqueRepo } from './lab.js';

describe('a branch name longer than a tag can hold with the variant', () => {
  it('is pushed under its branch tag cut to 128 characters with the suffix, exit 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-longbranch-'));
    const host = lab().registries.plain.host;
    await writeFile(join(dir, 'Dockerfile'), `FROM ${host}/lab/busybox:1.36\nRUN echo ${Math.random()} > /n\n`);
    const branch = `renovate/packages-web-frontend-${'x'.repeat(100)}-1.x`;
    const repo = `${host}/${uniqueRepo('longbranch/app')}`;
    const r = await hoist(['build', '--images', repo, '--branch', branch, '--tag-suffix=-alpine', '--insecure-registries', host, '--json'], {
      cwd: dir,
      env: { DOCKER_CONFIG: dir },
    });
    expect(r.code, r.stderr).toBe(0);
    const tag = `renovate-packages-web-frontend-${'x'.repeat(100)}`.slice(0, 128 - '-alpine'.length) + '-alpine';
    expect(tag.length).toBe(128);
    expect(await skopeoDigest(`${repo}:${tag}`)).toBe((JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest);
  }, 180_000);
});
