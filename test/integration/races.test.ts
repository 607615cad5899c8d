// Concurrent releases on one repository of the lab's distribution registry, each through its own
// delaying proxy (a seeded random delay before every request: every protocol step — HEAD, upload,
// manifest PUT, tag listing, tag read, tag write — lands in an order no one chose).
// Property: when all releases have ended, every floating tag (major, minor, latest, channel; a
// variant's with its suffix) points at the highest release of its line, and each version tag at
// its own image. Nearest real-world variant: a `git push --tags` of 2.1.0 and 2.2.0 starting two
// release jobs at once, with a CDN or registry mirror adding latency on either path.
import { describe, expect, it } from 'vitest';
import { parseRepository, type Repository } from '../../src/core/reference.js';
import type { Variant } from '../../src/plan/tags.js';
import { pushGraph } from '../../src/push/engine.js';
import { RegistryClient } from '../../src/registry/client.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { expectedFloating, randomVersions, releaseImage, releaseTarget, rng } from '../support/releases.js';
import { hoist, lab, uniqueRepo } from './lab.js';
import { tmpdir } from 'node:os';

const client = (host: string) => new RegistryClient({ host, insecure: true, retries: 3, userAgent: 'hoist-race-test' });

async function releaseThroughProxy(path: string, version: string, seed: number, variant: Variant | undefined, log: string[], seen?: string[]) {
  const random = rng(seed);
  // Up to 60 ms before each request: a release of ~25 requests spreads over about a second.
  await using proxy = await FaultProxy.start(lab().registries.plain.host, {
    stall: () => Math.floor(random() * 60) + 1,
    answer: (q) => void seen?.push(`${q.method} ${q.path}`),
  });
  const c = client(proxy.host);
  try {
    const image = releaseImage(variant ? `${version}${variant.suffix}` : version, `rev-${version}-${seed}`);
    const repository: Repository = parseRepository(`${proxy.host}/${path}`);
    const [report] = await pushGraph(image.graph, image.source, [releaseTarget(repository, version, new Map(), variant)], {
      clientFor: () => c,
      concurrency: 4,
      perHost: 4,
      settleMs: 150,
      log: (l) => log.push(`${version}: ${l}`),
    });
    return { version, digest: image.graph.root.digest, error: report!.error };
  } finally {
    await c.close();
  }
}

async function tagsOf(path: string): Promise<Map<string, string>> {
  const c = client(lab().registries.plain.host);
  const out = new Map<string, string>();
  for (const t of await c.listTags(path)) out.set(t, (await c.resolveTag(path, t))!);
  await c.close();
  return out;
}

describe('floating tags under concurrent releases (distribution, delaying proxies)', () => {
  const trials: Array<{ seed: number; variant?: Variant }> = [
    { seed: 11 },
    { seed: 12 },
    { seed: 13 },
    { seed: 14 },
    { seed: 15, variant: { prefix: '', suffix: '-alpine', prefixOnLatest: false, suffixOnLatest: false } },
    { seed: 16, variant: { prefix: '', suffix: '-alpine', prefixOnLatest: false, suffixOnLatest: true } },
  ];
  for (const { seed, variant } of trials) {
    it(`seed ${seed}${variant ? ` (variant ${variant.suffix}${variant.suffixOnLatest ? ', onlatest' : ''})` : ''}: every floating tag ends on the highest release of its line`, async () => {
      const started = Date.now();
      const random = rng(seed);
      const versions = randomVersions(random, 3 + (seed % 3));
      const path = uniqueRepo('race/app');
      const log: string[] = [];
      const runs = await Promise.all(versions.map((v, i) => releaseThroughProxy(path, v, seed * 1000 + i, variant, log)));
      for (const r of runs) expect(r.error, `${r.version}: ${r.error?.message}`).toBeUndefined();
      const digestOf = new Map(runs.map((r) => [r.version, r.digest]));
      const tags = await tagsOf(path);
      const suffix = variant?.suffix ?? '';
      for (const v of versions) expect(tags.get(`${v}${suffix}`), v).toBe(digestOf.get(v));
      const want = expectedFloating(versions, variant);
      expect(want.size).toBeGreaterThan(0);
      for (const [tag, v] of want) expect(tags.get(tag), `${versions.join(' ')}: ${tag} → ${v}\n${log.join('\n')}`).toBe(digestOf.get(v));
      expect(Date.now() - started).toBeLessThan(60_000); // bounded: delays and re-reads are bounded
    }, 90_000);
  }
});

// The same property with the artefact that ships: `hoist merge` (dist/cli.js) processes at once,
// each joining its own image into an index and tagging it with forward-only floating tags, each
// through its own delaying proxy in front of distribution.
describe('concurrent `hoist merge` releases (dist), delaying proxies', () => {
  it('seed 21: every floating tag ends on the highest release of its line', async () => {
    const random = rng(21);
    const versions = randomVersions(random, 4);
    const path = uniqueRepo('race/merged');
    const staged = uniqueRepo('race/parts');
    const parts = await Promise.all(
      versions.map(async (v) => {
        const image = releaseImage(v, `rev-${v}`);
        const c = client(lab().registries.plain.host);
        const [r] = await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${lab().registries.plain.host}/${staged}`), tags: [] }], {
          clientFor: () => c,
          concurrency: 4,
          perHost: 4,
        });
        await c.close();
        expect(r!.error).toBeUndefined();
        return image.graph.root.digest;
      }),
    );
    const proxies = await Promise.all(
      versions.map((_, i) =>
        FaultProxy.start(lab().registries.plain.host, {
          stall: (
            (r) => () =>
              Math.floor(r() * 60) + 1
          )(rng(2100 + i)),
        }),
      ),
    );
    try {
      const runs = await Promise.all(
        versions.map((v, i) => {
          const host = proxies[i]!.host;
          return hoist(
            [
              'merge',
              '--sources',
              `${host}/${staged}@${parts[i]}`,
              '--images',
              `${host}/${path}`,
              '--version',
              v,
              '--tag-channel',
              'true',
              '--insecure-registries',
              host,
              '--json',
            ],
            { cwd: tmpdir() },
          );
        }),
      );
      const digestOf = new Map<string, string>();
      for (const [i, r] of runs.entries()) {
        expect(r.code, r.stderr).toBe(0);
        digestOf.set(versions[i]!, (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest);
      }
      const tags = await tagsOf(path);
      for (const v of versions) expect(tags.get(v), v).toBe(digestOf.get(v));
      for (const [tag, v] of expectedFloating(versions))
        expect(tags.get(tag), `${versions.join(' ')}: ${tag} → ${v}\n${runs.map((r) => r.stderr).join('\n')}`).toBe(digestOf.get(v));
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
    }
  }, 120_000);
});

// The forward-only decision reads tag names (one request per page of the listing), never each tag.
// Nearest real-world variant: a repository with a tag per commit, hundreds of them, released into.
describe('the forward-only decision on a repository with 301 tags', () => {
  it('costs a few listings and reads of the tags it moves, not one request per tag', async () => {
    const path = uniqueRepo('race/many');
    const seed = releaseImage('0.1.0', 'seed');
    const c = client(lab().registries.plain.host);
    const repository = parseRepository(`${lab().registries.plain.host}/${path}`);
    await pushGraph(seed.graph, seed.source, [{ repository, tags: [] }], { clientFor: () => c, concurrency: 4, perHost: 4 });
    const names = Array.from({ length: 300 }, (_, i) => `sha-${i.toString(16).padStart(7, '0')}`);
    for (let i = 0; i < names.length; i += 16)
      await Promise.all(names.slice(i, i + 16).map((t) => c.putManifest(path, t, seed.graph.root.bytes, seed.graph.root.mediaType)));
    await c.putManifest(path, '1.9.0', seed.graph.root.bytes, seed.graph.root.mediaType);
    await c.close();
    const seen: string[] = [];
    const log: string[] = [];
    const run = await releaseThroughProxy(path, '2.0.0', 1, undefined, log, seen);
    expect(run.error).toBeUndefined();
    const listings = seen.filter((l) => l.includes('/tags/list'));
    const tagReads = seen.filter((l) => l.startsWith('HEAD') && l.includes('/manifests/') && !l.includes('sha256:'));
    // One listing to decide, one right before the floating writes, one per settle round (one here).
    expect(listings.length).toBe(3);
    // The tags it moves (2.0.0, 2.0, 2, latest: before and after writing) and the line leaders: never the 300 others.
    expect(tagReads.every((l) => !l.includes('/manifests/sha-'))).toBe(true);
    expect(seen.length).toBeLessThan(40);
  }, 60_000);
});
