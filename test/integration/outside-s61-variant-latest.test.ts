// A variant never takes a floating tag from a plain release of the same version: with
// `--tag-suffix -alpine` (metadata-action's onlatest=false) an alpine release still writes plain
// `latest`, but `latest` follows its images ordered by version, then plain before variant. Through
// the CLI that ships (HOIST_TEST_CLI), `hoist push` of two real OCI layouts into the lab's registry,
// read back with skopeo.
// Property: whatever order a release's plain and alpine jobs finish in (one after the other either
// way, or two processes racing), `latest` ends on the plain image of the highest version, and a run
// that leaves it says why. Nearest real-world variant: a matrix job per Dockerfile (Dockerfile,
// Dockerfile.alpine) on one `v2.1.0` tag, both with docker/metadata-action's flavor suffix=-alpine.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flavourLayout as layout } from '../support/flavour-layout.js';
import { hoist, lab, skopeoDigest, uniqueRepo, type CliRun } from './lab.js';

describe('a variant never takes latest from the plain release of its version (hoist push, lab registry)', () => {
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
      {
        cwd,
      },
    );
  const at = (path: string, tag: string) => skopeoDigest(`${host()}/${path}:${tag}`);

  async function setup() {
    const cwd = await mkdtemp(join(tmpdir(), 'hoist-s61-variant-'));
    const path = uniqueRepo('outside-s61/variant');
    const [old, plain, alpine] = await Promise.all([layout(cwd, 'plain-2.0.0'), layout(cwd, 'plain-2.1.0'), layout(cwd, 'alpine-2.1.0')]);
    const first = await push(cwd, old, path, '2.0.0', false);
    expect(first.code, first.stderr).toBe(0);
    return { cwd, path, plain, alpine };
  }

  it('plain 2.1.0 first, then alpine 2.1.0: latest stays on the plain image and the log says why', async () => {
    const { cwd, path, plain, alpine } = await setup();
    const p = await push(cwd, plain, path, '2.1.0', false);
    expect(p.code, p.stderr).toBe(0);
    const plainDigest = await at(path, '2.1.0');
    const a = await push(cwd, alpine, path, '2.1.0', true);
    expect(a.code, a.stderr).toBe(0);
    expect(`${a.stdout}${a.stderr}`).toMatch(/latest not moved — 2\.1\.0 is there, the plain image's release of 2\.1\.0/);
    expect(await at(path, 'latest')).toBe(plainDigest);
    expect(await at(path, '2.1-alpine')).toBe(await at(path, '2.1.0-alpine'));
  }, 40_000);

  it('alpine 2.1.0 first, then plain 2.1.0: the plain one takes latest from it', async () => {
    const { cwd, path, plain, alpine } = await setup();
    const a = await push(cwd, alpine, path, '2.1.0', true);
    expect(a.code, a.stderr).toBe(0);
    expect(await at(path, 'latest')).toBe(await at(path, '2.1.0-alpine'));
    const p = await push(cwd, plain, path, '2.1.0', false);
    expect(p.code, p.stderr).toBe(0);
    expect(await at(path, 'latest')).toBe(await at(path, '2.1.0'));
  }, 40_000);

  it('two processes racing: latest ends on the plain 2.1.0, and a plain 2.0.0 after them leaves it', async () => {
    const { cwd, path, plain, alpine } = await setup();
    const [p, a] = await Promise.all([push(cwd, plain, path, '2.1.0', false), push(cwd, alpine, path, '2.1.0', true)]);
    expect(p.code, p.stderr).toBe(0);
    expect(a.code, a.stderr).toBe(0);
    const plainDigest = await at(path, '2.1.0');
    expect(await at(path, 'latest')).toBe(plainDigest);
    expect(await at(path, '2-alpine')).toBe(await at(path, '2.1.0-alpine'));
    const backport = await push(cwd, await layout(cwd, 'plain-2.0.1'), path, '2.0.1', false);
    expect(backport.code, backport.stderr).toBe(0);
    expect(await at(path, 'latest')).toBe(plainDigest);
  }, 40_000);
});
