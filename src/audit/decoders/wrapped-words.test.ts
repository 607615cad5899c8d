// Property: a long value cut by a line wrapper — the real `fold -w W` at any width from 20 to 70 and
// any column, Perl's Text::Wrap with an indentation, Python's textwrap (argparse's help layout:
// 24 spaces) and textwrap in a `# ` comment block, a narrow `fold -w 12` of base64 — is read back
// whole in the rewritten copy, in chunks of 1/7/64/whole; a clean twin's wrapping holds none of the
// leaky values; random text with long words, indentation and leaders, and random bytes route no
// copy holding one; keys of base64 (+/=, -_), JWTs, hex, words joined by . or - and keys beyond ASCII,
// in argparse's help at 80 and 120 columns, textwrap, Text::Wrap and fold, each read alone, are read
// back whole. Gap: a key cut once with under 16 characters on one side. Nearest real-world variant: a CLI's --help (argparse) showing its default API
// key, kept as usage.txt in an image (red team round 11).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { wrappedWords } from './wrapped-words.js';
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

  it('a string continued with a backslash at each line end (TOML, shell) routes nothing: the escape scan reads it', async () => {
    // The copy joined "…_\\⏎    Xy…" into "…_\\Xy…", read as a shell escape: the copy's finding stood for the file's
    // (audit-variants toml-continued named config.toml!(wrapped text at 0) in 10 of 12 draws).
    for (const width of [37, 50]) {
      const key = value();
      const toml = `token = """\\\n${(key.match(new RegExp(`.{1,${width}}`, 'gu')) ?? []).join('\\\n    ')}"""\n`;
      for (const size of CHUNKS) expect(await rewritten(Buffer.from(toml), size, LABEL), `width ${width}`).toEqual([]);
    }
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

describe(`wrapped text: keys of the alphabets real pipelines draw (seed ${rand.seed})`, () => {
  const b64 = (n: number) => rand.bytes(n).toString('base64');
  const b64url = (n: number) => rand.bytes(n).toString('base64url');
  /** Words of letters joined by `sep`, 130 characters at least. */
  const joined = (sep: string) => {
    const words: string[] = [];
    while (words.join(sep).length < 130) words.push(rand.chars(LETTERS, rand.int(6, 20)));
    return words.join(sep);
  };
  // Keys of 130 characters at least, so that a wrapper of 80 columns cuts each one with 16 characters on both sides of a
  // cut (a single cut that leaves fewer on one side is no place: a gap, stated in the file's header).
  const kinds: Record<string, () => string> = {
    'standard base64 (+/=)': () => b64(rand.int(100, 165)),
    'URL-safe base64 (-_)': () => b64url(rand.int(100, 165)),
    JWT: () => `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${b64url(rand.int(80, 140))}.${b64url(32)}`,
    hex: () => rand.bytes(rand.int(65, 110)).toString('hex'),
    'beyond ASCII (é ß ü ñ € £)': () =>
      Array.from({ length: rand.int(130, 220) }, () => (rand.int(8) ? rand.chars(LETTERS, 1) : rand.pick([...'éßüñ€£']))).join(''),
    'words joined by . or -': () => joined(rand.pick(['.', '-'])),
  };
  const helps = (columns: number) => (keys: string[]) =>
    python(
      `import argparse, os
os.environ['COLUMNS'] = '${columns}'
for v in values:
    p = argparse.ArgumentParser(prog='deploy', description='Ships a release.')
    p.add_argument('--api-key', default=v, help='the API key (default: %(default)s)')
    p.add_argument('--region', default='eu', help='the region')
    print(p.format_help() + '\\f', end='')`,
      keys,
    ).split('\f');
  const filled = (indent: string) => (keys: string[]) =>
    python(
      `import textwrap
for i, v in enumerate(values):
    print(textwrap.fill('Key: %s (rotate it)' % v, width=40 + (i * 7) % 41, initial_indent='${indent}', subsequent_indent='${indent}') + '\\nx: 1\\n\\f', end='')`,
      keys,
    ).split('\f');
  const perl = (keys: string[]) =>
    keys.map((k) =>
      tool(
        'perl',
        ['-MText::Wrap', '-e', `$Text::Wrap::columns = ${rand.int(40, 81)}; local $/; my $s = <STDIN>; print wrap('', '    ', $s)`],
        `Your API key is ${k} and it expires.\n`,
      ).toString('latin1'),
    );
  const folded = (keys: string[]) =>
    keys.map((k) => tool('fold', ['-w', String(rand.int(30, 81))], `Product: deploy\nLicense key: ${k}\nEnd.\n`).toString('latin1'));
  const layouts: Array<[string, (keys: string[]) => string[], BufferEncoding]> = [
    ['argparse COLUMNS=80', helps(80), 'utf8'],
    ['argparse COLUMNS=120', helps(120), 'utf8'],
    ['textwrap, 4 spaces', filled('    '), 'utf8'],
    ["textwrap, '# '", filled('# '), 'utf8'],
    ["Perl Text::Wrap, '    '", perl, 'latin1'],
    ['fold -w 30..80 (cuts a character)', folded, 'latin1'],
  ];

  // Each key its own text (a place in one text's window would read its neighbours' keys too); only keys the layout cut.
  // Before: a line of one base64 alphabet was taken for an encoder's when the wrapper went on after it at its
  // indentation, a line wider in bytes than in characters or one cut short at a hyphen was no cut line.
  it.each(Object.keys(kinds))('%s: every key a real wrapper cut is read back whole', async (kind) => {
    const missed: string[] = [];
    let cut = 0;
    for (const [name, layout, encoding] of layouts) {
      const keys = Array.from({ length: 12 }, kinds[kind]!);
      for (const [i, text] of layout(keys).slice(0, keys.length).entries()) {
        const bytes = Buffer.from(text, encoding);
        if (bytes.includes(keys[i]!)) continue;
        cut++;
        for (const size of [7, 1 << 20]) if (!(await rewritten(bytes, size, LABEL)).join('\n').includes(keys[i]!)) missed.push(`${name} (chunks of ${size})`);
      }
    }
    expect(cut).toBeGreaterThan(36);
    expect(missed).toEqual([]);
  });
});

describe(`wrapped text: what a reading keeps is the bytes' own (seed ${rand.seed})`, () => {
  const b64 = (n: number) => rand.chars(`${LETTERS}+/`, n);
  const [line1, line2] = [b64(64), b64(64)];
  // The same two indented lines of one base64 alphabet: a YAML block (a lesser indentation after it) is an encoder's; a
  // key Text::Wrap cut that goes on at the same indentation with words is a cut (a place at the second line's break).
  const block = `data:\n    ${line1}\n    ${line2}\nkind: Secret\n`;
  const key = `key:\n    ${line1}\n    ${line2}\n    ${b64(20)} and then words\n`;
  const breakOf = (text: string, n: number) => text.split('\n', n).join('\n').length;

  it('a buffer written over (a pool used again) with a cut key after a YAML block at the same offsets: the key is a place', () => {
    const notation = wrappedWords();
    expect(notation.at(Buffer.from(key), breakOf(key, 3))).toBe(true);
    const pooled = Buffer.alloc(key.length + 16, 0x0a);
    pooled.write(block);
    expect(notation.at(pooled, breakOf(block, 2))).toBe(false);
    expect(notation.at(pooled, breakOf(block, 3))).toBe(false);
    // Before: the block's verdict, kept for the same buffer object, answered for the key's second line.
    pooled.fill(0x0a).write(key);
    expect(notation.at(pooled, breakOf(key, 3))).toBe(true);
  });
});
