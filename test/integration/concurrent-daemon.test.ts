// Runs at once on one Docker daemon, with --load: the build's image is named by the user's tags, which
// another run of the same names (two pipelines of one branch) moves to its image; a cleanup of dangling
// images in that moment (`docker image prune`, a shell runner's cron) then removed this run's image
// under docker save ("failed to get digest sha256:…: no such file or directory"). The case holds
// docker save's request in a stalling proxy on the daemon's socket (concurrent-stall.ts) until the
// other run and the cleanup are done, so the race's order is the only order and the case is
// deterministic. Through the CLI that ships (HOIST_TEST_CLI, else dist/cli.js).
// Property: the export reads the image its own build made; `main` ends on the last run's image; no
// name of the run's own stays. Nearest real-world variant: two pipelines of `main` with --load on one
// shell runner whose cron prunes dangling images. (Without load the run tag held the image already:
// docker-local-tags.test.) buildah's like case: concurrent-builds.test.
import { describe, expect, it } from 'vitest';
import { dockerStall, heldOrEnded, hoistCli, imageIdOf, RACE_LABEL, raceProject } from './concurrent-stall.js';
import { lab, run, uniqueRepo } from './lab.js';

describe('docker builder with --load: another run of the same tags, and a cleanup, while docker save reads', () => {
  it('the export reads its own image; the tag ends on the last run', async () => {
    const started = Date.now();
    const plain = lab().registries.plain.host;
    const label = uniqueRepo('load');
    const base = `${plain}/lab/busybox:1.36`;
    const [a, b] = await Promise.all([raceProject(base, `a-${label}`, label), raceProject(base, `b-${label}`, label)]);
    const repo = `${plain}/${uniqueRepo('concurrent/load')}`;
    const args = ['build', '--builder', 'docker', '--images', repo, '--tags', 'main', '--load', '--push', 'false'];
    const stall = await dockerStall(lab().docker.host, /^GET \/v[\d.]+\/images\/get\?/);
    try {
      const first = hoistCli(args, a, { DOCKER_HOST: stall.host });
      expect(await heldOrEnded(stall.held, first)).toMatch(/images\/get\?names=sha256/);
      // Another pipeline of the branch, on the daemon itself: `main` moves to its image.
      const second = await hoistCli(args, b);
      expect(second.code, second.stderr).toBe(0);
      // The runner's cleanup of dangling images (this case's only).
      await run('docker', ['image', 'prune', '-f', '--filter', `label=${RACE_LABEL}=${label}`]);
      stall.release();
      const r = await first;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/docker save → OCI layout: .* 2 audited as they streamed/);
      const inDaemon = (await run('docker', ['image', 'inspect', '--format', '{{.Id}}', `${repo}:main`])).trim();
      expect(inDaemon).toBe(imageIdOf(second.stderr));
      expect(imageIdOf(r.stderr)).not.toBe(inDaemon);
      // Its own tag, if it had one, is gone: only names the user asked for stay.
      expect(await run('docker', ['image', 'ls', '-q', '--filter', `label=${RACE_LABEL}=${label}`, 'hoist-build'])).toBe('');
    } finally {
      await stall.close();
      await run('docker', ['image', 'rm', `${repo}:main`]).catch(() => undefined);
    }
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
