// The stale pipeline through its Effects seam: images built by the build pipeline with a fake
// builder into an in-process registry, their base moved by a later build, then `stale` on them —
// the outputs and the summary pinned, a stale image a finding naming it.
// Nearest real-world variant: a weekly job over the team's service images, their FROM pinned by
// Renovate to tag@digest, after the golden base image was rebuilt for a CVE fix under the same tag.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, FindingError } from '../core/errors.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { harness } from '../../test/support/pipeline.js';
import { build } from './build.js';
import { stale } from './stale.js';

const registries: MemoryRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});

describe('stale pipeline', () => {
  // Property: an image whose recorded base tag now names another digest is stale, one on no base is
  // not; the stale output lists only the stale, the summary every image with why; the run is a finding.
  it('a base rebuilt under its tag: its child is stale, an image on no base is not; outputs and summary as pinned', async () => {
    const reg = await MemoryRegistry.start();
    registries.push(reg);
    const common = { 'insecure-registries': reg.host, retries: '0' };
    const buildOf = async (inputs: Record<string, string>, o: Parameters<typeof harness>[1] = {}) => {
      const h = await harness({ ...common, ...inputs }, o);
      await build(h.fx);
      return h.platform.outputs.get('digest')!;
    };
    const first = await buildOf({ images: `${reg.host}/acme/base`, version: '1.0.0' });
    await buildOf({ images: `${reg.host}/acme/app`, version: '2.0.0' }, { dockerfile: `FROM ${reg.host}/acme/base:1.0.0@${first}\nCOPY . /app\n` });
    const now = await buildOf({ images: `${reg.host}/acme/base`, version: '1.0.0' }, { files: () => ({ 'etc/fix': 'CVE fixed' }) });
    expect(now).not.toBe(first);

    const h = await harness({ ...common, images: `${reg.host}/acme/app:2.0.0\n${reg.host}/acme/base:1.0.0` });
    const e = await stale(h.fx).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(FindingError);
    expect((e as Error).message).toBe(`1 of 2 images are built on an outdated base; rebuild: ${reg.host}/acme/app:2.0.0`);
    expect(Object.fromEntries(h.platform.outputs)).toEqual({ stale: `${reg.host}/acme/app:2.0.0` });
    expect(h.platform.summaries.map((s) => s.split(reg.host).join('REG').split(first).join('FIRST').split(now).join('NOW'))).toEqual([
      [
        '### Hoist stale: 1 of 2 images on an outdated base',
        '',
        '- ❌ `REG/acme/app:2.0.0` — its base REG/acme/base:1.0.0 moved: built on FIRST, now NOW',
        '- ✅ `REG/acme/base:1.0.0` — records no base (base.name and base.digest labels or annotations)',
        '',
      ].join('\n'),
    ]);
  }, 30_000);

  // Property: an image its registry does not hold is no verdict either way. Named in `images` it is
  // an input error naming the input (a mistyped reference in a weekly job's list passed green with a
  // warning nobody reads, and that image was never checked); the report is still written, and the
  // warning names it. A hierarchy's entry not built yet is only a warning (next case).
  it('an image given in images and not in its registry: an input error naming images, after the report; not an ok', async () => {
    const reg = await MemoryRegistry.start();
    registries.push(reg);
    const h = await harness({ 'insecure-registries': reg.host, retries: '0', images: `${reg.host}/acme/typo:1.0.0` });
    const e = await stale(h.fx).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).issues).toEqual([
      {
        input: 'images',
        message: `${reg.host}/acme/typo:1.0.0 is not in its registry (no such repository, or no such tag in it): correct the reference, or leave it out until it is pushed`,
      },
    ]);
    expect(h.platform.lines).toContainEqual({
      level: 'warning',
      text: `--  ${reg.host}/acme/typo:1.0.0: not in its registry (not built yet, or a mistyped name): nothing to check`,
    });
    expect(h.platform.lines.filter((l) => l.text.startsWith('ok '))).toEqual([]);
    expect(h.platform.summaries.join('')).toContain(`- ⚠️ \`${reg.host}/acme/typo:1.0.0\` — not in its registry`);
  }, 30_000);

  // Property: a hierarchy's entry whose image is not pushed yet is a warning, and the run passes: a
  // family grows in its file before its first build, and the weekly check must not fail for that.
  it('a hierarchy entry not built yet: a warning naming it; the run passes', async () => {
    const reg = await MemoryRegistry.start();
    registries.push(reg);
    const h = await harness({ 'insecure-registries': reg.host, retries: '0', hierarchy: 'family.yml' });
    await writeFile(join(h.workspace, 'family.yml'), `images:\n  - { name: os, context: os, version: 1.0.0, images: [${reg.host}/g/os] }\n`);
    await stale(h.fx);
    expect(h.platform.lines).toContainEqual({
      level: 'warning',
      text: `--  ${reg.host}/g/os:1.0.0: not in its registry (not built yet, or a mistyped name): nothing to check`,
    });
  }, 30_000);
});
