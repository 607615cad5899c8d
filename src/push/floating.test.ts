// Floating tags under concurrent releases, against the in-memory registry (the same property runs
// against the lab's distribution behind delaying proxies in test/integration/races.test.ts).
// Property: whatever the interleaving of N releases on one repository, when all have ended every
// floating tag (major, minor, latest, channel; a variant's too) points at the highest release of its
// line. Nearest real-world variant: two release jobs for 2.1.0 and 2.2.0 started by one `git push --tags`.
import { describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { expectedFloating, randomVersions, releaseImage, releaseTarget, rng } from '../../test/support/releases.js';
import { parseRepository, type Repository } from '../core/reference.js';
import { RegistryClient } from '../registry/client.js';
import { pushGraph, type EngineOptions, type RegistryReport } from './engine.js';
import { convergeFloating, type FloatingContext } from './floating.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The real client, each call held for a random, seeded delay first: one protocol step at a time lands in any order. */
function delaying(client: RegistryClient, random: () => number, maxMs: number): RegistryClient {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await sleep(random() * maxMs);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

async function release(reg: MemoryRegistry, repository: Repository, version: string, random: () => number, extra: Partial<EngineOptions> = {}) {
  const client = new RegistryClient({ host: reg.host, insecure: true, retries: 2, userAgent: 't', sleep: async () => {} });
  const image = releaseImage(version, `rev-${version}`);
  const log: string[] = [];
  try {
    const [report] = await pushGraph(image.graph, image.source, [releaseTarget(repository, version)], {
      clientFor: () => delaying(client, random, 12),
      concurrency: 4,
      perHost: 4,
      settleMs: 15,
      log: (l) => log.push(l),
      ...extra,
    });
    return { version, digest: image.graph.root.digest, report: report!, log };
  } finally {
    await client.close();
  }
}

async function tagsNow(reg: MemoryRegistry, repository: Repository): Promise<Map<string, string>> {
  const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 't' });
  const out = new Map<string, string>();
  for (const t of await client.listTags(repository.path)) out.set(t, (await client.resolveTag(repository.path, t))!);
  await client.close();
  return out;
}

describe('floating tags under concurrent releases', () => {
  it('end on the highest release of their line, for 25 seeded interleavings of 3–5 releases', async () => {
    await using reg = await MemoryRegistry.start();
    for (let seed = 1; seed <= 25; seed++) {
      const random = rng(seed);
      const versions = randomVersions(random, 3 + (seed % 3));
      const repository = parseRepository(`${reg.host}/race/s${seed}`);
      const runs = await Promise.all(versions.map((v) => release(reg, repository, v, rng(seed * 100 + versions.indexOf(v)))));
      for (const r of runs) expect(r.report.error, `seed ${seed} ${r.version}`).toBeUndefined();
      const digestOf = new Map(runs.map((r) => [r.version, r.digest]));
      const tags = await tagsNow(reg, repository);
      for (const v of versions) expect(tags.get(v), `seed ${seed}: ${v}`).toBe(digestOf.get(v));
      for (const [tag, v] of expectedFloating(versions)) expect(tags.get(tag), `seed ${seed} ${versions.join(' ')}: ${tag} → ${v}`).toBe(digestOf.get(v));
    }
  }, 120_000);

  /** Two images of 2.1.0 and 2.2.0 in place with their version tags; the floating tags not yet written. */
  async function twoReleases(reg: MemoryRegistry) {
    const repository = parseRepository(`${reg.host}/race/adversary-${Math.random().toString(36).slice(2, 8)}`);
    const low = releaseImage('2.1.0', 'a');
    const high = releaseImage('2.2.0', 'b');
    const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 't' });
    for (const [img, tag] of [
      [low, '2.1.0'],
      [high, '2.2.0'],
    ] as const) {
      const [r] = await pushGraph(img.graph, img.source, [{ repository, tags: [tag] }], { clientFor: () => client, concurrency: 4, perHost: 4 });
      expect(r!.error).toBeUndefined();
    }
    const ctx = (root: typeof low, log: string[], extra: Partial<FloatingContext> = {}): FloatingContext => ({
      client,
      repository: repository.path,
      name: `${reg.host}/${repository.path}`,
      root: root.graph.root,
      limit: (t) => t(),
      log: (l) => log.push(l),
      sleep,
      settleMs: 5,
      rounds: 5,
      wroteFixedTags: true,
      ...extra,
    });
    const plan = (version: string) => ({
      version,
      tags: [
        { tag: '2', rule: 'major' as const },
        { tag: 'latest', rule: 'latest' as const },
      ],
    });
    return { repository, low, high, client, ctx, plan };
  }

  it('a lower release that writes after the higher one re-read (its listing stale) yields to it on its own re-read', async () => {
    await using reg = await MemoryRegistry.start();
    const { repository, low, high, client, ctx, plan } = await twoReleases(reg);
    const hLog: string[] = [];
    await convergeFloating(ctx(high, hLog), plan('2.2.0'), ['2', 'latest']);
    // The lower release listed the tags before 2.2.0 landed: its first listing does not show it.
    let first = true;
    const stale = new Proxy(client, {
      get: (t, p) =>
        p === 'listTags'
          ? async (repo: string) => {
              const all = await t.listTags(repo);
              if (!first) return all;
              first = false;
              return all.filter((x) => x !== '2.2.0');
            }
          : (Reflect.get(t, p, t) as (...a: unknown[]) => unknown).bind(t),
    });
    const lLog: string[] = [];
    const result = await convergeFloating(ctx(low, lLog, { client: stale }), plan('2.1.0'), ['2', 'latest']);
    expect(lLog.filter((l) => l.includes('now sha256:') || l.includes(`now ${low.graph.root.digest}`)).length).toBeGreaterThan(0); // it did overwrite
    expect(lLog.some((l) => l.includes('yielded'))).toBe(true);
    expect(result.ours).toEqual([]);
    const tags = await tagsNow(reg, repository);
    expect([tags.get('2'), tags.get('latest')]).toEqual([high.graph.root.digest, high.graph.root.digest]);
    await client.close();
  });

  it('a lower release killed right after a stale write is repaired by the higher release’s delayed re-read', async () => {
    await using reg = await MemoryRegistry.start();
    const { repository, low, high, client, ctx, plan } = await twoReleases(reg);
    const hLog: string[] = [];
    // The higher release's settle re-read waits; meanwhile the lower one writes its stale value and dies (no re-read).
    let gate!: () => void;
    const opened = new Promise<void>((r) => (gate = r));
    // The lower one writes once the higher is in its settle wait — told by the wait itself, not by a
    // fixed 30 ms, which a loaded machine outran (the higher had not yet written: nothing to repair).
    let waiting!: () => void;
    const inWait = new Promise<void>((r) => (waiting = r));
    const settle = () => (waiting(), opened);
    const higher = convergeFloating(ctx(high, hLog, { sleep: settle }), plan('2.2.0'), ['2', 'latest']);
    await inWait;
    for (const tag of ['2', 'latest']) await client.putManifest(repository.path, tag, low.graph.root.bytes, low.graph.root.mediaType);
    gate();
    const result = await higher;
    expect(result.ours.sort()).toEqual(['2', 'latest']);
    expect(hLog.some((l) => l.includes('repaired'))).toBe(true);
    const tags = await tagsNow(reg, repository);
    expect([tags.get('2'), tags.get('latest')]).toEqual([high.graph.root.digest, high.graph.root.digest]);
    await client.close();
  });

  // Property: the settle wait is paid by a run that wrote a tag (its version tag or a floating
  // one) and by no other. Nearest real-world variant: a release job re-run on the same commit after
  // a flaky later step, every tag already on its image.
  it('settles after writing, and skips the wait and re-reads when the run wrote no tag at all', async () => {
    await using reg = await MemoryRegistry.start();
    const { high, client, ctx, plan } = await twoReleases(reg);
    const waits: number[] = [];
    const sleepRecorded = async (ms: number) => void waits.push(ms);
    const first = await convergeFloating(ctx(high, [], { sleep: sleepRecorded }), plan('2.2.0'), ['2', 'latest']);
    expect(first.ours.sort()).toEqual(['2', 'latest']);
    expect(waits).toEqual([5]);
    const rerun = await convergeFloating(ctx(high, [], { sleep: sleepRecorded, wroteFixedTags: false }), plan('2.2.0'), ['2', 'latest']);
    expect(rerun.ours.sort()).toEqual(['2', 'latest']);
    expect(waits).toEqual([5]); // no second wait
    await convergeFloating(ctx(high, [], { sleep: sleepRecorded, wroteFixedTags: true }), plan('2.2.0'), ['2', 'latest']);
    expect(waits).toEqual([5, 5]); // the version tag was just written: others may have listed before it
    await client.close();
  });

  it('refuses, right before writing, to move a tag back when a higher release landed after the decision', async () => {
    await using reg = await MemoryRegistry.start();
    const { low, ctx, plan, client } = await twoReleases(reg);
    const log: string[] = [];
    const left: string[] = [];
    const result = await convergeFloating(ctx(low, log), { ...plan('2.1.0'), onLeft: (t) => left.push(t) }, ['2', 'latest']);
    expect(result).toEqual({ ours: [], left: ['2', 'latest'] });
    expect(left).toEqual(['2', 'latest']);
    expect(log[0]).toMatch(/:2 not moved — re-read before writing: 2\.2\.0 is there .*higher than 2\.1\.0/);
    await client.close();
  });

  it('two runs of one version (a re-run whose image differs) settle on what the version tag holds, without ping-pong', async () => {
    await using reg = await MemoryRegistry.start();
    const repository = parseRepository(`${reg.host}/race/rerun`);
    const runs = await Promise.all([0, 1].map((i) => release(reg, repository, '3.0.0', rng(7 + i), { releaseTags: 'overwrite' })));
    const tags = await tagsNow(reg, repository);
    expect(tags.get('3')).toBe(tags.get('3.0.0'));
    expect(tags.get('latest')).toBe(tags.get('3.0.0'));
    expect(runs.every((r: { report: RegistryReport }) => r.report.error === undefined || /reads back/.test(r.report.error.message))).toBe(true);
  });
});
