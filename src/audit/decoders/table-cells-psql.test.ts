// Property: a value cut by psql's wrapped format (`\pset format wrapped`, the ascii line style psql uses by default) is
// read whole — a cell cut at its column's width ends with `.` where its padding blank was, the next piece begins with `.`
// after the same column's `|`, in a table and in `\x` expanded records — and its clean twin gives nothing. The fixtures
// were made by the real psql 15 against a cluster of its own (test/fixtures/psql-wrapped/: a settings table at 40
// columns, its value column cut into three pieces, and the same rows expanded). Nearest real-world variant: a migration
// job's log that printed a settings table with psql in a narrow terminal (round 15's text hunt: every psql wrapped and
// wrapped-expanded output of a token, a passphrase and a Unicode value was missed, silent). psql lines its columns up by
// characters: a name of `é € 😀` before the value puts its column's `|` at other bytes on the cut line than on the next
// (secret-unicode.txt).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLE_CELLS } from './table-cells.js';
import { auditFiles, SECRET } from './testing.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../test/fixtures/psql-wrapped', name));

/** The places TABLE_CELLS takes in `b` by its `|.` needle. */
function places(b: Buffer): number[] {
  const out: number[] = [];
  for (let i = b.indexOf('|.'); i >= 0; i = b.indexOf('|.', i + 1)) if (TABLE_CELLS.at(b, i)) out.push(i);
  return out;
}

describe('psql’s wrapped format', () => {
  // The unicode fixture's other cell is not cut: only the value's pieces are asked for there.
  it.each([
    ['secret-xoff.txt', [`| ${SECRET} |`, '| rotated monthly by the platform team, see runbook |']],
    ['secret-xon.txt', [`| ${SECRET} |`, '| rotated monthly by the platform team, see runbook |']],
    ['secret-unicode.txt', [`| ${SECRET} |`]],
  ])('%s: the cut cell’s pieces are joined, marks taken off', (name, joined) => {
    const b = fixture(name);
    expect(b.toString()).not.toContain(SECRET);
    expect(places(b).length).toBeGreaterThan(0);
    const copy = TABLE_CELLS.rewrite(b)!.toString();
    for (const cell of joined) expect(copy).toContain(cell);
  });

  it.each(['secret-xoff.txt', 'secret-xon.txt', 'secret-unicode.txt'])('%s audited: the value is found; its clean twin gives nothing', async (name) => {
    const found = await auditFiles({ 'var/log/migrate.log': fixture(name) });
    expect(found.filter((f) => f.severity === 'leak').map((f) => f.path)).toContainEqual(
      expect.stringMatching(/^var\/log\/migrate\.log!\(table cells at \d+\)$/),
    );
    expect(await auditFiles({ 'var/log/migrate.log': fixture(name.replace('secret', 'clean')) })).toEqual([]);
  });

  it('text with `|.` that is no cut cell takes no place', () => {
    for (const text of [
      '| a | b |\n|.5 | c |\n', // the line before's cell does not end with the mark
      'x |.y\n', // no line before
      'abc | def.\nab |.ghi\n', // the `|` columns differ
      '| 1.0 | 2.0 |\n|.5 |\n',
    ])
      expect(places(Buffer.from(text)), text).toEqual([]);
  });
});
