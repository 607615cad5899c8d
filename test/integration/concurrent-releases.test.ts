// Releases at once from one machine into one repository, through the CLI that ships (HOIST_TEST_CLI,
// else dist/cli.js): two built by the Docker daemon's BuildKit and two by buildah, all four from the
// same Dockerfile (one daemon's cache, one buildah storage, the same base blobs pushed four times at
// once), each through its own delaying proxy in front of the registry (a seeded delay before every
// request, so the protocol steps of the four pushes interleave in an order no one chose).
// Property: every run passes; each version tag holds its run's image; every floating tag (major,
// minor, latest) ends on the highest release of its line, whichever builder made it. A guard: the
// engine's own race (races.test) with the builders' shared state in the way; it passes on the old
// code as well, and fails when a run loses its image or a floating tag ends on a lower release.
// Nearest real-world variant: `git push --tags` of two versions at once, a matrix building each with
// docker and buildah on one shell runner.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { expectedFloating, randomVersions, rng } from '../support/releases.js';
import { lab, uniqueRepo } from './lab.js';
import { hoistCli } from './concurrent-stall.js';

describe('concurrent releases built by docker and buildah into one repository (delaying proxies)', () => {
  it('seed 31: every run passes and every floating tag ends on the highest release of its line', async () => {
    const started = Date.now();
    const plain = lab().registries.plain.host;
    const random = rng(31);
    const versions = randomVersions(random, 4);
    const builders = ['docker', 'buildah', 'docker', 'buildah'];
    const path = uniqueRepo('concurrent/releases');
    const dir = await mkdtemp(join(tmpdir(), 'hoist-concurrent-releases-'));
    await writeFile(join(dir, 'Dockerfile'), `FROM ${plain}/lab/busybox:1.36\nRUN head -c 3000000 /dev/urandom > /blob && echo ${path} > /n\n`);
    const proxies = await Promise.all(
      versions.map((_, i) =>
        FaultProxy.start(plain, {
          stall: (
            (r) => () =>
              Math.floor(r() * 60) + 1
          )(rng(3100 + i)),
        }),
      ),
    );
    try {
      const runs = await Promise.all(
        versions.map((v, i) => {
          const host = proxies[i]!.host;
          return hoistCli(
            [
              'build',
              '--builder',
              builders[i]!,
              '--images',
              `${host}/${path}`,
              '--version',
              v,
              '--tag-channel',
              'true',
              '--audit',
              'off',
              '--insecure-registries',
              `${host},${plain}`,
              '--json',
            ],
            dir,
          );
        }),
      );
      const digestOf = new Map<string, string>();
      for (const [i, r] of runs.entries()) {
        expect(r.code, `${builders[i]} ${versions[i]}: ${r.stderr}`).toBe(0);
        digestOf.set(versions[i]!, (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest);
      }
      const c = new RegistryClient({ host: plain, insecure: true, retries: 3, userAgent: 'hoist-concurrent-test' });
      const tags = new Map<string, string>();
      for (const t of await c.listTags(path)) tags.set(t, (await c.resolveTag(path, t))!);
      await c.close();
      for (const v of versions) expect(tags.get(v), v).toBe(digestOf.get(v));
      const want = expectedFloating(versions);
      expect(want.size).toBeGreaterThan(0);
      for (const [tag, v] of want) expect(tags.get(tag), `${versions.join(' ')}: ${tag} → ${v}`).toBe(digestOf.get(v));
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
    }
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
