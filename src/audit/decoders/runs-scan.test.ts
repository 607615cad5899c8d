// A short run (minShort to minRun characters) is decoded at each alignment its family reads, and only those that leave
// minShort characters are asked (the scanner's bound): a value of 12 bytes, base85 in exactly 15 characters, after a
// prefix of 1 to 4 characters of the alphabet (`k=`, `key:`-like) is read at the last alignment asked — the bound one
// lower misses it. Nearest real-world variant: a short password, b85encode'd, after a word stuck to it in a config line.
import { describe, expect, it } from 'vitest';
import { EncodedRuns } from './runs.js';
import { B85_ALPHABET } from './runs-base85.js';
import { seededPerTest } from '../../../test/support/random.js';

const rand = seededPerTest(1);

/** Python's b85encode of whole groups (RFC 1924's alphabet). */
function b85(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let v = bytes.readUInt32BE(i);
    let group = '';
    for (let k = 0; k < 5; k++, v = Math.floor(v / 85)) group = B85_ALPHABET[v % 85]! + group;
    out += group;
  }
  return out;
}

async function found(text: string): Promise<Array<{ at: number; alphabet: string; bytes: string }>> {
  const out: Array<{ at: number; alphabet: string; parts: Buffer[] }> = [];
  const runs = new EncodedRuns((at, alphabet) => {
    const run = { at, alphabet, parts: [] as Buffer[] };
    out.push(run);
    return { write: (b) => void run.parts.push(Buffer.from(b)), end: () => undefined };
  });
  await runs.push(Buffer.from(text, 'latin1'));
  await runs.end();
  return out.map((r) => ({ at: r.at, alphabet: r.alphabet, bytes: Buffer.concat(r.parts).toString('latin1') }));
}

describe(`RunScanner's short runs (seed ${rand.seed})`, () => {
  it('reads a 15-character value after a prefix of 1 to 4 characters (the last alignment asked)', async () => {
    for (let k = 1; k <= 4; k++)
      for (let round = 0; round < 6; round++) {
        const value = rand.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 12);
        const encoded = b85(Buffer.from(value));
        const prefix = rand.chars('abcdefghijklmnopqrstuvwxyz', k);
        const text = `line before\nsetting ${prefix}${encoded} after\n`;
        const at = text.indexOf(encoded);
        expect(await found(text), `prefix ${prefix}, ${encoded}`).toContainEqual({ at, alphabet: 'base85', bytes: value });
      }
  });
});
