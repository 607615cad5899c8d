// `hoist inspect REF` on the shipped dist/cli.js against the lab registry, checked with skopeo: a
// two-platform index (digest, platforms, --raw bytes hashing to the digests shown), an image Hoist
// built (its base, labels, env names but never values), a signature-like referrer, and the error
// classes (no such image / platform: 2, registry down: 3). Nearest real-world variants: `crane
// digest`, `crane manifest | jq`, `regctl image inspect`, checking what a tag holds before a deploy.
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRepository } from '../../src/core/reference.js';
import { RegistryClient } from '../../src/registry/client.js';
import { hoist, lab, run, uniqueRepo } from './lab.js';

const cwd = tmpdir();
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const plain = () => lab().registries.plain.host;

/** stdout as bytes (hoist's helper decodes it as text: fine for JSON, exact for ASCII manifests). */
const raw = async (args: string[]) => {
  const r = await hoist(args, { cwd });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

describe('hoist inspect', () => {
  it('a two-platform index: digest and platforms as skopeo reads them; --raw bytes hash to the digests shown', async () => {
    const ref = lab().multiImage.reference;
    const served = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
    const j = JSON.parse(await raw(['inspect', ref, '--json'])) as {
      digest: string;
      mediaType: string;
      size: number;
      platforms: Array<{ platform: string; digest: string }>;
      image: { platform: string; digest: string; config: { digest: string; env: string[] }; layers: number; size: number };
      labels: Record<string, string>;
      referrers: unknown[];
    };
    expect(j.digest).toBe(sha(served));
    expect(j.mediaType).toBe((JSON.parse(served) as { mediaType: string }).mediaType);
    expect(j.size).toBe(Buffer.byteLength(served));
    expect(j.platforms.map((p) => p.platform).sort()).toEqual([...lab().multiImage.platforms].sort());
    expect(j.image.platform).toBe(j.platforms[0]!.platform);
    expect(typeof j.image.size).toBe('number');
    expect(j.referrers).toEqual([]);
    expect(sha(await raw(['inspect', ref, '--raw', 'manifest']))).toBe(j.digest);
    const arm = j.platforms.find((p) => p.platform === 'linux/arm64')!;
    expect(sha(await raw(['inspect', ref, '--raw', 'manifest', '--platform', 'linux/arm64']))).toBe(arm.digest);
    const config = await raw(['inspect', ref, '--raw', 'config']);
    expect(sha(config)).toBe(j.image.config.digest);
    expect(JSON.parse(config)).toEqual(JSON.parse(await run('skopeo', ['inspect', '--config', '--raw', '--tls-verify=false', `docker://${ref}`])));
    const human = await raw(['inspect', ref]);
    expect(human).toMatch(new RegExp(`^digest +${j.digest}$`, 'm'));
    expect(human).toMatch(/^platforms +linux\/(amd64|arm64) +sha256:/m);
  }, 60_000);

  it('an image Hoist built: its base, its labels, env names without values; a referrer is listed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-inspect-'));
    const value = `env-value-${Math.random().toString(36).slice(2)}`;
    await writeFile(join(dir, 'Dockerfile'), `FROM ${plain()}/lab/busybox:1.36\nENV MODE=${value}\nRUN echo x > /x\n`);
    const repo = `${plain()}/${uniqueRepo('inspect/app')}`;
    const b = await hoist(['build', '--images', repo, '--version', '2.3.4', '--audit', 'off', '--insecure-registries', plain(), '--json'], { cwd: dir });
    expect(b.code, b.stderr).toBe(0);
    const digest = (JSON.parse(b.stdout) as { outputs: { digest: string } }).outputs.digest;
    // A signature-like artefact whose subject is the image.
    const c = new RegistryClient({ host: plain(), insecure: true, retries: 0, userAgent: 't' });
    const path = parseRepository(repo).path;
    const empty = Buffer.from('{}');
    await c.uploadBlob(path, { digest: sha(empty), size: 2 }, async function* () {
      yield empty;
    });
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha(empty), size: 2 },
        layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: sha(empty), size: 2 }],
        subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1 },
      }),
    );
    const put = await c.putManifestWithSubject(path, sha(manifest), manifest, 'application/vnd.oci.image.manifest.v1+json');
    // A registry without the referrers API (distribution 2.x): the sha256-<hex> fallback tag, as cosign and Hoist's engine write it.
    if (!put.subject)
      await c.addToReferrersTag(path, digest, [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: sha(manifest),
          size: manifest.length,
          artifactType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        },
      ]);
    await c.close();
    const r = await hoist(['inspect', `${repo}:2.3.4`, '--insecure-registries', plain(), '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      digest: string;
      base: { name: string; digest: string };
      labels: Record<string, string>;
      image: { config: { env: string[] } };
      referrers: Array<{ digest: string; artifactType: string }>;
    };
    expect(j.digest).toBe(digest);
    expect(j.base.name).toBe(`${plain()}/lab/busybox:1.36`);
    expect(j.base.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(j.labels['org.opencontainers.image.version']).toBe('2.3.4');
    expect(j.image.config.env).toContain('MODE');
    expect(j.referrers).toEqual([expect.objectContaining({ digest: sha(manifest), artifactType: 'application/vnd.dev.cosign.simplesigning.v1+json' })]);
    const human = await hoist(['inspect', `${repo}:2.3.4`, '--insecure-registries', plain()], { cwd });
    expect(human.stdout).toMatch(/^base +.*busybox:1\.36@sha256:/m);
    expect(human.stdout).toMatch(/^referrers +sha256:\S+ +application\/vnd\.dev\.cosign/m);
    for (const text of [r.stdout, human.stdout, human.stderr]) expect(text).not.toContain(value); // env values are not printed
  }, 180_000);

  it.each([
    ['no such image', 2, [`${'127.0.0.1:5100'}/inspect/none-${Date.now()}:1`], /no such image in its registry/],
    [
      'no such platform',
      2,
      ['127.0.0.1:5100/lab/busybox-multi:1.36', '--platform', 'linux/s390x'],
      /--platform: .*has no linux\/s390x image: it has linux\/(amd64|arm64)/,
    ],
    ['a malformed --raw', 2, ['127.0.0.1:5100/lab/busybox-multi:1.36', '--raw', 'layers'], /--raw: 'layers' is not manifest or config/],
    ['a registry that is down', 3, ['127.0.0.1:1/a/b:1', '--retries', '0'], /127\.0\.0\.1:1/],
  ])('%s: exit %i', async (_, code, args, message) => {
    const r = await hoist(['inspect', ...(args as string[])], { cwd });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stdout).toBe('');
  });
});
