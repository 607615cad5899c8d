// Retention never prunes by a time an image does not record. Reproducible builds write a placeholder
// as the image's created time — `buildah build --timestamp 0`, ko, Bazel's rules_oci and
// SOURCE_DATE_EPOCH=0 write 1970-01-01T00:00:00Z (nix's dockerTools 00:00:01) — which says nothing
// of when the image was made. Read as a time, every such image was 56 years old and all equally
// new: `tags prune --keep 1 --match 'sha-*'` kept one chosen by tag name and pruned the others —
// the newest commit's image among them — and said "of unknown age (prune-unknown-age)" though that
// flag was not given. Now such a tag's age is not known: kept unless --prune-unknown-age. The images
// are made by buildah --timestamp 0 and pushed to the lab's plain registry, as a team's CI would.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, run, toolEnv, uniqueRepo } from './lab.js';

async function reproducible(reference: string, content: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-ts0-'));
  await writeFile(join(dir, 'Dockerfile'), `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nRUN echo ${content} > /content\n`);
  await run('buildah', ['build', '-q', '--tls-verify=false', '--timestamp', '0', '-t', reference, dir], toolEnv());
  await run('buildah', ['push', '-q', '--tls-verify=false', reference], toolEnv());
}

describe('tags prune over images whose created time is the 1970 placeholder', () => {
  it('keeps them (age not known) unless --prune-unknown-age; then prunes all but the kept', async () => {
    const host = lab().registries.plain.host;
    const repo = `${host}/${uniqueRepo('prune/ts0')}`;
    for (const t of ['sha-0a1b2c3', 'sha-4d5e6f7', 'sha-8a9b0c1']) await reproducible(`${repo}:${t}`, `${t}-${Math.random()}`);
    const cwd = await mkdtemp(join(tmpdir(), 'hoist-ts0-'));
    const prune = (...more: string[]) =>
      hoist(['tags', 'prune', repo, '--keep', '1', '--match', 'sha-*', '--dry-run', '--json', '--insecure-registries', host, ...more], {
        cwd,
        env: { DOCKER_CONFIG: cwd },
      });
    type Decisions = { decisions: Array<{ tag: string; prune: boolean; why: string }> };
    const kept = await prune();
    expect(kept.code, kept.stderr).toBe(0);
    const decisions = (JSON.parse(kept.stdout) as Decisions).decisions;
    expect(decisions.filter((d) => d.prune)).toEqual([]);
    expect(decisions.filter((d) => /age is not known/.test(d.why))).toHaveLength(2);
    const asked = await prune('--prune-unknown-age');
    expect((JSON.parse(asked.stdout) as Decisions).decisions.filter((d) => d.prune)).toHaveLength(2);
  }, 180_000);
});
