// Multi-platform images end to end, on the lab's QEMU user emulation and its amd64 + arm64 base:
// one job building both platforms (the Docker daemon's BuildKit and buildah, one platform at a
// time, the index assembled by Hoist), each platform's image run; a platform without emulation
// refused only when the Dockerfile runs something; and two "runners" pushing by digest, joined by
// merge with the build's forward-only tags — a backport leaves latest alone, a collision writes
// nothing. Attestations are referrers of their images, carried by merge and promotion.
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRepository } from '../../src/core/reference.js';
import { addReferrers } from '../../src/oci/graph.js';
import { pushGraph } from '../../src/push/engine.js';
import { RegistryClient } from '../../src/registry/client.js';
import { testImage } from '../support/images.js';
import { lab, password, ROOT, run, runAction, skopeoDigest, uniqueRepo } from './lab.js';

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

  /**
   * Property: each platform of a one-platform-at-a-time build is an image for that platform. Nearest
   * real variant: a Go service's FROM scratch image built for amd64 and arm64 with buildah, whose layer
   * cache (it does not key on the platform) handed the arm64 build the amd64 image.
   */
  it('buildah, FROM scratch, two platforms: an index of both, each image for its own platform', async () => {
    const image = `${plain.host}/${group}/buildah-scratch`;
    const ws = await workspace(`FROM scratch\nCOPY app.txt /app.txt\n`);
    const inputs = { images: image, tags: 'scratch', builder: 'buildah', platforms: 'linux/amd64,linux/arm64', 'insecure-registries': plain.host };
    // Twice: the second run finds both platforms' steps in buildah's cache.
    for (const _ of [1, 2]) {
      const r = await runAction({ workspace: ws, inputs });
      expect(r.errors).toEqual([]);
      expect(platformsOf(await raw(`${image}:scratch`))).toEqual(['linux/amd64', 'linux/arm64']);
    }
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

describe('attestations stay referrers across registries', () => {
  const { plain, token } = lab().registries;
  const group = uniqueRepo('referrers');

  it('on distribution (no referrers API): a part’s attestation is found by its fallback tag, and merge and promote carry it; the index lists only platforms', async () => {
    const client = new RegistryClient({ host: plain.host, insecure: true, retries: 1, userAgent: 'hoist-test', sleep: async () => {} });
    const options = { clientFor: () => client, concurrency: 4, perHost: 4 };
    // One platform's part with an attestation, as a buildx runner pushes it (the lab has no buildx).
    const part = testImage([4096], undefined, 'arm64');
    const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://slsa.dev/provenance/v0.2', group }));
    const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    const config = Buffer.from('{"architecture":"unknown","os":"unknown"}');
    const attestation = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.docker.attestation.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.in-toto+json', digest: digestOf(statement), size: statement.length }],
        subject: { mediaType: part.graph.root.mediaType, digest: part.graph.root.digest, size: part.graph.root.bytes.length },
      }),
    );
    part.blobs.set(digestOf(config), config);
    part.blobs.set(digestOf(statement), statement);
    const graph = addReferrers(part.graph, [{ digest: digestOf(attestation), mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: attestation }]);
    const [pushed] = await pushGraph(graph, part.source, [{ repository: parseRepository(`${plain.host}/${group}/parts`), tags: [] }], options);
    expect(pushed!.error).toBeUndefined();
    const fallback = `${plain.host}/${group}/parts:${part.graph.root.digest.replace(':', '-')}`;
    expect((await raw(fallback)).manifests.map((m) => m.digest)).toEqual([digestOf(attestation)]);
    const amd = testImage([4096]);
    await pushGraph(amd.graph, amd.source, [{ repository: parseRepository(`${plain.host}/${group}/parts`), tags: [] }], options);
    await client.close();

    const merged = await runAction({
      workspace: ROOT,
      actionFile: join(ROOT, 'merge/action.yml'),
      inputs: {
        images: `${plain.host}/${group}/app`,
        sources: `${plain.host}/${group}/parts@${amd.graph.root.digest}\n${plain.host}/${group}/parts@${part.graph.root.digest}`,
        tags: 'joined',
        'insecure-registries': plain.host,
      },
    });
    expect(merged.errors).toEqual([]);
    expect(platformsOf(await raw(`${plain.host}/${group}/app:joined`))).toEqual(['linux/amd64', 'linux/arm64']);
    const tag = part.graph.root.digest.replace(':', '-');
    expect((await raw(`${plain.host}/${group}/app:${tag}`)).manifests.map((m) => m.digest)).toEqual([digestOf(attestation)]);

    const promoted = await runAction({
      workspace: ROOT,
      actionFile: join(ROOT, 'promote/action.yml'),
      inputs: {
        source: `${plain.host}/${group}/app:joined`,
        destinations: `${token.host}/${group}/prod`,
        'registry-auth': `${token.host}=${token.username}:${password(token.passwordFile)}`,
        'insecure-registries': `${plain.host}, ${token.host}`,
      },
    });
    expect(promoted.errors).toEqual([]);
    expect(promoted.log).toMatch(/2 platforms, 1 referrer\)/);
    const auth = await mkdtemp(join(tmpdir(), 'hoist-auth-'));
    await writeFile(
      join(auth, 'auth.json'),
      JSON.stringify({ auths: { [token.host]: { auth: Buffer.from(`${token.username}:${password(token.passwordFile)}`).toString('base64') } } }),
      { mode: 0o600 },
    );
    const atDest = JSON.parse(
      await run('skopeo', ['inspect', '--raw', '--tls-verify=false', '--authfile', join(auth, 'auth.json'), `docker://${token.host}/${group}/prod:${tag}`]),
    ) as Index;
    expect(atDest.manifests.map((m) => m.digest)).toEqual([digestOf(attestation)]);
  }, 300_000);
});
