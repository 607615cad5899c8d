// `hoist stale` over a list of images a team keeps (a weekly scheduled job): an image the list names
// that its registry does not hold — a mistyped repository, a tag never pushed or deleted since — is an
// input error naming --images and the reference, exit 2, after the report of the others. Before, it
// was a warning and exit 0: the job stayed green and that image was never checked. The real-world
// variant: a schedule's `HOIST_STALE_IMAGES`-style list edited by hand (`busybxo`). The registry is
// the lab's plain one; lab/busybox:1.36 is there and records no base (an ok line).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab } from './lab.js';

describe('hoist stale naming an image its registry does not hold', () => {
  it.each([
    ['a mistyped repository', 'lab/busybxo:1.36'],
    ['a tag not in the repository', 'lab/busybox:9.9.9'],
  ])('%s: exit 2 naming --images and the reference; the image that is there still reported', async (_what, missing) => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-stale-'));
    const host = lab().registries.plain.host;
    const r = await hoist(['stale', '--images', `${host}/lab/busybox:1.36`, '--images', `${host}/${missing}`, '--insecure-registries', host], {
      cwd: dir,
      env: { DOCKER_CONFIG: dir },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --images: ${host}/${missing} is not in its registry`);
    expect(r.stderr).toContain(`ok  ${host}/lab/busybox:1.36: records no base`);
  });
});
