/**
 * The corpus scripts themselves: every artifact script of every round, read as text (no tool
 * runs). A script whose pipeline ends in a reader that may quit early fails only when its writer is
 * slower — one CI run in several — so it is refused here, on every run, before any is made.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { earlyQuitter } from '../support/corpus/artifact.js';
import { ROOT } from '../support/corpus/layout.js';

const DIR = join(ROOT, 'test/support/corpus');

async function allScripts(): Promise<{ id: string; script: string }[]> {
  const out = new Map<string, { id: string; script: string }>();
  for (const f of readdirSync(DIR).filter((n) => n.endsWith('.ts'))) {
    const mod = (await import(join(DIR, f))) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      if (!Array.isArray(v)) continue;
      for (const a of v as { id?: unknown; script?: unknown }[]) {
        if (typeof a?.id === 'string' && typeof a.script === 'string') out.set(`${f}:${a.id}`, { id: `${f}:${a.id}`, script: a.script });
      }
    }
  }
  return [...out.values()];
}

describe('corpus scripts', () => {
  it('no artifact script of any round pipes into a reader that can quit early (grep -q, grep -m, head)', async () => {
    const scripts = await allScripts();
    expect(scripts.length).toBeGreaterThan(300);
    expect(scripts.filter((s) => earlyQuitter(s.script)).map((s) => `${s.id}: ${earlyQuitter(s.script)}`)).toEqual([]);
  });

  it.each([
    ['unzip -l app.jar | grep -q META-INF/REL.SF && cp app.jar "$OUT/"', 'grep -q META-INF/REL.SF'],
    ['ar t "$OUT/a.deb" | grep -qx data.tar.zst', 'grep -qx data.tar.zst'],
    ['x="$(sha256sum ../secret | head -c 28)"', 'head -c 28'],
    ['git log --oneline | egrep -m1 init', 'egrep -m1 init'],
    ['dpkg -l | grep --quiet acme', 'grep --quiet acme'],
  ])('names the early reader in %s', (script, stage) => {
    expect(earlyQuitter(script)).toBe(stage);
  });

  it.each([
    'unzip -l app.jar | grep META-INF/REL.SF > /dev/null',
    'grep -q token app.env || true',
    'test -s a || grep -q token app.env',
    'sha256sum ../secret | cut -c1-28',
    "git verify-pack -v x.idx | awk '$1==b {f=1} END {exit !f}'",
    "seq 1 300 | sed 's/^/key/' | grep --line-number key > n.txt",
  ])('lets a pipeline that reads its whole input pass: %s', (script) => {
    expect(earlyQuitter(script)).toBeUndefined();
  });
});
