// The stale pipeline through its Effects seam: images built by the build pipeline with a fake
// builder into an in-process registry, their base moved by a later build, then `stale` on them —
// the outputs and the summary pinned, a stale image a finding naming it.
// Nearest real-world variant: a weekly job over the team's service images, their FROM pinned by
// Renovate to tag@digest, after the golden base image was rebuilt for a CVE fix under the same tag.
import { afterEach, describe, expect, it } from 'vitest';
import { FindingError } from '../core/errors.js';
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

  // Property: an image its registry does not hold is no verdict either way: the run passes (a
  // family's entry not built yet must not fail a scheduled check) but says so as a warning, so a
  // mistyped reference does not pass as "ok".
  it('an image not in its registry: a warning naming it, not an ok; the run passes', async () => {
    const reg = await MemoryRegistry.start();
    registries.push(reg);
    const h = await harness({ 'insecure-registries': reg.host, retries: '0', images: `${reg.host}/acme/typo:1.0.0` });
    await stale(h.fx);
    expect(h.platform.lines).toContainEqual({
      level: 'warning',
      text: `--  ${reg.host}/acme/typo:1.0.0: not in its registry (not built yet, or a mistyped name): nothing to check`,
    });
    expect(h.platform.lines.filter((l) => l.text.startsWith('ok '))).toEqual([]);
    expect(h.platform.summaries.join('')).toContain(`- ⚠️ \`${reg.host}/acme/typo:1.0.0\` — not in its registry`);
  }, 30_000);
});
