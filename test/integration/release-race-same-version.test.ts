// A release tag is never silently moved to an image of another commit, even when two runs release
// the same version from different commits at once (scenario 11: a re-tagged release, a pipeline
// re-run on a rebased branch). Registries have no compare-and-swap: both runs read 1.0.0 as free,
// both write it, and the later write wins. Before, the run whose write was overwritten after its
// read-back reported success — its digest as the release's — while 1.0.0 held the other commit's
// image. Now each run reads its release tags again a settle time after writing them: exactly one
// run succeeds, with the tag at its image; the other fails naming the tag, the other image and the
// race. The variant made here: the lab's plain registry behind a fault proxy that holds the first
// PUT of the tag for 400 or 800 ms (a slow link or a busy registry), so the second run's write and
// read-back come first and the first run's write lands after them.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/fault-proxy.js';
import { hoist, lab, localLayout, skopeoDigest, uniqueRepo } from './lab.js';

async function built(commit: string): Promise<{ layout: string; digest: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-race-'));
  const { layout, built: r } = await localLayout(dir, `echo ${commit}-${Math.random()} > /v`, ['--version', '1.0.0', '--json', '--commit', commit]);
  return { layout, digest: (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest, dir };
}

describe('two runs releasing 1.0.0 from different commits at once', () => {
  it.each([400, 800])(
    'the first write held %i ms: one run succeeds with the tag at its image, the other fails naming the race',
    async (hold) => {
      let puts = 0;
      await using proxy = await FaultProxy.start(lab().registries.plain.host, {
        stall: (r) => (r.method === 'PUT' && /\/manifests\/1\.0\.0$/.test(r.path) && ++puts === 1 ? hold : 0),
      });
      const repo = `${proxy.host}/${uniqueRepo('race/same-version')}`;
      const runs = [await built('a'.repeat(40)), await built('b'.repeat(40))];
      const results = await Promise.all(
        runs.map((x) =>
          hoist(['push', x.layout, '--images', repo, '--version', '1.0.0', '--insecure-registries', proxy.host, '--retries', '0'], { cwd: x.dir }),
        ),
      );
      const at = await skopeoDigest(`${repo.replace(proxy.host, lab().registries.plain.host)}:1.0.0`);
      const winners = results.flatMap((r, i) => (r.code === 0 ? [i] : []));
      expect(winners, results.map((r) => r.stderr).join('\n----\n')).toHaveLength(1);
      expect(at).toBe(runs[winners[0]!]!.digest);
      const loser = results[1 - winners[0]!]!;
      expect(loser.code).toBe(1);
      expect(loser.stderr).toMatch(/1\.0\.0 is a release tag and holds sha256:[0-9a-f]{64}/);
    },
    300_000,
  );
});
