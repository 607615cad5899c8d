/**
 * The corpus scripts' waits for what they start in the background (waits.ts): every artifact script of
 * every round read as text — none polls with a bare loop that gives up after a few seconds and goes on
 * as if ready (on a loaded machine the script then failed, or gcore dumped a process not yet holding the
 * value: a miss that was the script's) — and awaitReady run by bash: it outwaits a slow start, and fails
 * at once, with a message, when the process exits unready.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusScripts } from '../support/corpus/artifact.js';
import { awaitReady, bareWait } from '../support/corpus/waits.js';

/** Runs `script` under bash as makeArtifact does (set -euo pipefail), in a scratch directory. */
function bash(script: string): { code: number | null; stderr: string; ms: number } {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-waits-'));
  const started = performance.now();
  try {
    const r = spawnSync('bash', ['-c', `set -euo pipefail\n${script}`], { cwd: dir, encoding: 'utf8', timeout: 90_000 });
    return { code: r.status, stderr: r.stderr, ms: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('corpus scripts: waits for what runs in the background', () => {
  it('no artifact script of any round polls with a bare sleep loop (awaitReady instead)', async () => {
    const scripts = await corpusScripts();
    expect(scripts.length).toBeGreaterThan(300);
    expect(scripts.filter((s) => bareWait(s.script)).map((s) => `${s.id}: ${bareWait(s.script)}`)).toEqual([]);
  });

  it.each([
    ['python3 srv.py & for i in $(seq 1 50); do [ -s port ] && break; sleep 0.1; done', 'sleep 0.1'],
    ['while [ ! -s port ]; do sleep 0.05; done', 'sleep 0.05'],
    ['for i in $(seq 100); do test -s port && break; sleep 0.05; done\ntest -s port', 'sleep 0.05'],
    ['redis-server --port 0 & R=$!\nsleep 2', 'sleep 2'],
  ])('names the bare wait in %s', (script, wait) => {
    expect(bareWait(script)).toBe(wait);
  });

  it("passes awaitReady's own loop and a program's time.sleep", () => {
    expect(bareWait(`x & P=$!\n${awaitReady('[ -s port ]', '$P', 'the server')}\ncurl x`)).toBeUndefined();
    expect(bareWait("python3 - <<'EOF'\nimport time\ntime.sleep(120)\nEOF")).toBeUndefined();
  });

  it('awaitReady outwaits a start slower than the old loops allowed (6 s against 5)', () => {
    const r = bash(`(sleep 6; echo 1 > port; sleep 30) & P=$!\n${awaitReady('[ -s port ]', '$P', 'the server')}\nkill $P; echo ok >&2`);
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 0, stderr: 'ok' });
  }, 60_000);

  it('awaitReady fails at once, naming what it waited for, when the process exits unready', () => {
    const r = bash(`(sleep 0.2; exit 3) & P=$!\n${awaitReady('[ -s port ]', '$P', 'the server')}\necho went on >&2`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('corpus: the server was not ready ([ -s port ])');
    expect(r.stderr).not.toContain('went on');
    expect(r.ms).toBeLessThan(20_000);
  });
});
