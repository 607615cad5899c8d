// Runs at once on one buildah storage (containers-storage): a build's image is named only by the
// user's tags, which another run of the same names moves, or — a platform image of a multi-platform
// build — by nothing at all; a cleanup of dangling images between the build and `buildah push` then
// removed it ("image not known"). Each case holds the real buildah's push behind a gate on PATH
// (concurrent-stall.ts) until the other run and the cleanup are done, so the race's order is the only
// order and the case is deterministic. Through the CLI that ships (HOIST_TEST_CLI, else dist/cli.js).
// Property: the run passes with an image of its own build, whatever other runs and clients do to the
// names they share meanwhile: the lost image is built again (said in the log), and the run that ends
// last holds the user's tag. Nearest real-world variants: two pipelines of one branch on one shell runner, each
// building `:main` with buildah while the runner's cleanup runs `buildah rmi --prune`; a
// multi-platform buildah build on such a runner. The Docker daemon's like case: concurrent-daemon.test.
import { describe, expect, it } from 'vitest';
import { heldOrEnded, hoistCli, imageIdOf, RACE_LABEL, raceProject, toolGate } from './concurrent-stall.js';
import { lab, run, toolEnv, uniqueRepo } from './lab.js';

/** buildah's dangling images of one case (its label), removed as `buildah rmi --prune` would, limited to them. */
async function pruneBuildah(label: string): Promise<number> {
  const ids = (await run('buildah', ['images', '-q', '--no-trunc', '--filter', 'dangling=true', '--filter', `label=${RACE_LABEL}=${label}`]))
    .split('\n')
    .filter(Boolean);
  for (const id of ids) await run('buildah', ['rmi', id]).catch(() => undefined); // a parent may have gone with its child
  return ids.length;
}

describe('buildah: another run of the same tags, and a cleanup, while buildah push reads', () => {
  it('the image lost before its push is built again; the run passes and ends holding the tag', async () => {
    const started = Date.now();
    const plain = lab().registries.plain.host;
    const label = uniqueRepo('buildah');
    const base = `${plain}/lab/busybox:1.36`;
    const [a, b] = await Promise.all([raceProject(base, `a-${label}`, label), raceProject(base, `b-${label}`, label)]);
    const repo = `${plain}/${uniqueRepo('concurrent/buildah')}`;
    const args = ['build', '--builder', 'buildah', '--images', repo, '--tags', 'main', '--push', 'false'];
    const gate = await toolGate('buildah', '/usr/bin/buildah', 'push');
    try {
      const first = hoistCli(args, a, { PATH: `${gate.dir}:${toolEnv().PATH}` });
      await heldOrEnded(gate.held, first);
      const second = await hoistCli(args, b);
      expect(second.code, second.stderr).toBe(0);
      // The first run's image, no longer named by `main`, is dangling here: the cleanup removes it.
      expect(await pruneBuildah(label)).toBeGreaterThan(0);
      gate.release();
      const r = await first;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("buildah's storage lost the image this build had just made");
      const named = (await run('buildah', ['images', '--no-trunc', '--format', '{{.ID}}', `${repo}:main`])).trim();
      expect(`sha256:${named.replace(/^sha256:/, '')}`).toBe(imageIdOf(r.stderr));
      expect(imageIdOf(r.stderr)).not.toBe(imageIdOf(second.stderr));
    } finally {
      gate.release();
      await run('buildah', ['rmi', `${repo}:main`]).catch(() => undefined);
      await pruneBuildah(label).catch(() => undefined);
    }
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  // A platform's image of a multi-platform build has no name at all (a tag cannot hold an index): a
  // cleanup of dangling images between its build and its push removes it.
  it('several platforms: a platform image lost before its push is built again; the index is made', async () => {
    const started = Date.now();
    const plain = lab().registries.plain.host;
    const label = uniqueRepo('platforms');
    const dir = await raceProject(lab().multiImage.reference, `p-${label}`, label, 'COPY f /f');
    const repo = `${plain}/${uniqueRepo('concurrent/platforms')}`;
    const gate = await toolGate('buildah', '/usr/bin/buildah', 'push');
    try {
      const first = hoistCli(
        ['build', '--builder', 'buildah', '--platforms', 'linux/amd64,linux/arm64', '--images', repo, '--tags', 'main', '--push', 'false'],
        dir,
        {
          PATH: `${gate.dir}:${toolEnv().PATH}`,
        },
      );
      await heldOrEnded(gate.held, first);
      expect(await pruneBuildah(label)).toBeGreaterThan(0);
      gate.release();
      const r = await first;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("buildah's storage lost the image this build had just made");
      expect(r.stderr).toMatch(/Index of linux\/amd64, linux\/arm64 assembled/);
    } finally {
      gate.release();
      await pruneBuildah(label).catch(() => undefined);
    }
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
