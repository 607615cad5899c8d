/**
 * The steady tools' clock holds in a shell that forks: the fuzz tests' tools run under `bash -c` scripts with command
 * substitutions and pipelines (the CI's `mkfs.cramfs` under `$(printf … $(seq …))` exited 1 in session 59's run).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EPOCH, FAKETIME_LIB, steadyEnv, steadyTool } from './steady.testing.js';

describe.skipIf(FAKETIME_LIB === undefined)('steady tools under libfaketime', { timeout: 60_000 }, () => {
  it('a shell forking subshells in a loop: every process sees EPOCH, none exits on the shared clock (9 of ~600 did)', () => {
    // Each round: a background subshell running date, a command substitution running date; the subshells exit while
    // their siblings start — libfaketime's own per-tree pair was removed by the first to exit.
    const script = `n=0; for i in $(seq 150); do ( d=$(date +%s); [ "$d" = ${EPOCH} ] || echo "bg $d" ) & d=$(date +%s); [ "$d" = ${EPOCH} ] || echo "fg $d"; done; wait; echo done`;
    const out = execFileSync('bash', ['-c', script], { env: steadyEnv('frozen'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out.trim()).toBe('done');
  });

  it('the nearest real case: a file 200 directories down made with a substituted path, then archived', () => {
    const tar = steadyTool(
      'bash',
      ['-c', `set -e; p=root/$(printf 'd/%.0s' $(seq 1 200)); mkdir -p "$p"; cp a.txt "$p"; tar -cf out.tar root 2>/dev/null`],
      { 'a.txt': 'hello' },
      'out.tar',
    );
    // ustar's mtime field (octal, at 136) of the first entry: the frozen EPOCH.
    expect(parseInt(tar.subarray(136, 147).toString('latin1'), 8)).toBe(EPOCH);
  });

  it('a ticking clock is left to libfaketime: no shared pair is handed on', () => {
    expect(steadyEnv('ticking')['FAKETIME_SHARED']).toBe(process.env['FAKETIME_SHARED']);
    expect(steadyEnv('frozen')['FAKETIME_SHARED']).toMatch(/^\/\S+ \/\S+$/);
  });
});
