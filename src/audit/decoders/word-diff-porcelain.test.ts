// Property: a rotated value diffed by the real git (`git diff --word-diff=porcelain
// --word-diff-regex=.`: each shared, removed and added run of characters a line of its own after
// ` `, `-` or `+`, `~` where a line ends) is read back whole — the new value and the old one — in the
// rewritten copy, among unchanged lines at random, in chunks of 1/7/64/whole; a diff of two clean
// values holds neither leaky one; random text with ` `/`+`/`-`/`~` lines routes no copy holding a
// value. Nearest real-world variant: an editor integration's diff cache of a config change that
// rotated an API token (red team round 11).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { expectNoneRead, expectReadBack } from './text-rewrite.testing.js';

const rand = seededPerTest(1112);
const LABEL = 'porcelain word diff';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const value = () =>
  `${rand.chars(LETTERS, 2)}${Array.from({ length: rand.int(10, 40) }, () => (rand.int(8) ? rand.chars(LETTERS, 1) : rand.pick([...'+/=-_.é€']))).join('')}Z`;

/** git's porcelain character word diff of a config whose values changed from `old` to `now`, other lines at random. */
function porcelain(old: string[], now: string[]): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-porcelain-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args]);
  const config = (vals: string[]) => vals.map((v, i) => `${'\n'.repeat(rand.int(0, 3))}KEY_${i}=${v}\nPLAIN_${i}=${rand.chars(LETTERS, 12)}\n`).join('');
  try {
    git('init', '-q');
    writeFileSync(join(dir, 'app.env'), config(old));
    git('add', 'app.env');
    git('commit', '-qm', 'one');
    writeFileSync(join(dir, 'app.env'), config(now));
    return git('diff', '--word-diff=porcelain', '--word-diff-regex=.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe(`porcelain word diff (seed ${rand.seed})`, () => {
  it('reads the new and the old values of a porcelain character word diff back whole', async () => {
    const old = Array.from({ length: 8 }, value);
    const now = Array.from({ length: 8 }, value);
    await expectReadBack(porcelain(old, now), LABEL, [...old, ...now]);
  });

  it("reads the clean twin's diff without the leaky values", async () => {
    const leaky = Array.from({ length: 6 }, value);
    await expectNoneRead(
      porcelain(
        leaky.map(() => value()),
        leaky.map(() => value()),
      ),
      LABEL,
      leaky,
    );
  });

  it('finds no value in random text with part lines and ~ lines', async () => {
    const values = Array.from({ length: 20 }, value);
    const marks = ['\n~\n', '\n+', '\n-', '\n ', '~'];
    const text = Array.from({ length: 3000 }, () => (rand.int(3) ? rand.chars(LETTERS, rand.int(1, 6)) : rand.pick(marks))).join('');
    await expectNoneRead(Buffer.from(text), LABEL, values);
  });
});
