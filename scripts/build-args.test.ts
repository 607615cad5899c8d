import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
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
