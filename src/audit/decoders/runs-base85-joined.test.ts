// Property: base64 values joined by text's separators — a SQL dump's rows of base64 columns (`'…','…',1700000288),('…`),
// a JSON string holding a PGP signature or a PEM key whose lines are joined by `\n` escapes — are base64's to read, not
// runs of ASCII85 (whose alphabet holds the quotes, the comma, the parentheses and the backslash): read as ASCII85, each
// such run was decoded in its five alignments, 1,500 (a GitHub API dump of signed commits) to 3,300 (a mysqldump of
// sessions and bcrypt hashes) contents a MiB, and a 32 MiB file passed the 20 s per-file bound. A value encoded in
// ASCII85 between them is still decoded, and random ASCII85 characters are still given up no more often than the
// family states. Nearest real-world variants: `gh api` output of commits (`verification.signature`), mysqldump rows.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { a85encode, readRuns } from './base85.testing.js';
import { A85_ALPHABET, looksRandom, WANTS } from './runs-base85.js';
import { EncodedRuns } from './runs.js';

const rand = seededPerTest(2885);

const b64 = (n: number) => rand.bytes(n).toString('base64');
/** A commit as GitHub's REST API gives it, its signature's armored lines joined by `\n` in a JSON string. */
const commit = (i: number) => {
  const lines = b64(rand.int(566, 822))
    .match(/.{1,64}/g)!
    .join('\\n');
  return `{"sha":"${rand.bytes(20).toString('hex')}","commit":{"message":"release ${i}","verification":{"verified":true,"signature":"-----BEGIN PGP SIGNATURE-----\\n\\n${lines}\\n=${b64(3)}\\n-----END PGP SIGNATURE-----\\n"}}}`;
};
/** A mysqldump row of base64 columns: a session's id and its payload, a token. */
const row = (i: number, column = b64(rand.int(30, 60))) => `('${b64(30)}',${i},'${column}','${b64(45)}',${1_700_000_000 + i})`;

async function opened(text: string): Promise<number> {
  let n = 0;
  const runs = new EncodedRuns((_at, alphabet) => {
    if (alphabet === 'ascii85') n++;
    return { write: () => undefined, end: () => undefined };
  });
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length; i += 1 << 16) await runs.push(bytes.subarray(i, i + (1 << 16)));
  await runs.end();
  return n;
}

describe(`base64 values joined by text's separators (seed ${rand.seed})`, () => {
  it('a JSON dump of 400 signed commits and a SQL dump of 2,000 rows of base64 columns: few ASCII85 readings', async () => {
    const json = `[${Array.from({ length: 400 }, (_, i) => commit(i)).join(',\n')}]`;
    const sql = `INSERT INTO \`sessions\` VALUES ${Array.from({ length: 2000 }, (_, i) => row(i)).join(',')};\n`;
    // Before: 3 and more a signature, 1 and more a row. A PGP signature's last lines (`\n=XXXX\n-----END`) are three
    // joins, still read: under one in four signatures.
    expect(await opened(json)).toBeLessThan(200);
    expect(await opened(sql)).toBeLessThan(20);
  });

  it('an ASCII85 value between base64 columns or among a signature-like string is decoded as often as before (300 of each)', async () => {
    const missed: string[] = [];
    for (let i = 0; i < 300; i++) {
      // Written as the dump writes it: a value holding a quote or a backslash is escaped there, and read through that
      // escape's copy (not this reader's matter): drawn again.
      let value = rand.bytes(4 * rand.int(8, 12));
      while (/['"\\]/.test(a85encode(value, false))) value = rand.bytes(4 * rand.int(8, 12));
      const encoded = a85encode(value, false);
      const sql = `INSERT INTO \`t\` VALUES ${row(i - 1)},${row(i, encoded)},${row(i + 1)};\n`;
      const json = `{"note":"${b64(48)}\\n${encoded}\\n${b64(48)}"}\n`;
      for (const text of [sql, json]) if (!(await readRuns(text, value)).found) missed.push(text);
    }
    // Not all: a value whose run begins in the base64 before it (`…VKODflqNiYO9fIGniZaqez\n14`EIG;…`) is judged by that
    // run's head, as before this rule — at the test's own seed 160 of 600 were missed before it, 159 after: not more.
    expect(missed.length, missed.slice(0, 3).join('\n')).toBeLessThanOrEqual(0.3 * 600);
  });

  it('gives up 40 random ASCII85 characters no more often than before, within 3e-4 (50,000 draws)', () => {
    let given = 0;
    for (let k = 0; k < 50_000; k++) if (!looksRandom(rand.chars(A85_ALPHABET, 40), WANTS.ascii85)) given++;
    // The family's stated rate at 40 characters (runs-base85-random: 1.2e-4) and this rule's 3e-4: a mean of 21.
    expect(given).toBeLessThanOrEqual(21 + 5 * Math.sqrt(21));
  });
});
