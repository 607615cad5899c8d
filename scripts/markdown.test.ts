// Every table in the project's Markdown renders whole on GitHub (scripts/markdown-tables.mjs): no
// row cut off its table by a paragraph, no row with another cell count than its header, no line run
// into a table. Nearest real-world variant: the README of 2026-12-02, where a paragraph in the
// middle of the inputs table turned its last 30 rows (every secret input among them) into one
// paragraph of pipes — the first test below holds that excerpt. And every relative link leads
// somewhere (scripts/markdown-links.mjs): the README now links out for everything longer.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, no types
import { cells, tableProblems } from './markdown-tables.mjs';
// @ts-expect-error: a plain .mjs script, no types
import { anchors, deadLinks } from './markdown-links.mjs';

const ROOT = join(import.meta.dirname, '..');
const problems = (text: string): string[] => tableProblems(text);

describe('Markdown tables', () => {
  it('finds rows a paragraph cut off their table (the README inputs table as it was)', () => {
    const cut = [
      '| input | meaning |',
      '| --- | --- |',
      '| `provenance`, `sbom` | Attestations (buildx, buildctl). |',
      '',
      "A build argument whose value is one of the step's secrets is refused: build arguments are stored in",
      'the image history.',
      '| `secrets` | `ID=VALUE` entries for `RUN --mount=type=secret,id=ID`, one per line. |',
      '| `secret-files` | `ID=PATH` lines. |',
      '',
    ].join('\n');
    expect(problems(cut)).toEqual([
      'line 7: a table row with no header and delimiter row above it (a paragraph or blank line cut its table): it renders as text',
      'line 8: a table row with no header and delimiter row above it (a paragraph or blank line cut its table): it renders as text',
    ]);
  });

  it('finds a row with another cell count: an unescaped | inside a code span splits the cell (GFM), an escaped one does not', () => {
    const table = ['| input | meaning |', '| --- | --- |', '| `flavor` | `latest=auto|true|false` |', '| `flavor` | `latest=auto\\|true\\|false` |', ''].join(
      '\n',
    );
    expect(problems(table)).toEqual(['line 3: a row of 4 cells in a table of 2 (header on line 1)']);
    expect(cells('| a | `x\\|y` | b |')).toHaveLength(3);
  });

  it('finds a paragraph line run into a table, a table glued under a paragraph, and a delimiter of another width', () => {
    expect(problems('| a | b |\n| --- | --- |\n| 1 | 2 |\nThe rows above say so.\n')).toEqual([
      'line 4: a paragraph line right after a table is taken into it as a row: leave a blank line',
    ]);
    expect(problems('Codes:\n| a | b |\n| --- | --- |\n| 1 | 2 |\n')).toEqual(['line 2: a table right under a paragraph line: leave a blank line before it']);
    expect(problems('| a | b | c |\n| --- | --- |\n')).toEqual(['line 2: a delimiter row of 2 cells under a header of 3']);
  });

  it('accepts what renders whole: a table ended by a heading or a list, pipes in fenced code, the exit-code table', () => {
    const fine = [
      '| Code | Meaning | Examples |',
      '|---|---|---|',
      '| 0 | done | pushed |',
      '## Next',
      '```sh',
      '| not a table',
      'hoist tags list … | head -1',
      '```',
      '| a | b |',
      '| :-- | --: |',
      '| 1 | 2 |',
      '- a list item',
    ].join('\n');
    expect(problems(fine)).toEqual([]);
  });

  it('finds a code fence never closed (the rest of the page, its tables too, renders as code)', () => {
    expect(problems('Intro.\n\n```sh\nhoist build\n\n## Next\n\n| a | b |\n| --- | --- |\n')).toEqual([
      'line 3: a code fence (```) is never closed: everything after it renders as code',
    ]);
  });

  const files = [
    'README.md',
    'gitlab/README.md',
    'examples/README.md',
    ...readdirSync(join(ROOT, 'docs'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.md'))
      .map((f) => join('docs', f)),
  ];
  it.each(files)('%s: every table renders whole', (file) => {
    expect(problems(readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
  });

  it.each(files)('%s: every relative link leads to a file and a heading there', (file) => {
    expect(deadLinks(join(ROOT, file))).toEqual([]);
  });

  it('makes anchors as GitHub does: code marks and punctuation dropped, spaces to -, a repeated heading numbered', () => {
    const text = '# Hoist\n## Scripting against `hoist`: exit codes, stdout, `--json`\n## Inputs\n### Inputs\n```sh\n# not a heading\n```\n';
    expect([...anchors(text)]).toEqual(['hoist', 'scripting-against-hoist-exit-codes-stdout---json', 'inputs', 'inputs-1']);
    const dir = mkdtempSync(join(tmpdir(), 'hoist-md-'));
    writeFileSync(join(dir, 'a.md'), '# A\n\nSee [b](b.md#b), [gone](b.md#nowhere), [none](c.md), [here](#a), `[code](x.md)`.\n');
    writeFileSync(join(dir, 'b.md'), '# B\n');
    expect(deadLinks(join(dir, 'a.md'))).toEqual(['line 3: b.md#nowhere (no heading makes #nowhere)', 'line 3: c.md (no such file)']);
  });

  it('the files checked include the README, the generated input reference and the topic pages', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', join('docs', 'inputs', 'action.md'), join('docs', 'secrets.md'), join('docs', 'tags.md')]));
  });
});
