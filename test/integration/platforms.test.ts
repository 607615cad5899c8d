// Multi-platform images end to end, on the lab's QEMU user emulation and its amd64 + arm64 base:
// one job building both platforms (the Docker daemon's BuildKit and buildah, one platform at a
// time, the index assembled by Hoist), each platform's image run; a platform without emulation
// refused only when the Dockerfile runs something; and two "runners" pushing by digest, joined by
// merge with the build's forward-only tags — a backport leaves latest alone, a collision writes
// nothing.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab, ROOT, run, runAction, skopeoDigest, uniqueRepo } from './lab.js';

interface Index {
  mediaType: string;
  manifests: Array<{ digest: string; platform: { os: string; architecture: string } }>;
}

const raw = async (reference: string) => JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reference}`])) as Index;
const platformsOf = (index: Index) => index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`);

async function workspace(dockerfile: string): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), 'hoist-mp-'));
  await writeFile(join(ws, 'Dockerfile'), dockerfile);
  await writeFile(join(ws, 'app.txt'), 'the application\n');
  return ws;
}

/** What the image prints when run on `platform` (under emulation for arm64). */
const runOn = (reference: string, platform: string) =>
  run('docker', ['run', '--rm', '--pull', 'always', '--platform', platform, reference]).then((o) => o.trim());

describe('multi-platform images', () => {
  const { plain } = lab().registries;
  const multi = lab().multiImage.reference;
  const group = uniqueRepo('platforms');
  const runArch = `FROM ${multi}\nCOPY app.txt /app.txt\nRUN uname -m > /arch\nCMD ["cat", "/arch"]\n`;

  it.each(['docker', 'buildah'])(
    'builder %s: one job, linux/amd64 + linux/arm64 with a RUN step → one index of exactly those two, each runs on its platform, both audited',
    async (builder) => {
      const image = `${plain.host}/${group}/one-job-${builder}`;
      const r = await runAction({
        workspace: await workspace(runArch),
        inputs: { images: image, tags: 'mp', builder, platforms: 'linux/amd64,linux/arm64', 'insecure-registries': plain.host },
      });
      expect(r.errors).toEqual([]);
      const index = await raw(`${image}:mp`);
      expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      expect(platformsOf(index)).toEqual(['linux/amd64', 'linux/arm64']);
      expect(r.outputs.platforms).toBe('linux/amd64,linux/arm64');
      expect(r.outputs.digest).toBe(await skopeoDigest(`${image}:mp`));
      expect(r.log).toMatch(/audit: linux\/amd64, linux\/arm64: \d+ layers/);
      expect(await runOn(`${image}:mp`, 'linux/amd64')).toBe('x86_64');
      expect(await runOn(`${image}:mp`, 'linux/arm64')).toBe('aarch64');
    },
    300_000,
  );

  it('a platform without emulation: refused before anything is built when the Dockerfile runs something; built when it only copies', async () => {
    const image = `${plain.host}/${group}/no-emulation`;
    const refused = await runAction({
      workspace: await workspace(`FROM scratch\nCOPY app.txt /app.txt\nRUN ["/app.txt"]\n`),
      inputs: { images: image, tags: 'run', builder: 'docker', platforms: 'linux/amd64,linux/s390x', 'insecure-registries': plain.host },
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.errors.join('\n')).toMatch(
      /^Input 'platforms': linux\/s390x on this amd64 machine needs QEMU user emulation for the Dockerfile's RUN step \(line 3\), and \/proc\/sys\/fs\/binfmt_misc has no qemu-s390x entry/,
    );
    expect(refused.log).not.toContain('docker save');
    expect(await skopeoDigest(`${image}:run`)).toBeUndefined();
    const copied = await runAction({
      workspace: await workspace(`FROM scratch\nCOPY app.txt /app.txt\n`),
      inputs: { images: image, tags: 'copy', builder: 'docker', platforms: 'linux/amd64,linux/s390x', 'insecure-registries': plain.host },
    });
    expect(copied.errors).toEqual([]);
    expect(platformsOf(await raw(`${image}:copy`))).toEqual(['linux/amd64', 'linux/s390x']);
  }, 300_000);

  describe('several runners, one image', () => {
    const parts = `${plain.host}/${group}/parts`;
    const app = `${plain.host}/${group}/app`;
    /** One runner: its platform built and pushed by digest (the builder differs per runner, as real fleets do). */
    const runner = async (platform: string, version: string) => {
      const r = await runAction({
        workspace: await workspace(runArch.replace('RUN uname', `RUN echo ${version} > /version && uname`)),
        inputs: {
          images: parts,
          version,
          'push-by-digest': 'true',
          builder: platform.endsWith('arm64') ? 'buildah' : 'docker',
          platforms: platform,
          'insecure-registries': plain.host,
        },
      });
      expect(r.errors).toEqual([]);
      expect(r.outputs.tags).toBe('');
      expect(r.outputs.platforms).toBe(platform);
      return `${parts}@${r.outputs.digest}`;
    };
    const merge = (inputs: Record<string, string>) =>
      runAction({ workspace: ROOT, actionFile: join(ROOT, 'merge/action.yml'), inputs: { images: app, 'insecure-registries': plain.host, ...inputs } });

    it('push-by-digest sets no tag; merge joins both platforms (from sources-dir, as downloaded artifacts) and fans out the tags; a backport leaves latest alone', async () => {
      const amd = await runner('linux/amd64', '2.0.0');
      const arm = await runner('linux/arm64', '2.0.0');
      // The registry's own tag list: none (distribution answers 404 for a repository without tags).
      const listing = await fetch(`http://${parts.replace('/', '/v2/')}/tags/list`);
      expect(listing.status === 404 ? [] : (((await listing.json()) as { tags: string[] | null }).tags ?? [])).toEqual([]);
      const artifacts = await mkdtemp(join(tmpdir(), 'hoist-digests-'));
      await writeFile(join(artifacts, 'linux-amd64'), `${amd}\n`);
      await writeFile(join(artifacts, 'linux-arm64'), `${arm}\n`);
      const merged = await merge({ 'sources-dir': artifacts, version: '2.0.0' });
      expect(merged.errors).toEqual([]);
      expect(merged.outputs.platforms).toBe('linux/amd64,linux/arm64');
      const index = await raw(`${app}:2.0.0`);
      expect(index.manifests.map((m) => `${parts}@${m.digest}`)).toEqual([amd, arm]);
      for (const tag of ['2.0', '2', 'latest']) expect(await skopeoDigest(`${app}:${tag}`)).toBe(merged.outputs.digest);
      expect(await runOn(`${app}:2`, 'linux/arm64')).toBe('aarch64');

      const backport = await merge({ sources: [await runner('linux/amd64', '1.9.5'), await runner('linux/arm64', '1.9.5')].join('\n'), version: '1.9.5' });
      expect(backport.errors).toEqual([]);
      for (const tag of ['1.9.5', '1.9', '1']) expect(await skopeoDigest(`${app}:${tag}`)).toBe(backport.outputs.digest);
      expect(backport.outputs.digest).not.toBe(merged.outputs.digest);
      expect(await skopeoDigest(`${app}:latest`)).toBe(merged.outputs.digest);
      expect(await skopeoDigest(`${app}:2`)).toBe(merged.outputs.digest);
      expect(backport.log).toMatch(/latest not moved/);
    }, 600_000);

    it('a merge of two images of one platform is refused before anything is written', async () => {
      const one = await runner('linux/amd64', '3.0.0');
      const two = await runner('linux/amd64', '3.0.1');
      const refused = await merge({ sources: `${one}\n${two}`, version: '3.0.0' });
      expect(refused.exitCode).toBe(1);
      expect(refused.errors.join('\n')).toBe(`Input 'sources': linux/amd64 twice: ${one} and ${two}; each platform may come from one source only`);
      expect(await skopeoDigest(`${app}:3.0.0`)).toBeUndefined();
    }, 300_000);
  });
});
