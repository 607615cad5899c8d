// Property: a value wrapped inside a table's cell by the real tools — sqlite3's .mode box and .mode table with --wrap N
// (cut at the width) and --wordwrap on (cut at words), pandoc's reST grid table (words wrapped at the column's width),
// LF and CRLF — is a place of the notation, and its text rewritten holds the value whole; the clean twin's holds no
// leaky one; tables that wrap nothing (sqlite3's box of short values, Markdown tables, psql's aligned output) and
// shell pipelines at a line's end are no place. Nearest real-world variant: a report of a settings table printed by
// sqlite3's box mode, kept in a job log (red team round 14, variant14-text.ts: sqlite-box-wrap, sqlite-table-wrap,
// sqlite-box-wordwrap, pandoc-rst-grid). Read here as EncodedRuns reads a notation (its needles found, `at` asked, the
// text rewritten) until runs.ts lists it in notations().
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { TABLE_CELLS } from './table-cells.js';
import { has, tool } from './testing.js';

const rand = seededPerTest(1414);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A token (no blank) of 20 to 120 characters, some beyond ASCII and base64's. */
function token(): string {
  let v = 'k';
  for (let n = rand.int(20, 120); n > 0; n--) v += rand.int(4) ? rand.chars(LETTERS, 1) : rand.pick([...`&"é€+/=-_.`]);
  return `${v}Z`;
}
/** A passphrase: 6 to 25 words of 3 to 9 letters. */
const passphrase = () => Array.from({ length: rand.int(6, 26) }, () => rand.chars(LETTERS, rand.int(3, 10))).join(' ');

/** The text rewritten where the notation finds a place (its needles' hits that `at` takes), as UTF-8. */
function read(text: Buffer): string {
  for (const needle of TABLE_CELLS.needles)
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1))
      if (TABLE_CELLS.at(text, at)) return (TABLE_CELLS.rewrite(text) ?? Buffer.alloc(0)).toString('utf8');
  return '';
}

const sqlite = (mode: string, v: string) =>
  tool(
    'sh',
    [
      '-c',
      `sqlite3 :memory: "create table s(k text, v text); insert into s values('api_key', readfile('v')), ('region', 'eu-west-1');" "${mode}" 'select * from s'`,
    ],
    { v },
  );
const grid = (v: string) =>
  tool(
    'sh',
    [
      '-c',
      "{ printf '<table><tr><th>Setting</th><th>Value</th><th>Notes</th></tr><tr><td>phrase</td><td>'; cat v; printf '</td><td>rotate yearly, keep offline</td></tr></table>'; } | pandoc -f html -t rst --columns 60",
    ],
    { v },
  );

const tables: Array<[string, (v: string) => Buffer, () => string]> = [
  ['sqlite3 .mode box --wrap 16', (v) => sqlite('.mode box --wrap 16', v), token],
  ['sqlite3 .mode table --wrap 12', (v) => sqlite('.mode table --wrap 12', v), token],
  ['sqlite3 .mode box --wrap 20 --wordwrap on', (v) => sqlite('.mode box --wrap 20 --wordwrap on', v), passphrase],
  ['sqlite3 .mode table --wrap 7 (a passphrase cut at the width)', (v) => sqlite('.mode table --wrap 7', v), passphrase],
  ['sqlite3 .mode box --wrap 16, CRLF', (v) => Buffer.from(sqlite('.mode box --wrap 16', v).toString('latin1').replace(/\n/g, '\r\n'), 'latin1'), token],
  ['pandoc -t rst grid table', grid, passphrase],
];

describe(`table cells (seed ${rand.seed})`, () => {
  it.skipIf(!has('sqlite3') || !has('pandoc')).each(tables)('%s: the value read back whole; the clean twin holds no leaky one', (_name, make, value) => {
    for (let i = 0; i < 4; i++) {
      const [leaky, clean] = [value(), value()];
      const text = make(leaky);
      expect(text.toString()).not.toContain(leaky);
      expect(read(Buffer.concat([Buffer.from('report\n'), text, Buffer.from('done\n')]))).toContain(leaky);
      expect(read(make(clean))).not.toContain(leaky);
    }
  });

  it('tables that wrap nothing, Markdown tables, psql output and pipelines at a line end are no place', () => {
    const text = Buffer.from(
      [
        '┌─────────┬───────────┐\n│    k    │     v     │\n├─────────┼───────────┤\n│ api_key │ abc       │\n│ region  │ eu-west-1 │\n└─────────┴───────────┘\n',
        '| Setting | Value |\n| ------- | ----- |\n| a       | b     |\n| c       | d     |\n',
        '   k    |     v\n---------+-----------\n api_key | abc\n(1 row)\n',
        'cat a.txt |\n  grep x |\n  sort\n',
        'x = a |\n|| b\n',
      ].join(''),
    );
    for (const needle of TABLE_CELLS.needles)
      for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) expect(TABLE_CELLS.at(text, at), `a place at ${at}`).toBe(false);
  });
});
