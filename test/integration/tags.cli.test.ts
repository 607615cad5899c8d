// `hoist tags` and `hoist audit` on the lab's registries, checked with skopeo: the seed's exercise
// (four tags pushed, listed, one deleted while the others keep the digest, then all deleted),
// retention of commit tags next to releases, an audit of pushed images, and a registry that
// refuses deletes (nothing half-deleted).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, password, ROOT, run, runAction, skopeoDigest, uniqueRepo } from './lab.js';
import { parseRepository } from '../../src/core/reference.js';
import { pushGraph } from '../../src/push/engine.js';
import { RegistryClient } from '../../src/registry/client.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { releaseImage } from '../support/releases.js';

const plainArgs = () => ['--insecure-registries', lab().registries.plain.host, '--insecure-registries', lab().registries.nodelete.host];
const listTags = async (ref: string) =>
  ((JSON.parse(await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${ref}`])) as { Tags: string[] }).Tags ?? []).sort();

/** Tags `tags` of a new image (its own layer, so its own digest) in `repo`, by skopeo from a layout Hoist did not make. */
async function pushImage(repo: string, tags: string[], content = Math.random().toString(36), extra: string[] = []): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-tags-'));
  await writeFile(join(dir, 'Dockerfile'), `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nRUN echo ${content} > /content\n`);
  const r = await hoist(['build', '--images', repo, ...tags.flatMap((t) => ['--tags', t]), '--auto-tags', 'none', ...plainArgs(), ...extra, '--json'], {
    cwd: dir,
  });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest;
}

/**
 * Tags `tags` of a new image (its own random layer, so its own digest) made at `created` (Unix
 * seconds) in `repo`, pushed by Hoist's push engine without a build: its config carries the
 * created label as Hoist's builds write it (plan/labels.ts). Retention reads only tags, digests
 * and that label; a build per commit cost ~3.5 s each (the prune cases each keep one real build).
 */
async function pushMade(repo: string, tags: string[], created: number): Promise<void> {
  const repository = parseRepository(repo);
  const at = new Date(created * 1000).toISOString().replace(/\.000Z$/, 'Z');
  const image = releaseImage(tags[0]!, `r${created}`, 2048, { 'org.opencontainers.image.created': at });
  const c = new RegistryClient({ host: repository.host, insecure: true, retries: 0, userAgent: 't' });
  await pushGraph(image.graph, image.source, [{ repository, tags }], { clientFor: () => c, concurrency: 4, perHost: 4 });
  await c.close();
}

describe('hoist tags', () => {
  // Property: listing names costs one request per page of the registry's listing, whatever the
  // number of tags; digests (one HEAD per tag) only with --digest. Nearest real-world variant: a
  // repository with a tag per commit (hundreds) listed by a cleanup job.
  it('lists 301 tags in O(pages) requests; --digest reads each tag', async () => {
    const path = uniqueRepo('tags/many');
    const image = releaseImage('1.0.0', 'r');
    const c = new RegistryClient({ host: lab().registries.plain.host, insecure: true, retries: 0, userAgent: 't' });
    await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${lab().registries.plain.host}/${path}`), tags: [] }], {
      clientFor: () => c,
      concurrency: 8,
      perHost: 8,
    });
    const names = Array.from({ length: 301 }, (_, i) => `t${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 16) {
      await Promise.all(names.slice(i, i + 16).map((t) => c.putManifest(path, t, image.graph.root.bytes, image.graph.root.mediaType)));
    }
    await c.close();
    await using counting = await FaultProxy.start(lab().registries.plain.host, {});
    const cwd = tmpdir();
    const list = await hoist(['tags', 'list', `${counting.host}/${path}`, '--insecure-registries', counting.host], { cwd });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.trim().split('\n')).toEqual(names);
    expect(counting.requests).toBeLessThanOrEqual(3); // the ping, and one page (n=1000)
    const before = counting.requests;
    const digests = await hoist(['tags', 'list', `${counting.host}/${path}`, '--digest', '--insecure-registries', counting.host], { cwd });
    expect(digests.stdout.trim()).toBe(`${image.graph.root.digest}  ${names.join(' ')}`);
    expect(counting.requests - before).toBeGreaterThanOrEqual(301);
  }, 120_000);

  it('lists four tags of one digest, deletes 2.1 alone, then deletes the rest', async () => {
    const repo = `${lab().registries.plain.host}/${uniqueRepo('tags/app')}`;
    const digest = await pushImage(repo, ['2.1.106', '2.1', '2', 'latest']);
    const cwd = tmpdir();
    const list = await hoist(['tags', 'list', repo, ...plainArgs()], { cwd });
    expect(list.stdout.trim().split('\n')).toEqual(['2', '2.1', '2.1.106', 'latest']);
    const grouped = await hoist(['tags', 'list', repo, '--digest', ...plainArgs()], { cwd });
    expect(grouped.stdout.trim()).toBe(`${digest}  2 2.1 2.1.106 latest`);
    // Without --digest, --json lists names only (one request per page); with it, each tag's digest and dates.
    const names = JSON.parse((await hoist(['tags', 'list', repo, '--json', ...plainArgs()], { cwd })).stdout) as Array<{ tag: string }>;
    expect(names).toEqual(['2', '2.1', '2.1.106', 'latest'].map((tag) => ({ tag })));
    const json = JSON.parse((await hoist(['tags', 'list', repo, '--json', '--digest', ...plainArgs()], { cwd })).stdout) as Array<{
      tag: string;
      digest: string;
      created?: string;
    }>;
    expect(json.map((t) => [t.tag, t.digest])).toEqual(['2', '2.1', '2.1.106', 'latest'].map((t) => [t, digest]));
    expect(json[0]!.created).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const one = await hoist(['tags', 'delete', `${repo}:2.1`, ...plainArgs()], { cwd });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toContain(`${repo}:2.1: deleted only the tag; ${digest} stays for 2, 2.1.106, latest`);
    expect(await listTags(repo)).toEqual(['2', '2.1.106', 'latest']);
    for (const t of ['2', '2.1.106', 'latest']) expect(await skopeoDigest(`${repo}:${t}`)).toBe(digest);

    const rest = await hoist(['tags', 'delete', `${repo}:2`, `${repo}:2.1.106`, `${repo}:latest`, ...plainArgs()], { cwd });
    expect(rest.code, rest.stderr).toBe(0);
    expect(await listTags(repo)).toEqual([]);
    expect(await skopeoDigest(`${repo}@${digest}`)).toBeUndefined(); // the manifest went with its last tag

    // Property: an empty listing is said on stderr (distribution answers a deleted or mistyped
    // repository as it answers an empty one); stdout stays the (empty) result, the exit 0.
    for (const [name, args] of [
      ['emptied', [repo]],
      ['mistyped', [`${repo}-typo`]],
      ['mistyped, --json --digest', [`${repo}-typo`, '--json', '--digest']],
    ] as const) {
      const empty = await hoist(['tags', 'list', ...args, ...plainArgs()], { cwd });
      expect(empty.code, name).toBe(0);
      expect(empty.stdout.trim(), name).toBe((args as readonly string[]).includes('--json') ? '[]' : '');
      expect(empty.stderr, name).toMatch(new RegExp(`${args[0]}: no tags \\(the registry holds none, or knows no such repository\\)`));
    }
  }, 180_000);

  it('prunes commit tags to the newest 3, keeping both releases, one of which shares a pruned-looking commit tag', async () => {
    const repo = `${lab().registries.plain.host}/${uniqueRepo('tags/prune')}`;
    const commits: string[] = [];
    for (let i = 0; i < 12; i++) {
      const tag = `sha-${String(i).padStart(2, '0')}${Math.random().toString(16).slice(2, 7)}`;
      const tags = i === 1 ? [tag, '1.0.0'] : [tag]; // the release 1.0.0 is this old commit's image
      const created = 1_764_000_000 + i * 3600; // an hour apart
      // The newest commit is a real `hoist build --created`: retention orders it by what a build writes.
      await (i === 11 ? pushImage(repo, tags, undefined, ['--created', String(created)]) : pushMade(repo, tags, created));
      commits.push(tag);
    }
    await pushMade(repo, ['2.0.0'], 1_764_000_000 + 12 * 3600);
    const cwd = tmpdir();
    const dry = await hoist(['tags', 'prune', repo, '--keep', '3', '--match', 'sha-*', '--dry-run', ...plainArgs()], { cwd });
    expect(dry.code, dry.stderr).toBe(0);
    expect(await listTags(repo)).toHaveLength(14); // a dry run changes nothing
    const r = await hoist(['tags', 'prune', repo, '--keep', '3', '--match', 'sha-*', ...plainArgs()], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`keep ${commits[1]}: its image is also tagged outside the match (a release): kept`);
    expect(await listTags(repo)).toEqual([...commits.slice(9), commits[1]!, '1.0.0', '2.0.0'].sort());
  }, 300_000);

  it('runs as the prune sub-action (prune/action.yml): outputs what went and what stayed', async () => {
    const repo = `${lab().registries.plain.host}/${uniqueRepo('tags/action')}`;
    for (let i = 0; i < 4; i++) {
      const tags = i === 1 ? [`sha-${i}`, '3.0.0'] : [`sha-${i}`];
      const created = 1_764_000_000 + i * 60;
      await (i === 3 ? pushImage(repo, tags, undefined, ['--created', String(created)]) : pushMade(repo, tags, created)); // the newest: a real build
    }
    const r = await runAction({
      workspace: tmpdir(),
      actionFile: join(ROOT, 'prune/action.yml'),
      inputs: { repository: repo, keep: '1', match: 'sha-*', 'insecure-registries': lab().registries.plain.host },
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs.pruned!.split('\n')).toEqual(['sha-0', 'sha-2']); // sha-3 is the newest; sha-1 is 3.0.0's image
    expect(await listTags(repo)).toEqual(['3.0.0', 'sha-1', 'sha-3']);
    expect(r.summary).toContain('Pruned 2 of 5 tags');
  }, 120_000);

  it('deletes one tag on a token registry (Bearer tokens with the delete scope), the others staying', async () => {
    const { token } = lab().registries;
    const repo = `${token.host}/${uniqueRepo('tags/token')}`;
    const env = { HOIST_REGISTRY_AUTH: `${token.host}=${token.username}:${password(token.passwordFile)}` };
    const dir = await mkdtemp(join(tmpdir(), 'hoist-tags-'));
    await writeFile(join(dir, 'Dockerfile'), `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nRUN echo ${Math.random()} > /n\n`);
    const built = await hoist(
      ['build', '--images', repo, '--tags', '1.2.3', '--tags', '1.2', '--auto-tags', 'none', ...plainArgs(), '--insecure-registries', token.host, '--json'],
      { cwd: dir, env },
    );
    expect(built.code, built.stderr).toBe(0);
    const r = await hoist(['tags', 'delete', `${repo}:1.2`, '--insecure-registries', token.host], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const list = await hoist(['tags', 'list', repo, '--insecure-registries', token.host], { cwd: dir, env });
    expect(list.stdout.trim().split('\n')).toEqual(['1.2.3']);
  }, 120_000);

  it('refuses on a registry without deletes, naming the setting, and deletes nothing', async () => {
    const repo = `${lab().registries.nodelete.host}/${uniqueRepo('tags/nodelete')}`;
    await pushImage(repo, ['1.0', '1.0.1']);
    const r = await hoist(['tags', 'delete', `${repo}:1.0`, ...plainArgs()], { cwd: tmpdir() });
    expect(r.code).toBe(3); // the registry refused: could not finish
    expect(r.stderr).toMatch(/does not allow deleting manifests .*enable storage\.delete/);
    expect(await listTags(repo)).toEqual(['1.0', '1.0.1']);
  }, 120_000);
});

describe('hoist audit', () => {
  it('fails on a pushed image holding a value, naming layer and file; passes a clean one', async () => {
    const value = `leaked-${Math.random().toString(36).slice(2)}-value`;
    const repo = `${lab().registries.plain.host}/${uniqueRepo('audit/pushed')}`;
    await pushImage(repo, ['leaky'], value);
    const bad = await hoist(['audit', `${repo}:leaky`, ...plainArgs()], { cwd: tmpdir(), env: { HOIST_AUDIT_VALUES: value } });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^HOIST_AUDIT_VALUES line 1 \[sha256 [0-9a-f]{12}…\] in layer sha256:[0-9a-f]{64}.*, content$/m);
    expect(bad.stdout + bad.stderr).not.toContain(value);
    const clean = await hoist(['audit', `${repo}:leaky`, ...plainArgs()], { cwd: tmpdir(), env: { HOIST_AUDIT_VALUES: 'nowhere-in-this-image-42' } });
    expect(clean.code).toBe(0);
  }, 120_000);
});
