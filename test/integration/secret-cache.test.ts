// A RUN step that mounts a secret, served from the build cache after the secret changed: said
// (warn), run again (rebuild: the image changes with the secret), or refused (fail: nothing pushed).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab, run, runAction, skopeoDigest, uniqueRepo } from './lab.js';

/** The digest of an image's last layer (the secret step's), as skopeo reads the manifest. */
const lastLayer = async (ref: string) =>
  (JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`])) as { layers: Array<{ digest: string }> }).layers.at(-1)!
    .digest;

describe.each(['docker', 'buildah'])('builder %s: a cached secret step', (builder) => {
  it('is said with warn, built again with rebuild, refused with fail', async () => {
    const { plain } = lab().registries;
    const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
    // A nonce of its own, so the first build is not served from an earlier test's cache.
    await writeFile(
      join(ws, 'Dockerfile'),
      `FROM ${plain.host}/lab/busybox:1.36\nRUN echo ${Math.random()} > /nonce\nRUN --mount=type=secret,id=token sha256sum /run/secrets/token > /token.sum\n`,
    );
    const image = `${plain.host}/${uniqueRepo(`secret-cache/${builder}`)}`;
    const build = (tag: string, token: string, extra: Record<string, string> = {}) =>
      runAction({
        workspace: ws,
        inputs: { images: image, tags: tag, 'auto-tags': 'none', builder, secrets: `token=${token}-0123456789`, 'insecure-registries': plain.host, ...extra },
      });

    const first = await build('one', 'first');
    expect(first.errors).toEqual([]);
    const warned = await build('two', 'second');
    expect(warned.errors).toEqual([]);
    expect(warned.log).toMatch(
      /"RUN --mount=type=secret,id=token sha256sum \/run\/secrets\/token > \/token\.sum" came from the build cache: it ran with an earlier value of the secret/,
    );
    expect(warned.summary).toContain('From the build cache, with an earlier value of a secret');
    expect(await lastLayer(`${image}:two`)).toBe(await lastLayer(`${image}:one`)); // the old secret's layer, shipped again

    const rebuilt = await build('three', 'second', { 'secret-cache': 'rebuild' });
    expect(rebuilt.errors).toEqual([]);
    expect(rebuilt.log).toContain('building again without the cache');
    expect(await lastLayer(`${image}:three`)).not.toBe(await lastLayer(`${image}:one`));

    const refused = await build('four', 'third', { 'secret-cache': 'fail' });
    expect(refused.exitCode).toBe(1);
    expect(refused.errors.join('\n')).toMatch(/^secret-cache: fail — .* nothing was pushed/);
    expect(await skopeoDigest(`${image}:four`)).toBeUndefined();
  }, 300_000);
});
