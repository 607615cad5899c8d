// Property: a value's characters as a block list, one item a line — PyYAML's and Ruby's YAML of a list of characters
// (plain, '' single-quoted, "\"" and "\xE9" / "\U0001F600" double-quoted), indented under a key, Markdown's `* t` — are
// joined back into the value at any chunking; a YAML list of words, a Markdown list of sentences, a changelog's
// bullets, and a list of 7 characters give none. Nearest real-world variant: a state file written by
// yaml.safe_dump({'key': list(secret)}).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { ListedChars } from './listed-chars.js';
import { has } from './testing.js';

const rng = seededPerTest(0x11573d);
const VALUE = 'tok\'en"&<3>\\%-é€😀x9';

async function listed(text: Buffer, size: number | (() => number)): Promise<string[]> {
  const out: Buffer[][] = [];
  const reader = new ListedChars(() => {
    const parts: Buffer[] = [];
    out.push(parts);
    return { write: (b) => void parts.push(Buffer.from(b)), end: () => undefined };
  });
  const next = typeof size === 'number' ? () => size : size;
  for (let i = 0; i < text.length;) {
    const n = Math.max(1, next());
    await reader.push(text.subarray(i, i + n));
    i += n;
  }
  await reader.end();
  return out.map((p) => Buffer.concat(p).toString('utf8'));
}

const yamlOf = (code: string) => execFileSync('python3', ['-c', code], { input: VALUE });
const SIZES = [1, 7, 64, () => rng.int(1, 100), 1 << 20];

describe('a block list of characters', () => {
  it.skipIf(!has('python3'))('PyYAML, ASCII-only and allow_unicode, top level and nested: the value at every chunking', async () => {
    for (const code of [
      "import sys, yaml; sys.stdout.write(yaml.safe_dump({'key': list(sys.stdin.read())}))",
      "import sys, yaml; sys.stdout.write(yaml.safe_dump({'a': {'key': list(sys.stdin.read())}}, indent=4, allow_unicode=True))",
    ])
      for (const size of SIZES) expect(await listed(yamlOf(code), size), code).toContain(VALUE);
  });

  it('Markdown bullets, a character an item, CRLF: the value', async () => {
    const text = Buffer.from(`Steps:\r\n${[...VALUE].map((c) => `* ${c}`).join('\r\n')}\r\n\r\nDone.\r\n`);
    for (const size of SIZES) expect(await listed(text, size)).toContain(VALUE);
  });

  it('look-alikes give none: words, sentences, bullets, 7 characters', async () => {
    const text = Buffer.from(
      [
        'deps:',
        '- yaml',
        '- json',
        '- toml',
        '- ini',
        '- xml',
        '- csv',
        '- tsv',
        '- md',
        '',
        '* Fixed a crash.',
        '* Added a flag.',
        '',
        ...[...'abcdefg'].map((c) => `- ${c}`),
        '',
      ].join('\n'),
    );
    expect(await listed(text, 64)).toEqual([]);
  });
});
