import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// Property: scripts/build.mjs writes dist/ only when asked to — `--help` prints its usage and an
// unknown argument is refused (exit 2, naming it), both before anything is built, so dist/ is left as
// it was. Nearest real-world variant: a helper ran `node scripts/build.mjs --help` to read its flags
// and it rebuilt the committed dist/ from a working tree holding others' uncommitted changes.

const build = (...args: string[]) => spawnSync(process.execPath, ['scripts/build.mjs', ...args], { encoding: 'utf8', timeout: 60_000 });
const stamp = () => statSync('dist/chunks/cli.js').mtimeMs;

it('--help prints the usage and builds nothing; an unknown argument is exit 2 naming it', () => {
  const before = stamp();
  const help = build('--help');
  expect({ status: help.status, out: help.stdout }).toEqual({ status: 0, out: expect.stringContaining('usage: node scripts/build.mjs [--check]') });
  for (const args of [['--chek'], ['--metafile'], ['--check', 'extra']]) {
    const wrong = build(...args);
    expect({ args, status: wrong.status }).toEqual({ args, status: 2 });
    expect(wrong.stderr).toMatch(/build\.mjs: (unknown argument '(--chek|extra)'|--metafile needs a FILE): nothing built/);
  }
  expect(stamp()).toBe(before);
});

// Property: `--outdir DIR` writes a whole, runnable bundle to DIR and leaves dist/ as it was, so a
// tree being worked on can be tested through a bundle of its own (HOIST_TEST_CLI=DIR/cli.js) without
// touching the committed one. Nearest real-world variant: the variant rounds run `node <bundle>/cli.js
// audit`, which must load its lazily imported chunks from DIR/chunks.
it('--outdir writes a runnable bundle elsewhere and leaves dist/ untouched; with --check it is refused', () => {
  const before = stamp();
  const dir = mkdtempSync(join(tmpdir(), 'hoist-outdir-'));
  try {
    const made = build('--outdir', dir);
    expect({ status: made.status, err: made.stderr }).toEqual({ status: 0, err: '' });
    const help = spawnSync(process.execPath, [join(dir, 'cli.js'), 'audit', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: help.status, out: help.stdout }).toEqual({ status: 0, out: expect.stringContaining('hoist audit') });
    const both = build('--check', '--outdir', dir);
    expect({ status: both.status, err: both.stderr }).toEqual({ status: 2, err: expect.stringContaining('give one') });
    expect(build('--outdir').stderr).toContain('--outdir needs a DIR');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expect(stamp()).toBe(before);
});
