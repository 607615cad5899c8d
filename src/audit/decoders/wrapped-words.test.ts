// Property: a long value cut by a line wrapper — the real `fold -w W` at any width from 20 to 70 and
// any column, Perl's Text::Wrap with an indentation, Python's textwrap (argparse's help layout:
// 24 spaces) and textwrap in a `# ` comment block, a narrow `fold -w 12` of base64 — is read back
// whole in the rewritten copy, in chunks of 1/7/64/whole; a clean twin's wrapping holds none of the
// leaky values; random text with long words, indentation and leaders, and random bytes route no
// copy holding one. Nearest real-world variant: a CLI's --help (argparse) showing its default API
// key, kept as usage.txt in an image (red team round 11).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHUNKS, expectNoneRead, expectReadBack, python, rewritten, tool } from './text-rewrite.testing.js';

const rand = seededPerTest(1111);
const LABEL = 'wrapped text';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A long key: letters with + / = - _ . ~ ! and é at random places (never a blank). */
const value = () =>
  `${rand.chars(LETTERS, 2)}${Array.from({ length: rand.int(60, 180) }, () => (rand.int(6) ? rand.chars(LETTERS, 1) : rand.pick([...'+/=-_.~!é']))).join('')}Z`;
const words = (n: number) => Array.from({ length: n }, () => rand.chars('abcdefghijklmnopqrstuvwxyz', rand.int(2, 9))).join(' ');

/** Paragraphs, each holding a value after some words, wrapped by `wrap` (the value never in argv). */
function wrapped(values: string[], wrap: (text: string) => Buffer): Buffer {
  return Buffer.concat(values.map((v) => wrap(`${words(rand.int(0, 12))} ${v} ${words(rand.int(1, 8))}\n\n`)));
}

const wrappers: Array<[string, (vals: string[]) => Buffer]> = [
  ['fold -w 20..70', (vals) => wrapped(vals, (t) => tool('fold', ['-w', String(rand.int(20, 71))], t))],
  [
    "Perl Text::Wrap (columns 40..80, '    ' indentation)",
    (vals) =>
      wrapped(vals, (t) =>
        tool('perl', ['-MText::Wrap', '-e', `$Text::Wrap::columns = ${rand.int(40, 81)}; local $/; my $s = <STDIN>; print wrap('', '    ', $s)`], t),
      ),
  ],
  [
    "textwrap as argparse lays a help out (24 spaces), and in a '# ' comment block",
    (vals) =>
      Buffer.from(
        python(
          `import textwrap
for i, v in enumerate(values):
    w = 50 + (i * 7) % 30
    if i % 2: print(textwrap.fill('the key (default: %s)' % v, width=w, initial_indent=' ' * 24, subsequent_indent=' ' * 24))
    else: print(textwrap.fill('Key: %s (rotate it)' % v, width=w, initial_indent='# ', subsequent_indent='# '))`,
          vals,
        ),
      ),
  ],
];

describe(`wrapped text (seed ${rand.seed})`, () => {
  it.each(wrappers)('%s: every value read back whole', async (_name, wrap) => {
    const values = Array.from({ length: 8 }, value);
    await expectReadBack(wrap(values), LABEL, values);
  });

  it("argparse's real help (COLUMNS=80) of keys in words joined by + / = - _ . (textwrap breaks after a hyphen, short of the width): every key read back whole", async () => {
    // The cut lines hold + / = and - _ (one line of each alphabet's base64 in no encoder's output): they were taken for a
    // YAML block of base64 and no place was seen when the key began on a line of its own — 120 of 300 keys missed (CI, stop 47).
    const keys = Array.from({ length: 24 }, () => Array.from({ length: 20 }, (_, i) => rand.chars(LETTERS, 9) + '+/=-_.+/=-'[i % 10]).join(''));
    const helps = python(
      `import argparse, os
os.environ['COLUMNS'] = '80'
for v in values:
    p = argparse.ArgumentParser(prog='deploy', description='Ships a release.')
    p.add_argument('--api-key', default=v, help='the API key (default: %(default)s)')
    print(p.format_help() + '\\f', end='')`,
      keys,
    ).split('\f');
    // Each help alone: a place in one help's window would read its neighbours' keys too.
    for (const [i, key] of keys.entries()) await expectReadBack(Buffer.from(helps[i]!), LABEL, [key]);
  });

  it('a narrow column (fold -w 8..15 of base64 from its first column): the base64 read back whole', async () => {
    const encoded = Array.from({ length: 6 }, () => Buffer.from(`deploy:${value()}`).toString('base64'));
    const text = Buffer.concat(encoded.map((e) => Buffer.concat([tool('fold', ['-w', String(rand.int(8, 16))], e), Buffer.from('\n\n')])));
    await expectReadBack(text, LABEL, encoded);
  });

  it.each(wrappers)("%s: a clean twin's wrapping holds none of the leaky values", async (_name, wrap) => {
    const leaky = Array.from({ length: 6 }, value);
    await expectNoneRead(wrap(leaky.map(() => value())), LABEL, leaky);
  });

  it('random text with long words, indentation and leaders, and random bytes: no copy holds a value', async () => {
    const values = Array.from({ length: 20 }, value);
    const pieces = ['\n', '\n    ', '\n# ', '\n// ', ' ', '-', '/'];
    const text = Array.from({ length: 4000 }, () => (rand.int(3) ? rand.chars(LETTERS, rand.int(1, 30)) : rand.pick(pieces))).join('');
    await expectNoneRead(Buffer.from(text), LABEL, values);
    const bytes = rand.bytes(1 << 16);
    for (const size of [64, 1 << 20]) expect(await rewritten(bytes, size, LABEL)).toEqual([]);
  });

  it('prose and code route nothing: no line break with a long word cut across it', async () => {
    const text = Buffer.from(
      `# A comment block\n# that wraps at its blanks.\nconst value = require('./module');\nmodule.exports = { value };\n\n${words(200)}\n`,
    );
    for (const size of CHUNKS) expect(await rewritten(text, size, LABEL)).toEqual([]);
  });

  it('a list of records whose lines end and begin with long tokens (a go.sum) routes nothing', async () => {
    // Each module's two lines begin alike; a copy of them joined made long runs in which a chance zlib header was named.
    const mods = ['github.com/stretchr/testify', 'github.com/davecgh/go-spew', 'github.com/pmezard/go-difflib', 'github.com/google/go-cmp'];
    const sum = mods
      .flatMap((m, i) => [`${m} v1.${i}.0 h1:${rand.bytes(32).toString('base64')}\n`, `${m} v1.${i}.0/go.mod h1:${rand.bytes(32).toString('base64')}\n`])
      .join('');
    for (const size of CHUNKS) expect(await rewritten(Buffer.from(sum), size, LABEL)).toEqual([]);
  });
});
