// Property: a value spaced a character at a time is read whatever spaced run stands right before it — one of another
// separator ending on the value's first character (a blank-spaced run, then the value a character a line), or one of
// the same separator whose last element is a blank (`… s  t o k …`: two blanks, the first a character of the run
// before). Nearest real-world variant: a generator's output of two joins in a row — Python's
// `print(' '.join(header), end=' '); print('\n'.join(secret))`, a shell loop echoing characters after a spaced banner.
import { describe, expect, it } from 'vitest';
import { auditFiles, SECRET, tool } from './testing.js';

const spaced = (value: string, separator: string) => [...value].join(separator);

describe('a spaced value right after another spaced run', () => {
  it.each([
    ['a blank-spaced run, then the value a character a line', `${spaced('abcdefgh', ' ')} ${spaced(SECRET, '\n')}\n`],
    ['a blank-spaced run, then the value a character a CRLF line', `${spaced('abcdefgh', ' ')} ${spaced(SECRET, '\r\n')}\r\n`],
    ['a comma-spaced run, then the value between blanks', `${spaced('abcdefgh', ',')},${spaced(SECRET, ' ')}\n`],
    ['a tab-spaced run, then the value between blanks', `${spaced('abcdefgh', '\t')}\t${spaced(SECRET, ' ')}\n`],
    ['a blank-spaced run ending with a blank element, then the value between blanks', `${spaced('abcdefghij', ' ')}  ${spaced(SECRET, ' ')}\n`],
  ])('%s: found, the spaced characters named', async (_, text) => {
    const found = await auditFiles({ 'app/banner.txt': `header\n${text}footer\n` });
    expect(found.map((f) => f.path)).toEqual([expect.stringMatching(/^app\/banner\.txt!\(spaced chars at \d+\)/)]);
  });

  it('made by Python: a banner joined by blanks, then the value joined by line breaks (the value read from a file)', async () => {
    const script = "import sys\nv = open('value').read()\nprint(' '.join('BANNER01'), end=' ')\nprint('\\n'.join(v))\n";
    const out = tool('python3', ['gen.py'], { 'gen.py': script, value: SECRET });
    const found = await auditFiles({ 'app/banner.txt': out });
    expect(found.map((f) => f.path)).toEqual([expect.stringMatching(/^app\/banner\.txt!\(spaced chars at \d+\)/)]);
  });

  it('the clean twin (another value) gives nothing', async () => {
    const other = 'tok-decoders-0000000000000+/=other';
    expect(await auditFiles({ 'app/banner.txt': `${spaced('abcdefgh', ' ')} ${spaced(other, '\n')}\n` })).toEqual([]);
  });
});
