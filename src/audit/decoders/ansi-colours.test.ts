// Property: a value whose first characters a real `grep --color=always` matched (the colour sequences cut it there),
// and a rotated value in a real `git diff --color-words=.` (removed characters red, added green, between shared ones),
// placed at random among plain lines, are read back whole in the rewritten copy in chunks of 1/7/64/whole — the new
// value and the old; the clean twins hold no leaky value, and random text with random colour sequences holds none.
// Nearest real-world variant: a GitHub Actions log (colours kept) of a step that grepped an env file for its token, or
// showed the diff of a rotated one (red team round 9, variant9-text.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHUNKS, rewritten, tool } from './text-rewrite.testing.js';
import { looksBinary } from './trial.js';

const rand = seededPerTest(47);
const LABEL = 'terminal colours';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const value = () => `ghp_${Array.from({ length: rand.int(16, 40) }, () => (rand.int(6) ? rand.chars(LETTERS, 1) : rand.pick([...'+/=-_.é€']))).join('')}Z`;
const plain = () => Array.from({ length: rand.int(0, 4) }, () => `PLAIN_${rand.chars(LETTERS, 4)}=${rand.chars(LETTERS, 12)}\n`).join('');

/** grep --color=always of an env file holding the values, its pattern matching each token's first characters. */
const grepped = (values: string[]) =>
  tool('grep', ['--color=always', '-n', '-E', '^(API|KEY)_[0-9]+=gh', '-'], values.map((v, i) => `${plain()}KEY_${i}=${v}\n`).join(''));

/** git diff --color-words=. of an env file whose values changed from `old` to `now`. */
function colourWords(old: string[], now: string[]): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-colour-words-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', '-c', 'color.ui=always', ...args]);
  try {
    git('init', '-q');
    writeFileSync(join(dir, 'app.env'), old.map((v, i) => `KEY_${i}=${v}\n`).join(''));
    git('add', 'app.env');
    git('commit', '-qm', 'one');
    writeFileSync(join(dir, 'app.env'), now.map((v, i) => `${plain()}KEY_${i}=${v}\n`).join(''));
    return git('diff', '--color-words=.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function notRead(bytes: Buffer, values: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const size of CHUNKS) {
    const read = (await rewritten(bytes, size, LABEL)).join('\n');
    out.push(...values.filter((v) => !read.includes(v)).map((v) => `${v} (chunks of ${size})`));
  }
  return out;
}

describe(`terminal colours (seed ${rand.seed})`, () => {
  it('reads values cut by grep --color=always back whole', async () => {
    const values = Array.from({ length: 10 }, value);
    const text = grepped(values);
    for (const v of values) expect(text.toString()).not.toContain(v);
    expect(await notRead(text, values)).toEqual([]);
  });

  it('reads the new and the old values of git diff --color-words=. back whole', async () => {
    const old = Array.from({ length: 8 }, value);
    const now = Array.from({ length: 8 }, value);
    expect(await notRead(colourWords(old, now), [...old, ...now])).toEqual([]);
  });

  it("reads the clean twins' logs without the leaky values", async () => {
    const leaky = Array.from({ length: 6 }, value);
    for (const text of [
      grepped(leaky.map(() => value())),
      colourWords(
        leaky.map(() => value()),
        leaky.map(() => value()),
      ),
    ])
      for (const size of CHUNKS) {
        const read = (await rewritten(text, size, LABEL)).join('\n');
        expect(leaky.filter((v) => read.includes(v))).toEqual([]);
      }
  });

  it('finds no value in random text with random colour sequences; an ESC[ with no final letter routes nothing', async () => {
    const values = Array.from({ length: 20 }, value);
    const sgr = () => `\x1b[${rand.pick(['', '0', '1', '31', '32', '01;31', '36'])}${rand.pick(['m', 'K'])}`;
    const text = Array.from({ length: 3000 }, () => (rand.int(3) ? rand.chars(LETTERS, rand.int(1, 8)) : rand.pick([sgr(), ' ', '\n']))).join('');
    for (const size of CHUNKS) {
      const read = (await rewritten(Buffer.from(text), size, LABEL)).join('\n');
      expect(values.filter((v) => read.includes(v))).toEqual([]);
      expect(await rewritten(Buffer.from('plain \x1b[ text and \x1b[12;; more\n'), size, LABEL)).toEqual([]);
    }
  });

  it('takes a coloured diff for text, so the text readers see it; an ESC not beginning a CSI sequence stays a control', () => {
    const diff = colourWords(Array.from({ length: 6 }, value), Array.from({ length: 6 }, value));
    const head = diff.subarray(0, 512);
    expect(head.filter((c) => c === 0x1b).length * 10).toBeGreaterThan(head.length); // binary by control count before
    expect(looksBinary(diff)).toBe(false);
    expect(looksBinary(Buffer.from(Array.from({ length: 512 }, (_, i) => (i % 6 === 3 ? 0x1b : 0x41 + (i % 26)))))).toBe(true);
  });
});
