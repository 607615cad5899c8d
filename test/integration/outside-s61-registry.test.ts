// Registry habits of crane, cosign, docker and containerd, through the CLI bundle (HOIST_TEST_CLI
// for a private one) against the lab's registries.
// - inspect --platform linux/arm64/v8 (docker's and containerd's name for arm64) of an index whose
//   entry says linux/arm64 (as BuildKit writes it): "has no linux/arm64/v8 image" (exit 2).
// - tags delete of a digest-pinned reference (`app:1.2@sha256:…`, as crane and cosign print them):
//   told "names no tag", which it does.
// - a push with no login to a registry whose token service gives anonymous pull tokens: blamed
//   "the registry refuses tokens its service issues … check the clocks", where there was no login.
// - a loopback plain-HTTP registry behind HTTPS_PROXY (the lab's tinyproxy), with no
//   insecure-registries: Docker's loopback rule held only without a proxy; behind one it was a bare
//   "write EPROTO … wrong version number" (exit 3).
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, run, skopeoDigest, uniqueRepo } from './lab.js';

const plain = () => lab().registries.plain.host;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-s61-registry-'));
  await run('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${plain()}/lab/busybox:1.36`, `oci:${join(dir, 'layout')}`]);
}, 60_000);

const cli = (args: string[]) => hoist(args, { cwd: dir });

describe('platforms as docker and containerd name them', () => {
  // Property: a variant only one side names does not tell two platforms apart (arm64 = arm64/v8).
  it.each([
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/arm64', 'linux/arm64'],
  ])('inspect --platform %s of a multi-platform image picks its %s image', async (platform, picked) => {
    const r = await cli(['inspect', lab().multiImage.reference, '--platform', platform, '--json']);
    expect({ code: r.code, platform: r.code === 0 ? (JSON.parse(r.stdout) as { image?: { platform: string } }).image?.platform : r.stderr }).toEqual({
      code: 0,
      platform: picked,
    });
  });

  it('inspect --platform linux/arm64/v8 of a one-platform amd64 image still names what it is', async () => {
    const r = await cli(['inspect', `${plain()}/lab/busybox:1.36`, '--platform', 'linux/arm64/v8']);
    expect({ code: r.code, named: r.stderr.includes('has no linux/arm64/v8 image: it is one image, of linux/amd64') }).toEqual({ code: 2, named: true });
  });
});

describe('tags delete of a digest-pinned reference', () => {
  it.each([
    ['repo:tag@digest', (d: string) => `${plain()}/lab/busybox:1.36@${d}`, `pins a digest: tags delete removes a tag by its name`],
    ['repo@digest', (d: string) => `${plain()}/lab/busybox@${d}`, 'names an image by digest, no tag: tags delete removes tags'],
  ])('%s: exit 2 saying what it does and what to give, nothing deleted', async (_what, ref, message) => {
    const digest = (await skopeoDigest(`${plain()}/lab/busybox:1.36`))!;
    const r = await cli(['tags', 'delete', ref(digest), '--dry-run']);
    expect({ code: r.code, named: r.stderr.includes(message), still: await skopeoDigest(`${plain()}/lab/busybox:1.36`) }).toEqual({
      code: 2,
      named: true,
      still: digest,
    });
  });
});

describe('a push with no login to a registry with anonymous pull tokens', () => {
  it('says no login was found and how to give one, not the clocks', async () => {
    const token = lab().registries.token.host;
    const r = await cli(['push', join(dir, 'layout'), '--images', `${token}/${uniqueRepo('outside-s61/anon')}`, '--version', '1.0.0', '--audit', 'off']);
    // Since session 62 the push right is checked before anything is converted (an upload opened and cancelled): exit 2.
    expect({
      code: r.code,
      named: r.stderr.includes(`no login was found for ${token}, and anonymous access may not push there`),
      clocks: r.stderr.includes('clocks'),
    }).toEqual({ code: 2, named: true, clocks: false });
  });
});

describe('a loopback plain-HTTP registry behind an HTTP proxy', () => {
  it('is used over plain HTTP as without the proxy, through the proxy, said once', async () => {
    const proxy = lab().proxy.url;
    const repo = `${plain()}/${uniqueRepo('outside-s61/proxied')}`;
    const r = await hoist(['push', join(dir, 'layout'), '--images', repo, '--version', '1.0.0', '--audit', 'off'], {
      cwd: dir,
      env: { HTTPS_PROXY: proxy, HTTP_PROXY: proxy },
    });
    const log = await readFile(lab().proxy.log, 'utf8');
    expect({
      code: r.code,
      said: r.stderr.includes(`${plain()}: a loopback registry that answers in plain HTTP: using HTTP, as Docker does`),
      proxied: log.includes(`http://${repo.replace(plain(), `${plain()}/v2`)}/manifests/1.0.0`),
      pushed: await skopeoDigest(`${repo}:1.0.0`),
    }).toEqual({ code: 0, said: true, proxied: true, pushed: expect.stringMatching(/^sha256:/) });
  });
});
