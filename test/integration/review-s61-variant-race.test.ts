// Review s61 (H6) of 63b4e7c (plan/tag-lines.ts): a shared `latest` (a variant without onlatest) under two real
// `hoist push` processes racing, of DIFFERENT versions and flavours — the class next to outside-s61-variant-latest's
// same-version race: a plain run reads another variant's release only once that variant's minor or major tag is listed,
// which a racing variant may not have written yet. Through the CLI that ships (HOIST_TEST_CLI), lab registry, skopeo.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flavourLayout as layout } from '../support/flavour-layout.js';
import { hoist, lab, skopeoDigest, uniqueRepo, type CliRun } from './lab.js';

describe('review s61: a shared latest under races of different versions, plain and variant (hoist push, lab registry)', () => {
  const host = () => lab().registries.plain.host;
  const push = (cwd: string, dir: string, path: string, version: string, alpine: boolean): Promise<CliRun> =>
    hoist(
      [
        'push',
        dir,
        '--images',
        `${host()}/${path}`,
        '--version',
        version,
        '--audit',
        'off',
        '--insecure-registries',
        host(),
        ...(alpine ? ['--tag-suffix=-alpine'] : []),
      ],
      { cwd },
    );
  const at = (path: string, tag: string) => skopeoDigest(`${host()}/${path}:${tag}`);

  /** Plain 2.0.0 pushed first; then `a` and `b` racing (each: flavour, version), `rounds` times in fresh repositories; where latest ends. */
  async function races(a: [boolean, string], b: [boolean, string], rounds: number) {
    const ends: string[] = [];
    for (let r = 0; r < rounds; r++) {
      const cwd = await mkdtemp(join(tmpdir(), 'hoist-s61-review-race-'));
      const path = uniqueRepo('review-s61/race');
      const first = await push(cwd, await layout(cwd, 'plain-2.0.0'), path, '2.0.0', false);
      expect(first.code, first.stderr).toBe(0);
      const [la, lb] = await Promise.all([a, b].map(([alpine, v]) => layout(cwd, `${alpine ? 'alpine' : 'plain'}-${v}`)));
      // One order each round: a started first on even rounds, b on odd ones.
      const jobs = [() => push(cwd, la!, path, a[1], a[0]), () => push(cwd, lb!, path, b[1], b[0])];
      const runs = await Promise.all(r % 2 ? [jobs[1]!(), jobs[0]!()] : [jobs[0]!(), jobs[1]!()]);
      expect(runs.map((x) => x.code)).toEqual([0, 0]);
      const latest = await at(path, 'latest');
      const names = {
        [`${a[1]}${a[0] ? '-alpine' : ''}`]: await at(path, `${a[1]}${a[0] ? '-alpine' : ''}`),
        [`${b[1]}${b[0] ? '-alpine' : ''}`]: await at(path, `${b[1]}${b[0] ? '-alpine' : ''}`),
      };
      ends.push(Object.entries(names).find(([, d]) => d === latest)?.[0] ?? `other ${latest}`);
    }
    return ends;
  }

  // Property: whatever order they finish in, latest ends on the highest release (scenario 11), plain before variant
  // only at one version. Nearest real-world variant: a backport 2.0.1 of the plain Dockerfile released while the new
  // minor's alpine job (metadata-action flavor suffix=-alpine, onlatest=false) runs.
  it('plain backport 2.0.1 racing alpine 2.1.0: latest ends on 2.1.0-alpine in both orders', async () => {
    expect(await races([false, '2.0.1'], [true, '2.1.0'], 2)).toEqual(Array(2).fill('2.1.0-alpine'));
  }, 120_000);

  it('alpine backport 2.0.1 racing plain 2.1.0: latest ends on plain 2.1.0 in both orders', async () => {
    expect(await races([true, '2.0.1'], [false, '2.1.0'], 2)).toEqual(Array(2).fill('2.1.0'));
  }, 120_000);
});
