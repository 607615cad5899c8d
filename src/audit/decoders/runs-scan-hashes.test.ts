// Property: a password hash in modular crypt format — bcrypt's `$2y$10$…` in a database dump's column (htpasswd -B),
// sha512-crypt and md5-crypt in /etc/shadow (openssl passwd -6, -1) — is a hash's output, passed over by the encoded-runs
// scanner: read as Z85 and RFC 1924's base85 (whose alphabets hold `$`), each was decoded in five alignments, 1,400
// contents a MiB of a mysqldump of users. What follows a hash on its line is still read on its own, and a run that only
// looks like one (no field before its hash, a hash too short, cut by the chunk's end) is read as before. Nearest
// real-world variants: /etc/shadow of an image, a mysqldump of a Laravel users table.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { cryptHashEnd } from './runs-scan.js';
import { EncodedRuns } from './runs.js';
import { has, tool } from './testing.js';

const rand = seededPerTest(2828);
const CRYPT64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

async function opened(text: string): Promise<string[]> {
  const alphabets: string[] = [];
  const runs = new EncodedRuns((_at, alphabet) => {
    alphabets.push(alphabet);
    return { write: () => undefined, end: () => undefined };
  });
  await runs.push(Buffer.from(text, 'latin1'));
  await runs.end();
  return alphabets;
}

describe(`password hashes in modular crypt format (seed ${rand.seed})`, () => {
  it('a mysqldump of 1,000 users with bcrypt hashes opens no base85 or Z85 reading', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `(${i},'user${i}@example.com','$2y$10$${rand.chars(CRYPT64, 53)}',NULL)`);
    const found = await opened(`INSERT INTO \`users\` VALUES ${rows.join(',')};\n`);
    // Before: 1 and more a row.
    expect(found.filter((a) => a === 'z85' || a === 'base85')).toEqual([]);
  });

  it.skipIf(!has('openssl') || !has('htpasswd'))('hashes made by openssl passwd -6, -5, -1 and htpasswd -B end where they do', () => {
    const hashes = [
      ...['-6', '-5', '-1'].map((k) =>
        tool('sh', ['-c', `openssl passwd ${k} -stdin < in`], { in: 'correct horse battery\n' })
          .toString()
          .trim(),
      ),
      tool('sh', ['-c', 'htpasswd -inB admin < in'], { in: 'correct horse battery\n' }).toString().trim().split(':')[1]!,
    ];
    const lines = hashes.map((h) => `root:${h}:19000:0:99999:7:::`);
    expect(lines.map((l) => cryptHashEnd(Buffer.from(l), 5) - 5)).toEqual(hashes.map((h) => h.length));
  });

  it('what follows a hash is read; near-misses are not hashes', async () => {
    const value = rand.bytes(40);
    const z85 = tool('sh', ['-c', 'basenc --z85 -w 0 in'], { in: value }).toString();
    const found = await opened(`(1,'$2y$10$${rand.chars(CRYPT64, 53)}','${z85}')\n`);
    expect(found).toContain('z85');
    const miss = (s: string) => cryptHashEnd(Buffer.from(`${s}'`), 0);
    // No field before the hash, a hash of 21 characters, a scheme in capitals, cut by the chunk's end.
    expect([miss(`$2y$${'a'.repeat(53)}`), miss(`$6$salt$${'a'.repeat(21)}`), miss(`$SHA$salt$${'a'.repeat(40)}`)]).toEqual([-1, -1, -1]);
    expect(cryptHashEnd(Buffer.from(`$6$salt$${'a'.repeat(40)}`), 0)).toBe(-1);
  });
});
