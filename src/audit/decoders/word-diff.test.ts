// Property: a rotated value diffed by the real git (`git diff --word-diff=plain --word-diff-regex=.`, each changed
// character as [-a-]{+b+} between the characters both share) is read back whole — the new value and the old one — in
// the rewritten copy, among unchanged lines at random, in chunks of 1/7/64/whole; a diff of two clean values holds
// neither leaky one, and random text with stray [- and {+ gives no copy holding a value. Nearest real-world variant:
// a review log of a config change rotating an API token, kept with the deploy artifacts (red team round 9).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHUNKS, rewritten } from './text-rewrite.testing.js';

const rand = seededPerTest(31);
const LABEL = 'word diff';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const value = () =>
  `${rand.chars(LETTERS, 2)}${Array.from({ length: rand.int(10, 40) }, () => (rand.int(8) ? rand.chars(LETTERS, 1) : rand.pick([...'+/=-_.é€']))).join('')}Z`;

/** The real git's character word diff of a file changed from `before` to `after`. */
function gitWordDiff(before: string, after: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-word-diff-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args]);
  try {
    git('init', '-q');
    writeFileSync(join(dir, 'app.env'), before);
    git('add', 'app.env');
    git('commit', '-qm', 'one');
    writeFileSync(join(dir, 'app.env'), after);
    return git('diff', '--word-diff=plain', '--word-diff-regex=.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** git's character word diff of a config whose values at `keys` changed from `old` to `now`, other lines at random. */
function wordDiff(old: string[], now: string[]): Buffer {
  const config = (vals: string[]) => vals.map((v, i) => `${'\n'.repeat(rand.int(0, 3))}KEY_${i}=${v}\nPLAIN_${i}=${rand.chars(LETTERS, 12)}\n`).join('');
  return gitWordDiff(config(old), config(now));
}

describe(`word diff (seed ${rand.seed})`, () => {
  it('reads the new and the old values of a character word diff back whole', async () => {
    const old = Array.from({ length: 8 }, value);
    const now = Array.from({ length: 8 }, value);
    const diff = wordDiff(old, now);
    for (const size of CHUNKS) {
      const read = (await rewritten(diff, size, LABEL)).join('\n');
      expect(
        [...old, ...now].filter((v) => !read.includes(v)),
        `chunks of ${size}`,
      ).toEqual([]);
    }
  });

  it("leaves the old version's line breaks out of the new one: git cuts a removed part at its lines, [-a-]⏎[-b-]", async () => {
    // HOIST_TEST_SEED=1 drew this: the old KEY_0 and PLAIN_0 lines matched against the new KEY_1 line, which git writes
    // as KEY_[-0-]{+1+}=8[-…OsZ-]⏎[-PLAIN_0=…-]{+EG+}p… — the new value was read cut at the old line's break.
    const before = 'KEY_0=mA8lacIPe-RCkSovsvOJZJjQ_OsZ\nPLAIN_0=bw2kqo0441pb\nKEY_1=x\n';
    const after = 'KEY_1=8EGpgru=KD=RO.8YkEWuU30bNtZ\nPLAIN_1=x\n';
    const diff = gitWordDiff(before, after);
    expect(diff.toString(), 'git wrote a removed part across the old line break').toMatch(/-\]\n\[-/);
    for (const size of CHUNKS) {
      const read = (await rewritten(diff, size, LABEL)).join('\n');
      expect(read, `chunks of ${size}`).toContain(after.trimEnd());
      expect(read, `chunks of ${size}`).toContain('KEY_0=mA8lacIPe-RCkSovsvOJZJjQ_OsZPLAIN_0=bw2kqo0441pbKEY_1=x');
    }
  });

  it("reads the clean twin's diff without the leaky values", async () => {
    const leaky = Array.from({ length: 6 }, value);
    const diff = wordDiff(
      leaky.map(() => value()),
      leaky.map(() => value()),
    );
    for (const size of CHUNKS) {
      const read = (await rewritten(diff, size, LABEL)).join('\n');
      expect(leaky.filter((v) => read.includes(v))).toEqual([]);
    }
  });

  it('finds no value in random text with stray markers; a marker without its close on its line routes nothing', async () => {
    const values = Array.from({ length: 20 }, value);
    const marks = ['[-', '-]', '{+', '+}', ' ', '\n'];
    const text = Array.from({ length: 2000 }, () => (rand.int(4) ? rand.chars(LETTERS, rand.int(1, 6)) : rand.pick(marks))).join('');
    for (const size of CHUNKS) {
      const read = (await rewritten(Buffer.from(text), size, LABEL)).join('\n');
      expect(values.filter((v) => read.includes(v))).toEqual([]);
      expect(await rewritten(Buffer.from('a [-b\n-] c {+d\n+}\n'), size, LABEL)).toEqual([]);
    }
  });

  it('reads a megabyte of unclosed markers in linear time: a close is looked for within a part, not to the end of the buffer', async () => {
    const text = Buffer.from('[-{+'.repeat(1 << 18));
    const t = process.cpuUsage();
    expect(await rewritten(text, 65536, LABEL)).toEqual([]);
    const u = process.cpuUsage(t);
    expect((u.user + u.system) / 1000, 'CPU ms for 1 MiB of `[-{+` (27,600 before the bounded search)').toBeLessThan(5000);
  });
});
